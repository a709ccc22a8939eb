"""What every funnel strategy needs to know: the checked arguments, the journey filter, its parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..filters import Filters
from ..journeys import ALL_CHANNELS
from .sql import window_params

DEFAULT_WINDOW_DAYS = 30
SOURCES = ("auto", "table", "events")


def check_arguments(order: list[str], window_days: int, source: str) -> None:
    """Raise ``ValueError`` on a funnel that cannot be asked for."""
    if not order:
        raise ValueError("no journey stages defined")
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    if source not in SOURCES:
        raise ValueError("source is auto, table or events")


@dataclass(frozen=True)
class FunnelQuery:
    """One funnel to count. ``journey_where`` filters journeys (date of entry, segment, region,
    product; and the channels when the journey table answers: ``from_table``), with ``params``
    binding its values, ``$window_us`` and, when the period has an end (``bounded``), ``$to_bound``:
    the first instant after it. The events path applies channel, touchpoint and attributes to the
    events themselves."""

    filters: Filters
    order: tuple[str, ...]
    window_days: int
    from_table: bool
    journey_where: str
    params: dict
    bounded: bool

    @property
    def n_steps(self) -> int:
        return len(self.order)

    @classmethod
    def build(cls, filters: Filters, order: list[str], window_days: int, from_table: bool) -> FunnelQuery:
        skip = ("touchpoint", "stage", "attrs") + (() if from_table and filters.channel else ("channel",))
        journey_where, params = filters.where_sql("journeys", skip=skip)
        if from_table and filters.channel:
            # the table's own cross-channel rows are not a channel a link can pick (no event has it)
            journey_where += " and channel <> $all_label"
            params["all_label"] = ALL_CHANNELS
        # the end of the period, if it has one (a step on or after it does not count)
        to_bound = datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time()) \
            if filters.date_to else None
        params |= window_params(window_days, to_bound)
        return cls(filters, tuple(order), window_days, from_table, journey_where, params, to_bound is not None)
