"""Each journey's step times, strict or in any order: what time to convert and the any-order
funnel are read from.

How these queries work. Every statement gives one row per journey (customer and channel, the
customer's first entry in the period, exactly the funnel's journeys) with ``channel`` and
``t_1..t_N``: the time of each step, NULL where the step is not reached within the window and
before the end of the period.

- Strict order (``mode="strict"``): step k is the earliest stage-k event no earlier than step
  k-1, the funnel's definition. The times come from ``journey_starts`` when the journey table
  answers (``STRICT_FIRST_ENTRIES`` without a group-by, as ``first_entry``, or ``STRICT_BY_CUSTOMER``
  as ``per_customer``), else from the filtered events (``STRICT_FROM_EVENTS``: the walk's entries,
  each journey's events as one sorted list; the definition of ``journeys.chain_sql``: for the last
  90 days on web+app at 50M events 9-11 s against 17-21 s through its ASOF joins, load 11 on 2 cores).
- Any order (``mode="any"``): after the entry, each stage's first event within the window and the
  period (``f_k``), whatever their order; step k is reached when every stage 2..k has one, at the
  latest of those first events (``greatest(f_2..f_k)``). From the journey table the entries come
  from ``journey_starts`` and the events from ``journey_events`` (integers; the cross-channel
  journeys, channel key NULL, take every channel's events); from the filtered events through the
  walk's entries (``walk.ENTRY_CTES``).

Placeholders: ``journey_where``, ``first``, ``limit``, ``times``, ``source``, ``steps``, ``mins``,
``completion``, ``reached``, ``events_where``, ``last`` and those of ``walk.ENTRY_CTES``. Binds ``$window_us``, ``$to_bound``
(period with an end), ``$f_from`` (period with a start), the filters' values; over the events
also ``$stages``, ``$s1..$sN`` and ``$all_label``.
"""

from __future__ import annotations

from ..journeys import JOURNEY_DIMENSIONS, chain_params, constant_dimensions
from .first_entry import FIRST_EVER, FIRST_IN_PERIOD
from .query import FunnelQuery
from .sql import fill, limit, steps_list
from .walk import ENTRY_CTES, EVENT_FILTER_SKIP, stage_position

MODES = ("strict", "any")

# strict: the steps of each journey, then NULL where after the journey's last counted instant
STRICT_FIRST_ENTRIES = """\
select channel, anchor as t_1{times}, {limit} as lim from journey_starts
where {journey_where} and {first}"""
STRICT_BY_CUSTOMER = """\
select channel, r[1] as t_1{times}, {limit} as lim from (
  select customer_id, channel, min(anchor) as a, arg_min({steps}, anchor) as r
  from {source} where {journey_where} group by customer_id, channel)"""
STRICT = """\
select channel, t_1{reached} from ({entries})"""

# any order, from the journey table: entries from journey_starts, events from journey_events
ANY_ENTRIES_FIRST = """\
select ckey, channel, anchor as t_1 from journey_starts where {journey_where} and {first}"""
ANY_ENTRIES_BY_CUSTOMER = """\
select ckey, channel, min(anchor) as t_1 from journey_starts where {journey_where} group by ckey, channel"""
ANY_FROM_TABLE = """\
with entry as (select p.ckey, coalesce(c.ch, 0) as ch, p.channel, p.t_1, {limit} as lim
  from ({entries}) p left join channel_keys c on c.channel = p.channel),
ev as (select ckey, ch, k, occurred_at from journey_events where {events_where}),
firsts as (
  select min(p.channel) as channel, min(p.t_1) as t_1{mins}
  from (select * from entry where ch <> 0) p left join ev e on e.ckey = p.ckey and e.ch = p.ch
    and e.occurred_at >= p.t_1 and epoch_us(e.occurred_at) <= p.lim
  group by p.ckey, p.ch
  union all
  select min(p.channel) as channel, min(p.t_1) as t_1{mins}
  from (select * from entry where ch = 0) p left join ev e on e.ckey = p.ckey
    and e.occurred_at >= p.t_1 and epoch_us(e.occurred_at) <= p.lim
  group by p.ckey)
select channel, t_1{completion} from firsts"""
ANY_FROM_EVENTS = ENTRY_CTES + """,
firsts as (select p.channel, p.t_1{mins}
  from entry p left join later e on e.customer_id = p.customer_id and e.channel = p.channel
    and e.occurred_at >= p.t_1 and epoch_us(e.occurred_at) <= p.lim
  group by p.customer_id, p.channel, p.t_1)
select channel, t_1{completion} from firsts"""  # noqa: S608 - two constants


# strict, from the events: each journey's later events as one sorted list of integers (time in
# epoch microseconds times 16 plus the stage position, as the walk), then step k is the smallest
# of stage k after step k-1 (at one instant, earlier stages first); the time is read back exactly
STRICT_FROM_EVENTS = ENTRY_CTES + """,
lists as (select p.channel, p.t_1, list(epoch_us(e.occurred_at) * 16 + e.k) as l
  from entry p left join later e on e.customer_id = p.customer_id and e.channel = p.channel
    and e.occurred_at >= p.t_1 and epoch_us(e.occurred_at) <= p.lim
  group by p.customer_id, p.channel, p.t_1){steps}
select channel, t_1{times} from {last}"""  # noqa: S608 - two constants
STRICT_STEP = """,
s{k} as (select *, list_min(list_filter(l, lambda x: (x & 15) = {k} and {after})) as e_{k} from {source})"""


