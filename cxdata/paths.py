"""Paths between channels: which channel each journey used at each stage, by the funnel's rules.

What counts. The journeys are those of the funnel across channels (``funnel_steps``' ``(all
channels)`` rows): per customer, the journey from the first entry (first-stage event) in the
period passing the journey filters (segment, region, product of that day's first event); step k
is the earliest stage-k event no earlier than step k-1, within the conversion window from the
entry and inside the period; channel, touchpoint and attribute filters select the events. The
channel of a step is the channel of that event (two events of the step's stage at the same instant:
the first channel in alphabetical order). A journey's **path** is the channels of the steps it
reached, e.g. social → web → store → app.

What it returns (``paths``):

- ``journeys``: the journeys (the funnel's step 1); ``stages``: customers per stage (the funnel's
  counts); ``nodes``: customers per stage and channel; ``links``: customers per pair of
  consecutive stages and their channels (the Sankey). The links into stage k add up to the funnel's
  count at stage k (tested).
- ``paths``: the top paths *before the purchase* (the channels of the stages before the stage
  named ``purchase``, or before the last stage when no stage is so named), each with customers,
  share of journeys and ``purchase_share``: the share of those journeys that reached the purchase
  (on any channel). A path shorter than that is a journey that stopped early (``["social"]``: aware
  on social, never considered; ``stopped`` true).
- ``switching_share``: of the journeys that reached the purchase (``buyers``, the denominator),
  the share whose steps up to and including the purchase used more than one channel.

How the query works. The events of the funnel's stages that pass the event filters (and the
period: no step counts outside it) are taken once; a journey starts each day with a first-stage
event (``starts``); the entry is each customer's first start passing the journey filter
(``entry``). Then the entry's events from its time up to ``lim`` (window and period) are sorted as
(time, stage position, channel) and folded: an event extends the path when its stage is the next
one, so the fold returns the channel of every step reached, the walk of ``funnel.walk`` with the
channels kept. Placeholders: ``events_where``, ``journey_where``, ``stage_position``, ``limit``.
Binds ``$stages``, ``$s1..$sN``, ``$window_us``, ``$to_bound`` and the filters' values.
"""

from __future__ import annotations

from collections import Counter

from .db import stages as stored_stages
from .filters import Filters
from .funnel.choice import uses_journey_table
from .funnel.first_entry import FIRST_EVER, FIRST_IN_PERIOD
from .funnel.query import DEFAULT_WINDOW_DAYS, FunnelQuery
from .funnel.sql import fill, limit
from .journeys import ALL_CHANNELS, JOURNEY_DIMENSIONS, chain_params, constant_dimensions

TOP_PATHS = 20
PURCHASE_STAGE = "purchase"
MAX_WINDOW_DAYS = 3650

PATHS_SQL = """\
with ev as (select customer_id, channel, stage, occurred_at, segment, region, product
  from interactions where ({events_where}) and list_contains($stages, stage)),
starts as (select customer_id, min(occurred_at) as anchor, arg_min(segment, occurred_at) as segment,
    arg_min(region, occurred_at) as region, arg_min(product, occurred_at) as product
  from ev where stage = $s1 group by customer_id, cast(occurred_at as date)),
entry as (select customer_id, t_1, {limit} as lim from (
  select customer_id, min(anchor) as t_1 from starts where {journey_where} group by customer_id)),
walked as (
  select list_reduce(list_sort(list(struct_pack(t := e.occurred_at, k := {stage_position}, c := e.channel))),
                     lambda acc, x: case when x.k = array_length(acc) + 1 then list_append(acc, x.c) else acc end,
                     []::varchar[]) as path
  from entry p join ev e on e.customer_id = p.customer_id and e.occurred_at >= p.t_1
    and epoch_us(e.occurred_at) <= p.lim
  group by p.customer_id)
select path, count(*) as customers from walked group by path"""

# journey filters apply to a journey's first event; the period bounds the events too (see above)
EVENT_FILTER_SKIP = ("stage", "segment", "region", "product")

# From the journey tables (no touchpoint or attribute filter, at most one channel). ``entry``: each
# customer's first start in the period passing the journey filter, from the ``journey_starts`` rows
# of ``$chan`` (the cross-channel label, or the one chosen channel): read off ``prev_anchor`` when
# the filtered dimensions are constant per customer and channel (``ENTRY_FIRST``, as
# ``funnel.first_entry``), else by a group-by (``ENTRY_GROUPED``). A step counts when its time is
# within ``lim``. Across channels, the channel of step 1 is the first channel (alphabetical rank
# ``r`` of ``chans``) whose own start has the entry's instant, of step k the first channel of a
# stage-k event at the step's instant (``journey_events``, one join for every later step); each path's channels come back as
# ranks ``c1..cN`` and are named in Python. One channel: every step is on it, so only how far each
# journey got is counted. Integers all along; the same paths as the events (tested).
# Binds ``$chan``, ``$all_label``, ``$window_us``, ``$to_bound``, ``$f_from`` and the filters' values.
ENTRY_GROUPED = """\
entry as (select ckey, a{times}, {limit} as lim from (
  select ckey, min(anchor) as a{first_times} from journey_starts
  where ({journey_where}) and channel = $chan group by ckey))"""
