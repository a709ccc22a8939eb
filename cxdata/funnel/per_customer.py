"""Strategy: each customer's first entry found by a group-by per customer and channel.

How this query works. Per channel, the first entry per customer in the period (``min(anchor)``,
``arg_min`` of the step times), then how many of those reach each step within the window and before
the end of the period. The journey starts come from ``journey_starts`` when the journey filters do
not select whole customers (a segment that changes between a customer's starts), or from the
filtered events on the fly (``journeys.chain_sql``: same columns, same definition) in
``count_from_events_asof``, the definition that ``walk.count_from_events`` (what the funnel runs
when a filter selects events or the stage order is not the stored one) is tested against.

Placeholders: ``step_counts`` (``c2..cN``), ``limit`` (``sql.limit``), ``steps`` (``sql.steps_list``),
``source`` (``journey_starts`` or the chain of events) and ``journey_where``.
Binds ``$window_us``, ``$to_bound`` (period with an end) and the journey filter's values; over the
events also ``$stages``, ``$s1..$sN``, ``$all_label`` and the event filter's values.
"""

from __future__ import annotations

import pandas as pd

from ..journeys import chain_params, chain_sql
from .query import FunnelQuery
from .sql import fill, limit, reached, step_counts, steps_list

COUNT_BY_FIRST_ENTRY = """\
select channel, count(*) as c1{step_counts} from (
  select channel, r, {limit} as lim from (
    select customer_id, channel, min(anchor) as a, arg_min({steps}, anchor) as r
    from {source} where {journey_where} group by customer_id, channel))
group by channel"""

# the event filters the chain applies itself: journey filters apply to the journey's first event
EVENT_FILTER_SKIP = ("stage", "segment", "region", "product")


def count_sql(n_steps: int, source: str, journey_where: str, bounded: bool) -> str:
    return fill(COUNT_BY_FIRST_ENTRY, step_counts=step_counts(n_steps, lambda k: reached(f"r[{k}]")),
                limit=limit("a", bounded), steps=steps_list(n_steps), source=source,
                journey_where=journey_where)


def count_from_starts(con, q: FunnelQuery) -> pd.DataFrame:
    """Per-channel counts over ``journey_starts``."""
    return con.execute(count_sql(q.n_steps, "journey_starts", q.journey_where, q.bounded), q.params).df()


def count_from_events_asof(con, q: FunnelQuery) -> pd.DataFrame:
    """Every funnel (per channel and across channels) from the filtered events, through the ASOF
    chain: DuckDB only. The funnel uses ``walk.count_from_events`` (same counts, on Spark too,
    faster); this one stays as the definition the walk is tested and timed against."""
    events_where, params = q.filters.where_sql("interactions", skip=EVENT_FILTER_SKIP)
    chain = f"({chain_sql(q.n_steps, events_where)})"
    return con.execute(count_sql(q.n_steps, chain, q.journey_where, q.bounded),
                       q.params | params | chain_params(list(q.order))).df()
