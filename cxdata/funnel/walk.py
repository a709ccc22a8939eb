"""Strategy: every funnel (per channel and across channels) from the filtered events, as a walk.

How this query works. The events of the funnel's stages that pass the event filters (channel,
touchpoint, an attribute, the period's dates are not among them: a journey's later steps are
bounded below) are taken once per channel and once across channels (``$all_label``). A journey
starts on each day with a first-stage event, at its first one, with that event's segment, region
and product (``starts``); per customer and channel the first start passing the journey filter
(dates of entry, segment, region, product) is the entry (``entry``). Then the entry's later-stage
events from its time up to ``lim`` (the end of the window, and of the period when it has one) are
walked in time order, at one instant earlier stages first: step k is the first event of stage k
after step k-1, the earliest such event no earlier than step k-1, the definition
``journeys.chain_sql`` computes with one ASOF join per stage. The walk sorts one integer per event,
its time in epoch microseconds times 16 plus its stage position (at most 12 stages), and reads the
stage back from the low four bits, as ``across`` does. Standard SQL plus a sort and a fold of a
list, so Spark runs it too (it has no ASOF join); and on DuckDB it is faster than the ASOF chain.

Placeholders: ``stage_position`` (a ``case`` over ``$s2..$sN``), ``events_where``,
``journey_where``, ``limit`` (``sql.limit`` over ``t_1``) and ``step_counts`` (``c2..cN``).
Binds ``$stages``, ``$s1..$sN``, ``$all_label``, ``$window_us``, ``$to_bound`` (period with an end)
and the filters' values.
"""

from __future__ import annotations

import pandas as pd

from ..journeys import chain_params
from .query import FunnelQuery
from .sql import fill, limit

# the journeys' entries (``entry``: customer, channel, t_1, lim) and their later events
# (``later``: customer, channel, time, stage position k); ``step_times`` reads them too
ENTRY_CTES = """\
with ev as (select customer_id, channel, stage, occurred_at, segment, region, product
  from interactions where ({events_where}) and list_contains($stages, stage)),
events as (select * from ev
  union all select customer_id, $all_label as channel, stage, occurred_at, segment, region, product from ev),
starts as (select customer_id, channel, min(occurred_at) as anchor, arg_min(segment, occurred_at) as segment,
    arg_min(region, occurred_at) as region, arg_min(product, occurred_at) as product
  from events where stage = $s1 group by customer_id, channel, cast(occurred_at as date)),
entry as (select customer_id, channel, t_1, {limit} as lim from (
  select customer_id, channel, min(anchor) as t_1 from starts where {journey_where}
  group by customer_id, channel)),
later as (select customer_id, channel, occurred_at, {stage_position} as k from events where stage <> $s1)"""
WALK_EVENTS = ENTRY_CTES + """,
reach as (
  select p.customer_id, p.channel,
    list_reduce(list_sort(list(epoch_us(e.occurred_at) * 16 + e.k)),
                lambda acc, x: case when (x & 15) = acc + 1 then acc + 1 else acc end, 1::bigint) as r
  from entry p join later e on e.customer_id = p.customer_id and e.channel = p.channel
    and e.occurred_at >= p.t_1 and epoch_us(e.occurred_at) <= p.lim
  group by p.customer_id, p.channel)
select p.channel, count(*) as c1{step_counts}
from entry p left join reach r on r.customer_id = p.customer_id and r.channel = p.channel
group by p.channel"""  # noqa: S608 - two constants

# the event filters the walk applies itself: journey filters apply to the journey's first event
EVENT_FILTER_SKIP = ("stage", "segment", "region", "product")


def stage_position(n_steps: int) -> str:
    """SQL: the position (2..N) of an event's stage, from ``$s2..$sN``."""
    return "case " + " ".join(f"when stage = $s{k} then {k}" for k in range(2, n_steps + 1)) + " end" \
        if n_steps > 1 else "null"


def walk_sql(n_steps: int, events_where: str, journey_where: str, bounded: bool) -> str:
    return fill(WALK_EVENTS, events_where=events_where, journey_where=journey_where,
                stage_position=stage_position(n_steps), limit=limit("t_1", bounded),
                step_counts="".join(f", count(*) filter (where r.r >= {k}) as c{k}" for k in range(2, n_steps + 1)))


def count_from_events(con, q: FunnelQuery) -> pd.DataFrame:
    """Every funnel (per channel and across channels) from the filtered events."""
    events_where, params = q.filters.where_sql("interactions", skip=EVENT_FILTER_SKIP)
    sql = walk_sql(q.n_steps, events_where, q.journey_where, q.bounded)
    return con.execute(sql, q.params | params | chain_params(list(q.order))).df()