def _strict_events_sql(n: int, events_where: str, journey_where: str, bounded: bool) -> str:
    steps = "".join(STRICT_STEP.format(k=k, after="true" if k == 2 else f"x > e_{k - 1}",
                                       source="lists" if k == 2 else f"s{k - 1}") for k in range(2, n + 1))
    times = "".join(f", make_timestamp((e_{k} - (e_{k} & 15)) // 16) as t_{k}" for k in range(2, n + 1))
    return fill(STRICT_FROM_EVENTS, events_where=events_where, journey_where=journey_where,
                stage_position=stage_position(n), limit=limit("t_1", bounded), steps=steps, times=times,
                last=f"s{n}" if n > 1 else "lists")


def check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError("mode is strict or any")


def from_journey_table(q: FunnelQuery) -> bool:
    """The journey table answers the steps of these journeys (the runner asks for it with one
    chosen channel at most: the journey across two or more chosen channels is not one of its rows)."""
    if q.from_table and len(q.filters.channel) >= 2:
        raise ValueError("step times across two or more chosen channels come from the events")
    return q.from_table


def first_entries(con, q: FunnelQuery) -> bool:
    """Each journey is one row of ``journey_starts`` (no group-by): the journey filters select all
    of a customer's starts on a channel or none (as ``choice.per_channel_strategy``)."""
    filtered = {d for d in JOURNEY_DIMENSIONS if getattr(q.filters, d)}
    return filtered <= constant_dimensions(con)


def _first(q: FunnelQuery) -> str:
    return FIRST_IN_PERIOD if "f_from" in q.params else FIRST_EVER


def strict_sql(con, q: FunnelQuery) -> tuple[str, dict]:
    n = q.n_steps
    reached = "".join(f", case when epoch_us(t_{k}) <= lim then t_{k} end as t_{k}" for k in range(2, n + 1))
    if from_journey_table(q) and first_entries(con, q):
        entries = fill(STRICT_FIRST_ENTRIES, times="".join(f", t_{k}" for k in range(2, n + 1)),
                       limit=limit("anchor", q.bounded), journey_where=q.journey_where, first=_first(q))
        return fill(STRICT, reached=reached, entries=entries), q.params
    if not from_journey_table(q):
        events_where, event_params = q.filters.where_sql("interactions", skip=EVENT_FILTER_SKIP)
        return (_strict_events_sql(n, events_where, q.journey_where, q.bounded),
                q.params | event_params | chain_params(list(q.order)))
    params, source = q.params, "journey_starts"
    entries = fill(STRICT_BY_CUSTOMER, times="".join(f", r[{k}] as t_{k}" for k in range(2, n + 1)),
                   limit=limit("a", q.bounded), steps=steps_list(n), source=source, journey_where=q.journey_where)
    return fill(STRICT, reached=reached, entries=entries), params


def _any_parts(n: int) -> dict[str, str]:
    mins = "".join(f", min(e.occurred_at) filter (where e.k = {k}) as f_{k}" for k in range(2, n + 1))
    completion = "".join(
        f", case when {' and '.join(f'f_{j} is not null' for j in range(2, k + 1))} "
        f"then greatest({', '.join(f'f_{j}' for j in range(2, k + 1))}) end as t_{k}" for k in range(2, n + 1))
    return {"mins": mins, "completion": completion}


def _period(q: FunnelQuery) -> str:
    """The events a journey of the period can reach: from its start to its end (``journey_events``
    is in time order per channel: a period reads a slice of it)."""
    clauses = (["occurred_at >= $f_from"] if "f_from" in q.params else []) + \
        (["occurred_at < $to_bound"] if q.bounded else [])
    return " and ".join(clauses) or "true"


def any_sql(con, q: FunnelQuery) -> tuple[str, dict]:
    n = q.n_steps
    if from_journey_table(q):
        if first_entries(con, q):
            entries = fill(ANY_ENTRIES_FIRST, journey_where=q.journey_where, first=_first(q))
        else:
            entries = fill(ANY_ENTRIES_BY_CUSTOMER, journey_where=q.journey_where)
        return fill(ANY_FROM_TABLE, entries=entries, limit=limit("p.t_1", q.bounded), events_where=_period(q),
                    **_any_parts(n)), q.params
    events_where, event_params = q.filters.where_sql("interactions", skip=EVENT_FILTER_SKIP)
    sql = fill(ANY_FROM_EVENTS, events_where=events_where, journey_where=q.journey_where,
               stage_position=stage_position(n), limit=limit("t_1", q.bounded), **_any_parts(n))
    return sql, q.params | event_params | chain_params(list(q.order))


def step_times_sql(con, q: FunnelQuery, mode: str) -> tuple[str, dict]:
    """``(sql, params)``: one row per journey, ``channel, t_1..t_N`` (NULL: not reached). From the
    journey table with one chosen channel, that channel's rows only: the caller copies them as
    the journey across the chosen channels (``from_journey_table``), as ``funnel_steps`` does."""
    check_mode(mode)
    return strict_sql(con, q) if mode == "strict" else any_sql(con, q)
