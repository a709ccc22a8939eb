"""Strategy: the funnel across two or more chosen channels, from ``journey_starts`` and ``journey_events``.

How this query works. Each customer's journey starts at their first start in the period on the
chosen channels (``starts_where``: dates and channels) passing the journey filters. A day's journey
across channels has the segment, region and product of that day's earliest start, so when those
vary between a customer's starts the filters (``dims_where``) are applied day by day
(``FIRST_START_BY_DAY``); when they are constant per customer (they are then in ``starts_where``)
any start stands for its day (``FIRST_START``). Then each customer's later-stage events on the
chosen channels (``$chs``, their keys) inside the period (``events_where``) and the window are
walked in time order (at one instant, earlier stages first): step k is the first event of stage k
after step k-1, which is the earliest such event no earlier than step k-1, the definition
``journeys.chain_sql`` computes with ASOF joins (the tests compare the two). The walk sorts one
integer per event, its time (epoch microseconds) times 16 plus its stage position (at most 12
stages), and reads the stage back from the low four bits (``x & 15``: right for times before 1970
too, where ``x % 16`` would be negative). Sorting the times themselves rather than times since the
start: 10-15% faster on the benchmark file.

Placeholders: ``step1`` (one of the two first-start CTEs, themselves with ``starts_where`` and
``dims_where``), ``events_where`` and ``step_counts`` (``c2..cN``).
Binds ``$chs``, ``$all_label``, ``$window`` (an interval) and the filters' values.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from ..journeys import ALL_CHANNELS, JOURNEY_DIMENSIONS, constant_dimensions
from .query import FunnelQuery
from .sql import fill

CHANNEL_KEYS = "select ch from channel_keys where list_contains($c, channel)"

FIRST_START = """\
step1 as (select ckey, min(anchor) as t_1 from journey_starts
  where channel <> $all_label and {starts_where} group by ckey)"""

FIRST_START_BY_DAY = """\
days as (select ckey, min(anchor) as anchor, arg_min(segment, anchor) as segment,
    arg_min(region, anchor) as region, arg_min(product, anchor) as product from journey_starts
  where channel <> $all_label and {starts_where} group by ckey, cast(anchor as date)),
step1 as (select ckey, min(anchor) as t_1 from days where {dims_where} group by ckey)"""

WALK_ACROSS = """\
with {step1},
ev as (select ckey, k, occurred_at from journey_events where ({events_where}) and list_contains($chs, ch)),
reach as (
  select list_reduce(list_sort(list(epoch_us(e.occurred_at) * 16 + e.k)),
                     lambda acc, x: case when (x & 15) = acc + 1 then acc + 1 else acc end, 1::bigint) as r
  from step1 p join ev e on e.ckey = p.ckey and e.occurred_at >= p.t_1 and e.occurred_at <= p.t_1 + $window
  group by p.ckey)
select $all_label as channel, (select count(*) from step1) as c1{step_counts} from reach"""

# what the three parts of the query leave to others: the funnel's own filters and the events' rest
_NOT_JOURNEY = ("touchpoint", "stage", "attrs")


def across_sql(n_steps: int, starts_where: str, dims_where: str | None, events_where: str) -> str:
    """``dims_where`` None: the journey dimensions are constant per customer (in ``starts_where``)."""
    step1 = fill(FIRST_START, starts_where=starts_where) if dims_where is None else \
        fill(FIRST_START_BY_DAY, starts_where=starts_where, dims_where=dims_where)
    return fill(WALK_ACROSS, step1=step1, events_where=events_where,
                step_counts="".join(f", count(*) filter (where r >= {k}) as c{k}" for k in range(2, n_steps + 1)))


def walk_across(con, q: FunnelQuery) -> pd.DataFrame:
    """The ``(all channels)`` counts across the chosen channels."""
    filters, dims = q.filters, JOURNEY_DIMENSIONS
    per_day = bool({d for d in dims if getattr(filters, d)} - constant_dimensions(con, True))
    starts_where, params = filters.where_sql("journeys", skip=(*_NOT_JOURNEY, *(dims if per_day else ())))
    dims_where = None
    if per_day:
        dims_where, dims_params = filters.where_sql("journeys", skip=(*_NOT_JOURNEY, "channel", "date"))
        params |= dims_params
    # journey_events has the events' time column and none of the rest: the period only
    events_where, events_params = filters.where_sql("interactions", skip=("channel", *_NOT_JOURNEY, *dims))
    keys = [r[0] for r in con.execute(CHANNEL_KEYS, {"c": list(filters.channel)}).fetchall()]
    params |= events_params | {"chs": keys, "all_label": ALL_CHANNELS, "window": timedelta(days=int(q.window_days))}
    return con.execute(across_sql(q.n_steps, starts_where, dims_where, events_where), params).df()