ENTRY_FIRST = """\
entry as (select ckey, anchor as a{times}, {limit} as lim from journey_starts
  where ({journey_where}) and channel = $chan and {first})"""
CHANNEL_RANKS = "select channel, cast(rank() over (order by channel) as integer) as r from channel_keys"
FIRST_STEP = """\
select s.ckey, 1 as k, min(c.r) as r from entry s
  join journey_starts j on j.ckey = s.ckey and j.anchor = s.a and j.channel <> $all_label
  join chans c on c.channel = j.channel group by s.ckey"""
LATER_STEPS = """\
select s.ckey, s.k, min(c.r) as r from later s
  join journey_events e on e.ckey = s.ckey and e.k = s.k and e.occurred_at = s.t
  join channel_keys h on h.ch = e.ch join chans c on c.channel = h.channel
  group by s.ckey, s.k"""
ACROSS_PATHS = """\
with {entry},
chans as ({ranks}),
later as ({later}),
named as ({first} union all {steps}),
wide as (select ckey{pivot} from named group by ckey)
select {columns}, count(*) as customers from wide group by all"""
ONE_CHANNEL_DEPTHS = """\
with {entry}
select 1{depth} as depth, count(*) as customers from entry group by all"""


def _entry(n_steps: int, journey_where: str, bounded: bool, first: str | None) -> str:
    times = "".join(f", t_{k}" for k in range(2, n_steps + 1))
    if first is not None:
        return fill(ENTRY_FIRST, times=times, limit=limit("anchor", bounded), journey_where=journey_where,
                    first=first)
    first_times = "".join(f", arg_min(t_{k}, anchor) as t_{k}" for k in range(2, n_steps + 1))
    return fill(ENTRY_GROUPED, times=times, first_times=first_times, limit=limit("a", bounded),
                journey_where=journey_where)


def table_paths_sql(n_steps: int, entry: str, across: bool) -> str:
    """The paths (ranks ``c1..cN`` across channels) or depths (one channel) from the tables."""
    if not across:
        depth = "".join(f" + coalesce(epoch_us(t_{k}) <= lim, false)::int" for k in range(2, n_steps + 1))
        return fill(ONE_CHANNEL_DEPTHS, entry=entry, depth=depth)
    # every later step reached, as (customer, stage, time): one join with journey_events for all
    later = " union all ".join(f"select ckey, {k} as k, t_{k} as t from entry where epoch_us(t_{k}) <= lim"  # noqa: S608
                               for k in range(2, n_steps + 1)) or "select 0 as ckey, 0 as k, null as t where false"
    ks = range(1, n_steps + 1)
    return fill(ACROSS_PATHS, entry=entry, ranks=CHANNEL_RANKS, later=later, first=FIRST_STEP, steps=LATER_STEPS,
                pivot="".join(f", min(r) filter (where k = {k}) as c{k}" for k in ks),
                columns=", ".join(f"c{k}" for k in ks))


def paths_sql(n_steps: int, events_where: str, journey_where: str, bounded: bool) -> str:
    position = "case " + " ".join(f"when e.stage = $s{k} then {k}" for k in range(1, n_steps + 1)) + " end"
    return fill(PATHS_SQL, events_where=events_where, journey_where=journey_where, stage_position=position,
                limit=limit("t_1", bounded))


def from_tables(filters: Filters) -> bool:
    """Whether the journey tables answer: no filter selecting events but one channel at most."""
    return uses_journey_table(filters) and len(filters.channel) <= 1


def path_counts(con, filters: Filters, window_days: int = DEFAULT_WINDOW_DAYS,
                stages: list[str] | None = None, source: str = "auto") -> list[tuple[tuple[str, ...], int]]:
    """``[(path, customers)]``: every distinct path (the channels of the steps reached) and its
    journeys. The ``stage`` filter is not applied (paths are made of the stages). ``source``:
    ``auto`` (the journey tables when they can answer: the stored stage order, no touchpoint or
    attribute filter, one channel at most), ``events`` (always the events: tests and benchmarks)."""
    stored = stored_stages(con)
    order = list(stages) if stages is not None else stored
    if not order:
        raise ValueError("no journey stages defined")
    if not 0 <= window_days <= MAX_WINDOW_DAYS:
        raise ValueError(f"window_days must be 0 to {MAX_WINDOW_DAYS}")
    if source == "auto" and order == stored and from_tables(filters):
        return _from_tables(con, filters, order, window_days)
    q = FunnelQuery.build(filters, order, window_days, from_table=False)
    events_where, params = filters.where_sql("interactions", skip=EVENT_FILTER_SKIP)
    sql = paths_sql(len(order), events_where, q.journey_where, q.bounded)
    binds = {k: v for k, v in chain_params(order).items() if k != "all_label"}
    rows = con.execute(sql, q.params | params | binds).fetchall()
    return [(tuple(path), int(n)) for path, n in rows]


