"""Strategy: each customer's first entry read off ``journey_starts`` without a group-by.

How this query works. A start is its customer's first entry in the period when the previous start
of that customer and channel (``prev_anchor``) is before the period (or there is none); then, per
channel, how many of those reach each step within the window and before the end of the period.
The same counts as ``per_customer`` over ``journey_starts``, exact when the journey filters select
all of a customer's starts or none (``journeys.constant_dimensions``).

Placeholders: ``step_counts`` (``c2..cN``), ``times`` (``, t_2, ..., t_N``), ``limit``
(``sql.limit``), ``journey_where`` and ``first`` (``FIRST_IN_PERIOD`` or ``FIRST_EVER``).
Binds ``$window_us``, ``$to_bound`` (period with an end), ``$f_from`` (period with a start) and
the journey filter's values.
"""

from __future__ import annotations

import pandas as pd

from .query import FunnelQuery
from .sql import fill, limit, reached, step_counts

COUNT_FIRST_ENTRIES = """\
select channel, count(*) as c1{step_counts} from (
  select channel{times}, {limit} as lim from journey_starts
  where {journey_where} and {first})
group by channel"""
FIRST_IN_PERIOD = "(prev_anchor is null or prev_anchor < $f_from)"
FIRST_EVER = "prev_anchor is null"


def count_sql(n_steps: int, journey_where: str, has_from: bool, bounded: bool) -> str:
    return fill(COUNT_FIRST_ENTRIES, step_counts=step_counts(n_steps, lambda k: reached(f"t_{k}")),
                times="".join(f", t_{k}" for k in range(2, n_steps + 1)), limit=limit("anchor", bounded),
                journey_where=journey_where, first=FIRST_IN_PERIOD if has_from else FIRST_EVER)


def count_first_entries(con, q: FunnelQuery) -> pd.DataFrame:
    """Per-channel counts over a period with a start or an end."""
    sql = count_sql(q.n_steps, q.journey_where, "f_from" in q.params, q.bounded)
    return con.execute(sql, q.params).df()
