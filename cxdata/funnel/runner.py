"""``funnel_steps`` and ``days_to_step``: check the arguments, choose the strategies, run them,
reshape their counts."""

from __future__ import annotations

import pandas as pd

from ..db import stages as stored_stages
from ..filters import Filters
from ..journeys import ALL_CHANNELS
from . import timing
from .choice import choose, from_table
from .query import DEFAULT_WINDOW_DAYS, FunnelQuery, check_arguments
from .results import steps_frame
from .step_times import check_mode


def _query(con, filters: Filters, window_days: int, stages: list[str] | None, source: str,
           mode: str, times: bool = False) -> FunnelQuery:
    """``times``: the query reads step times (``step_times``), not the strict counts."""
    stored = stored_stages(con)
    order = list(stages) if stages is not None else stored
    check_arguments(order, window_days, source)
    check_mode(mode)
    table = from_table(filters, order == stored, source)
    if times and len(filters.channel) >= 2:
        # the step times of a journey across two or more chosen channels: from their events
        table = False
    return FunnelQuery.build(filters, order, window_days, table)


def funnel_steps(con, filters: Filters, window_days: int = DEFAULT_WINDOW_DAYS,
                 per_channel: bool = True, across_channels: bool = True,
                 stages: list[str] | None = None, source: str = "auto", mode: str = "strict") -> pd.DataFrame:
    """Customers at each stage of the funnel, per channel and/or across channels.

    Columns: channel, step (1-based), stage, customers, from_previous (% of the previous step),
    from_start (% of step 1), drop_off (% lost since the previous step). The ``stage`` filter is
    not applied (the funnel is made of stages); every other filter is. ``mode``: ``strict`` (the
    steps in their order) or ``any`` (step k counts when stages 2..k are all reached within the
    window after the entry, in any order). ``source``: ``auto`` (the journey table when it can
    answer, else the events), or force ``table`` / ``events`` (tests and the benchmark compare the
    two)."""
    q = _query(con, filters, window_days, stages, source, mode, times=mode == "any")
    if mode == "any":
        return steps_frame(timing.counts(con, q, mode), q.order, per_channel, across_channels)
    wide = pd.concat([count(con, q) for count in choose(con, q, per_channel, across_channels)],
                     ignore_index=True)
    if q.from_table and len(filters.channel) == 1:
        # One channel: its cross-channel funnel (journeys over its events only) is its own funnel.
        wide = pd.concat([wide, wide.assign(channel=ALL_CHANNELS)], ignore_index=True)
    return steps_frame(wide, q.order, per_channel, across_channels)


def days_to_step(con, filters: Filters, window_days: int = DEFAULT_WINDOW_DAYS, mode: str = "strict",
                 stages: list[str] | None = None, source: str = "auto") -> pd.DataFrame:
    """Time to convert: for each channel (``(all channels)`` first) and step 2..N, the days from
    the previous step of the journeys that reach it, on the funnel's journeys and rules
    (``timing``). Columns: channel, step, from_stage, stage, entered (at the previous step), n
    (reached this one), median, p25, p75, p05, p95, mean (days), within_1, within_7, within_30 (%
    of ``entered`` reaching the step within that many days). Empty when nobody entered."""
    q = _query(con, filters, window_days, stages, source, mode, times=True)
    return timing.days_frame(con, q, mode)
