"""Strategy: the funnel over all dates, summed from ``journey_first_reach``.

How this query works. With no period, every customer's first start counts, and
``journey_first_reach`` holds, per channel and journey dimensions, how many first starts reach each
step after how many days (a step's duration rounded up to whole days). A step counts within a
window of ``$window_days`` days exactly when that rounded duration is at most the window, so the
funnel is a sum. The counts are signed: a channel whose starts an undo took away sums to 0 and is
not shown. Same condition of use as ``first_entry`` (constant journey dimensions).

Placeholders: ``step_counts`` (``c2..cN``) and ``journey_where``.
Binds ``$window_days`` and the journey filter's values (no ``$window_us``: not used here).
"""

from __future__ import annotations

import pandas as pd

from .query import FunnelQuery
from .sql import fill

SUM_FIRST_REACH = """\
select channel, cast(coalesce(sum(customers) filter (where step = 1), 0) as bigint) as c1{step_counts}
from journey_first_reach where {journey_where}
group by channel
having sum(customers) filter (where step = 1) > 0"""
STEP_SUM = ", cast(coalesce(sum(customers) filter (where step = {k} and days <= $window_days), 0) as bigint) as c{k}"


def count_sql(n_steps: int, journey_where: str) -> str:
    return fill(SUM_FIRST_REACH, journey_where=journey_where,
                step_counts="".join(STEP_SUM.format(k=k) for k in range(2, n_steps + 1)))


def sum_first_reach(con, q: FunnelQuery) -> pd.DataFrame:
    """Per-channel counts over all dates."""
    params = {k: v for k, v in q.params.items() if k != "window_us"} | {"window_days": int(q.window_days)}
    return con.execute(count_sql(q.n_steps, q.journey_where), params).df()
