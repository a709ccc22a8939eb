"""Time to convert, and the any-order funnel's counts, from each journey's step times
(``step_times``).

How the time to convert is counted. For step k (from stage k-1 to stage k) of a channel's journeys:
``entered`` is the journeys at step k-1, ``n`` those reaching step k (within the window and the
period, the funnel's rules); each of those n gives ``days`` = (time of step k - time of step k-1)
in days (exact, to the microsecond, / 86,400 s). Then the median, quartiles and the 5th and 95th
percentiles of those days (``quantile_cont``: interpolated, as ``percentile_cont``), their mean,
and the share of ``entered`` that reached step k within 1, 7 and 30 days (``days <= d``: a step
exactly d days on counts), in percent; the last of these is capped by the window (with the
default 30-day window ``within_30`` is the step's conversion). Any order: a step's time is when the last of its stages
was first reached (``step_times``), so days count from when the customer had done the stages
before it.

Placeholders: ``times_sql`` (the journeys' step times), ``times``, ``days`` and ``aggregates``.
Binds the parameters of ``times``.
"""

from __future__ import annotations

import pandas as pd

from ..journeys import ALL_CHANNELS
from .query import FunnelQuery
from .sql import DAY_US, fill
from .step_times import from_journey_table, step_times_sql

WITHIN_DAYS = (1, 7, 30)
QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}
COLUMNS = ["channel", "step", "from_stage", "stage", "entered", "n", "median", "p25", "p75", "p05",
           "p95", "mean", *(f"within_{d}" for d in WITHIN_DAYS)]

COUNTS = """\
select channel, count(*) as c1{step_counts} from ({times}) group by channel"""

DAYS = """\
select channel{aggregates} from (select channel, t_1{times}{days} from ({times_sql})) group by channel"""
STEP_AGGREGATES = (", count(t_{j}) as entered_{k}, count(t_{k}) as n_{k}, "
                   "quantile_cont(d_{k}, [{quantiles}]) as q_{k}, avg(d_{k}) as mean_{k}{within}")


def counts(con, q: FunnelQuery, mode: str) -> pd.DataFrame:
    """The funnel's wide counts (``channel, c1..cN``) in ``mode`` (the any-order funnel's)."""
    times, params = step_times_sql(con, q, mode)
    sql = fill(COUNTS, times=times, step_counts="".join(f", count(t_{k}) as c{k}" for k in range(2, q.n_steps + 1)))
    return _with_overall(q, con.execute(sql, params).df())


def days_sql(times: str, n_steps: int) -> str:
    """One row per channel: per step k, entered_k, n_k, q_k (the ``QUANTILES`` as a list), mean_k
    and within_<d>_k (counts): one pass and one sort per step, where a row per journey and step
    took twice as long at 50M events."""
    steps = range(2, n_steps + 1)
    quantiles = ", ".join(str(p) for p in QUANTILES.values())
    aggregates = "".join(STEP_AGGREGATES.format(
        k=k, j=k - 1, quantiles=quantiles,
        within="".join(f", count(*) filter (where d_{k} <= {d}) as w{d}_{k}" for d in WITHIN_DAYS)) for k in steps)
    return fill(DAYS, aggregates=aggregates, times_sql=times, times="".join(f", t_{k}" for k in steps),
                days="".join(f", (epoch_us(t_{k}) - epoch_us(t_{k - 1})) / {DAY_US}.0 as d_{k}" for k in steps))


def _long(wide: pd.DataFrame, n_steps: int) -> pd.DataFrame:
    """The wide row per channel as one row per channel and step."""
    parts = []
    for k in range(2, n_steps + 1):
        part = pd.DataFrame({"channel": wide["channel"], "step": k, "entered": wide[f"entered_{k}"],
                             "n": wide[f"n_{k}"], "mean": wide[f"mean_{k}"]})
        for i, name in enumerate(QUANTILES):
            part[name] = [_at(q, i) for q in wide[f"q_{k}"]]
        for d in WITHIN_DAYS:
            part[f"within_{d}"] = (wide[f"w{d}_{k}"] * 100.0 / part["entered"]).where(part["entered"] > 0)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _at(quantiles, i: int) -> float:
    """The i-th of a list of quantiles; NaN where nobody reached the step (NULL: None or pd.NA)."""
    return float("nan") if quantiles is None or quantiles is pd.NA else float(quantiles[i])


def days_frame(con, q: FunnelQuery, mode: str) -> pd.DataFrame:
    """One row per channel (the journeys across channels first) and step 2..N: ``COLUMNS``."""
    if q.n_steps < 2:
        return pd.DataFrame(columns=COLUMNS)
    times, params = step_times_sql(con, q, mode)
    wide = _with_overall(q, con.execute(days_sql(times, q.n_steps), params).df())
    frame = _long(wide, q.n_steps)
    frame = frame[frame.groupby("channel")["entered"].transform("max") > 0].copy()
    frame["stage"] = [q.order[k - 1] for k in frame["step"]]
    frame["from_stage"] = [q.order[k - 2] for k in frame["step"]]
    frame["entered"] = frame["entered"].astype("int64")
    frame["n"] = frame["n"].astype("int64")
    frame["_o"] = (frame["channel"] != ALL_CHANNELS).astype(int)
    frame = frame.sort_values(["_o", "channel", "step"]).reset_index(drop=True)
    return frame[COLUMNS]


def _with_overall(q: FunnelQuery, frame: pd.DataFrame) -> pd.DataFrame:
    """One chosen channel from the journey table: its journeys are also the journeys across the
    chosen channels (``funnel_steps`` does the same)."""
    if from_journey_table(q) and len(q.filters.channel) == 1:
        return pd.concat([frame, frame.assign(channel=ALL_CHANNELS)], ignore_index=True)
    return frame
