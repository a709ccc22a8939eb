"""Which strategy answers a funnel: the journey table when it can, the events when it must."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..filters import Filters
from ..journeys import JOURNEY_DIMENSIONS, constant_dimensions
from .across import walk_across
from .all_dates import sum_first_reach
from .first_entry import count_first_entries
from .per_customer import count_from_starts
from .query import FunnelQuery
from .walk import count_from_events

Strategy = Callable[[object, FunnelQuery], pd.DataFrame]


def uses_journey_table(filters: Filters) -> bool:
    """True when the maintained journey table answers these filters: no touchpoint or attribute
    filter (they select events). With two or more channels the per-channel funnels come from it
    and the funnel across just those channels from their events."""
    return not (filters.touchpoint or filters.attrs)


def split_across(filters: Filters) -> bool:
    """True when the funnel across the chosen channels costs much more than the per-channel
    funnels (two or more channels, answered from the journey table): a page can then draw the
    per-channel funnels first (``across_channels=False``) and the one across them when it is ready
    (``per_channel=False``); the across part followed by the per-channel part is the whole funnel."""
    return len(filters.channel) >= 2 and uses_journey_table(filters)


def reads_events(filters: Filters) -> bool:
    """True when part of the funnel for these filters is computed from the events themselves (a
    touchpoint or attribute filter, or the journey across two or more chosen channels): seconds
    at tens of millions of events, where the journey table answers in a fraction of a second."""
    return not uses_journey_table(filters) or len(filters.channel) >= 2


def from_table(filters: Filters, stored_order: bool, source: str) -> bool:
    """Whether the journey tables answer (``source`` ``auto``: whenever they can; ``table``: they
    must; ``events``: never). They can with the stored stage order and no filter selecting events."""
    table_ok = stored_order and uses_journey_table(filters)
    if source == "table" and not table_ok:
        raise ValueError("the journey table cannot answer these filters or this stage order")
    return source != "events" and table_ok


def choose(con, q: FunnelQuery, per_channel: bool, across_channels: bool) -> list[Strategy]:
    """The strategies whose results, stacked, are the funnel. From the events, one query gives
    every funnel. From the journey tables, the per-channel funnels come from the cheapest query
    exact for the filters (``per_channel_strategy``), and the funnel across two or more chosen
    channels, which no per-channel row holds, walks those channels' events (the slow part: a page
    can ask for it apart, see ``split_across``)."""
    if not q.from_table:
        return [count_from_events]
    several = len(q.filters.channel) >= 2
    chosen: list[Strategy] = []
    if per_channel or not (several and across_channels):
        chosen.append(per_channel_strategy(con, q))
    if several and across_channels:
        chosen.append(walk_across)
    return chosen


def per_channel_strategy(con, q: FunnelQuery) -> Strategy:
    """Over ``journey_starts`` by customer when a journey filter selects some of a customer's
    starts; else over all dates the sums of ``journey_first_reach``, and over a period the first
    entries read off ``journey_starts``."""
    filtered = {d for d in JOURNEY_DIMENSIONS if getattr(q.filters, d)}
    if not filtered <= constant_dimensions(con):
        return count_from_starts
    if q.filters.date_from is None and q.filters.date_to is None:
        return sum_first_reach
    return count_first_entries
