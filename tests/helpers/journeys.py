"""Tiny funnel databases from journeys written as lists of events per customer (as PostHog's
funnel tests do): ``build({"alice": [(0, "web", "awareness"), (1, "web", "consideration")]})``.

An event is ``(when, channel, stage)``: ``when`` is a number of days after ``T0`` or a datetime.
Its segment is ``segment_of(customer)``: by default SME before "m" in the alphabet and Consumer
from "m" on, so a test can filter on it; a fourth element, ``(when, channel, stage, segment)``,
gives one event its own.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import cxdata
from cxdata import journeys as journey_table
from cxdata.filters import Filters
from cxdata.funnel.choice import choose, from_table
from cxdata.funnel.query import DEFAULT_WINDOW_DAYS, FunnelQuery

T0 = datetime(2024, 3, 1, 9, 0)
STAGES = ["awareness", "consideration", "purchase"]


def by_name(customer: str) -> str:
    return "SME" if customer < "m" else "Consumer"


def build(journeys: dict[str, list[tuple]], stages: list[str] | None = None, segment_of=by_name):
    """An in-memory database holding ``journeys`` ({customer: [(when, channel, stage), ...]}),
    with ``stages`` as the stage order when given, and its journey tables built."""
    con = cxdata.connect(":memory:")
    if stages:
        cxdata.db.set_stages(con, stages)
    rows = []
    for cust, events in journeys.items():
        for i, (when, channel, stage, *segment) in enumerate(events):
            at = when if isinstance(when, datetime) else T0 + timedelta(days=when)
            rows.append((f"{cust}-{i}", cust, at, channel, stage, segment[0] if segment else segment_of(cust)))
    con.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment) "
                    "values (?, ?, ?, ?, ?, ?)", rows)
    journey_table.rebuild(con)  # rows written behind the library's back: refresh the derived table
    return con


def counts(frame, channel) -> list[int]:
    """Customers at each step of ``channel``'s funnel, in step order."""
    g = frame[frame["channel"] == channel].sort_values("step")
    return list(g["customers"])


def strategies(con, filters: Filters, source: str = "auto", window_days: int = DEFAULT_WINDOW_DAYS,
               per_channel: bool = True, across_channels: bool = True) -> list[str]:
    """The names of the strategies ``funnel_steps`` runs for these arguments (stored stage order):
    a test states which one it exercises."""
    q = FunnelQuery.build(filters, cxdata.db.stages(con), window_days, from_table(filters, True, source))
    return [s.__name__ for s in choose(con, q, per_channel, across_channels)]


def no_segment(customer: str) -> None:
    return None


_US = timedelta(microseconds=1)
_START, _END = datetime(2024, 1, 1), datetime(2024, 2, 1)  # JANUARY ends on 31 January: midnight is after it
JANUARY = Filters(date_from=_START.date(), date_to=date(2024, 1, 31))
# The edges of the window and of the period, to the microsecond (build with segment_of=no_segment):
# ann's consideration exactly 7 days after her start is within a 7-day window, her purchase 1 us
# later is not; bo's consideration on the last microsecond of January counts, his purchase at its
# end does not (it does with no end to the period, 12 hours after his start).
WINDOW_EDGES = {
    "ann": [(_START, "web", "awareness"), (_START + timedelta(days=7), "web", "consideration"),
            (_START + timedelta(days=7) + _US, "web", "purchase")],
    "bo": [(_END - timedelta(hours=12), "web", "awareness"), (_END - _US, "web", "consideration"),
           (_END, "web", "purchase")],
}
