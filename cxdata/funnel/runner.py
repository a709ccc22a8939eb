"""``funnel_steps``: check the arguments, choose the strategies, run them, reshape their counts."""

from __future__ import annotations

import pandas as pd

from ..db import stages as stored_stages
from ..filters import Filters
from ..journeys import ALL_CHANNELS
from .choice import choose, from_table
from .query import DEFAULT_WINDOW_DAYS, FunnelQuery, check_arguments
from .results import steps_frame


def funnel_steps(con, filters: Filters, window_days: int = DEFAULT_WINDOW_DAYS,
                 per_channel: bool = True, across_channels: bool = True,
                 stages: list[str] | None = None, source: str = "auto") -> pd.DataFrame:
    """Customers at each stage of the ordered funnel, per channel and/or across channels.

    Columns: channel, step (1-based), stage, customers, from_previous (% of the previous step),
    from_start (% of step 1), drop_off (% lost since the previous step). The ``stage`` filter is
    not applied (the funnel is made of stages); every other filter is. ``source``: ``auto`` (the
    journey table when it can answer, else the events), or force ``table`` / ``events`` (tests and
    the benchmark compare the two)."""
    stored = stored_stages(con)
    order = list(stages) if stages is not None else stored
    check_arguments(order, window_days, source)
    q = FunnelQuery.build(filters, order, window_days, from_table(filters, order == stored, source))
    wide = pd.concat([count(con, q) for count in choose(con, q, per_channel, across_channels)],
                     ignore_index=True)
    if q.from_table and len(filters.channel) == 1:
        # One channel: its cross-channel funnel (journeys over its events only) is its own funnel.
        wide = pd.concat([wide, wide.assign(channel=ALL_CHANNELS)], ignore_index=True)
    return steps_frame(wide, q.order, per_channel, across_channels)