def _from_tables(con, filters: Filters, order: list[str], window_days: int) -> list:
    q = FunnelQuery.build(filters, order, window_days, from_table=True)
    across = not filters.channel  # the cross-channel rows; else the one channel's own
    entry = _entry(len(order), q.journey_where, q.bounded, _first_condition(con, filters, q))
    params = q.params | {"chan": ALL_CHANNELS if across else filters.channel[0], "all_label": ALL_CHANNELS}
    if not across:  # journey_where names $all_label with a channel filter; the depths do not
        rows = con.execute(table_paths_sql(len(order), entry, False), params).fetchall()
        return [((filters.channel[0],) * int(depth), int(n)) for depth, n in rows]
    rows = con.execute(table_paths_sql(len(order), entry, True), params).fetchall()
    names = {r: ch for ch, r in con.execute(CHANNEL_RANKS).fetchall()}
    return [(tuple(names[c] for c in row[:-1] if c is not None), int(row[-1])) for row in rows]


def _first_condition(con, filters: Filters, q: FunnelQuery) -> str | None:
    """How a customer's first start in the period is read off ``journey_starts`` without a
    group-by, when the filtered dimensions are constant per customer and channel; else None."""
    if not {d for d in JOURNEY_DIMENSIONS if getattr(filters, d)} <= constant_dimensions(con):
        return None
    return FIRST_IN_PERIOD if "f_from" in q.params else FIRST_EVER


def purchase_position(order: list[str]) -> int:
    """1-based position of the purchase stage (the last stage when none is named ``purchase``)."""
    return order.index(PURCHASE_STAGE) + 1 if PURCHASE_STAGE in order else len(order)


def paths(con, filters: Filters, window_days: int = DEFAULT_WINDOW_DAYS, top: int = TOP_PATHS) -> dict:
    """The journeys' paths between channels (module docstring), as a JSON-ready dict."""
    order = stored_stages(con)
    return summarise(path_counts(con, filters, window_days, order), order, top) | {"window_days": window_days}


def summarise(counts: list[tuple[tuple[str, ...], int]], order: list[str], top: int = TOP_PATHS) -> dict:
    """``paths``' dict from the path counts (pure: the tests feed it literal counts too)."""
    journeys = sum(n for _, n in counts)
    buy = purchase_position(order)
    buyers, switched = _buyers(counts, buy)
    return {
        "journeys": journeys,
        "stages": [{"stage": s, "customers": sum(n for p, n in counts if len(p) > i)} for i, s in enumerate(order)],
        "buyers": buyers,
        "switching_share": switched / buyers if buyers else None,
        "purchase_stage": order[buy - 1],
        "paths": _top_paths(counts, journeys, buy, top),
        "nodes": _nodes(counts, order),
        "links": _links(counts, order),
    }


def _buyers(counts, buy: int) -> tuple[int, int]:
    """(journeys that reached the purchase, those of them on more than one channel up to it)."""
    bought = [(p, n) for p, n in counts if len(p) >= buy]
    return sum(n for _, n in bought), sum(n for p, n in bought if len(set(p[:buy])) > 1)


def _top_paths(counts, journeys: int, buy: int, top: int) -> list[dict]:
    """The paths before the purchase (``buy``: its 1-based position), most travelled first."""
    keep = max(buy - 1, 1)
    customers: Counter = Counter()
    bought: Counter = Counter()
    for p, n in counts:
        customers[p[:keep]] += n
        bought[p[:keep]] += n if len(p) >= buy else 0
    ranked = sorted(customers.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"path": list(p), "customers": n, "share": n / journeys, "purchase_share": bought[p] / n,
             "stopped": len(p) < keep} for p, n in ranked]


def _nodes(counts, order: list[str]) -> list[dict]:
    per: Counter = Counter()
    for p, n in counts:
        for i, channel in enumerate(p):
            per[(i, channel)] += n
    return [{"stage": order[i], "channel": ch, "customers": n} for (i, ch), n in sorted(per.items())]


def _links(counts, order: list[str]) -> list[dict]:
    per: Counter = Counter()
    for p, n in counts:
        for i in range(len(p) - 1):
            per[(i, p[i], p[i + 1])] += n
    return [{"stage_from": order[i], "channel_from": a, "stage_to": order[i + 1], "channel_to": b,
             "customers": n} for (i, a, b), n in sorted(per.items())]
