"""Time to convert and the any-order funnel at scale, against pandas in the same run.

    python -m bench.funnel_time [--db /tmp/cx-bench-10M.duckdb] [--repeat 5] [--pandas-repeat 3]

For each filter set (``combos``: last 90 days; 1 year; 1 year, web+app; 1 year, web+app, a
segment; all dates in a region; all dates), on the database opened read-only under the dashboard's 1GB memory
cap, the medians (ms) of: ``funnel.days_to_step`` strict and any order, ``funnel_steps`` any order,
and ``funnel_steps`` strict (today's funnel, for scale). The pandas baseline computes the same
days to step (strict and any order) on the period's events held in memory (loaded once, not
timed: the baseline's best case), for the filter sets with a period and no journey filter; its
customers reaching each step and their median days are checked against the library's before
any figure is printed. Ratios: pandas median / DuckDB median.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from bench.run import filter_combos, time_runs
from cxdata import db, funnel
from cxdata.filters import Filters

WINDOW = funnel.DEFAULT_WINDOW_DAYS
US = pd.Timedelta(microseconds=1)


def period(f: Filters) -> tuple[datetime, datetime]:
    """The period's first instant and the first instant after it."""
    return (datetime.combine(f.date_from, datetime.min.time()),
            datetime.combine(f.date_to + timedelta(days=1), datetime.min.time()))


def load_events(cur, f: Filters, order: list[str]) -> pd.DataFrame:
    """The funnel stages' events of the period (and the channels chosen), integers and categories."""
    start, end = period(f)
    where = "occurred_at >= $a and occurred_at < $b and list_contains($stages, stage)"
    params = {"a": start, "b": end, "stages": order}
    if f.channel:
        where += " and list_contains($channels, channel)"
        params["channels"] = list(f.channel)
    df = cur.execute(f"select customer_id, channel, stage, occurred_at as t from interactions where {where}",  # noqa: S608
                     params).df()
    df["customer"] = df["customer_id"].astype("category").cat.codes.astype("int32")
    for col in ("channel", "stage"):
        df[col] = df[col].astype("category")
    return df.drop(columns="customer_id")


def pandas_step_times(ev: pd.DataFrame, f: Filters, order: list[str], mode: str, keys: list[str]) -> pd.DataFrame:
    """One row per journey (``keys``: customer and channel, or customer), t1..tN (NaT: not reached)."""
    start, end = period(f)
    first = ev[ev["stage"] == order[0]]
    entry = first.groupby(keys, observed=True, sort=False)["t"].min().rename("t1").reset_index()
    entry["lim"] = np.minimum(entry["t1"] + pd.Timedelta(days=WINDOW), pd.Timestamp(end) - US)
    prev = entry[[*keys, "t1", "lim"]].assign(t=entry["t1"])
    for k in range(2, len(order) + 1):
        e = ev.loc[ev["stage"] == order[k - 1], [*keys, "t"]]
        # strict: after the previous step; any order: after the entry
        base = prev if mode == "strict" else entry[[*keys, "t1", "lim"]].assign(t=entry["t1"])
        m = base.rename(columns={"t": "t_prev"}).merge(e, on=keys)
        m = m[(m["t"] >= m["t_prev"]) & (m["t"] <= m["lim"])]
        found = m.groupby(keys, observed=True, sort=False)["t"].min().rename(f"f{k}")
        entry = entry.merge(found.reset_index(), on=keys, how="left")
        if mode == "strict":
            entry[f"t{k}"] = entry[f"f{k}"]
            prev = entry.loc[entry[f"t{k}"].notna(), [*keys, "t1", "lim", f"t{k}"]].rename(columns={f"t{k}": "t"})
        else:  # reached when every stage 2..k is, at the latest of their first times
            fs = entry[[f"f{j}" for j in range(2, k + 1)]]
            entry[f"t{k}"] = fs.max(axis=1).where(fs.notna().all(axis=1))
    return entry


def pandas_days(ev: pd.DataFrame, f: Filters, order: list[str], mode: str) -> pd.DataFrame:
    """channel, step, n, median (days from the previous step), as ``funnel.days_to_step``."""
    rows = []
    for across in (False, True):
        keys = ["customer"] if across else ["customer", "channel"]
        times = pandas_step_times(ev, f, order, mode, keys)
        if across:
            times["channel"] = funnel.ALL_CHANNELS
        for k in range(2, len(order) + 1):
            prev = times["t1"] if k == 2 else times[f"t{k - 1}"]
            days = (times[f"t{k}"] - prev) / pd.Timedelta(days=1)
            g = pd.DataFrame({"channel": times["channel"].astype(str), "days": days}).groupby("channel")["days"]
            rows.append(pd.DataFrame({"step": k, "n": g.count(), "median": g.median()}).reset_index())
    return pd.concat(rows, ignore_index=True)


def check_same(duck: pd.DataFrame, pand: pd.DataFrame, what: str) -> None:
    d = duck[["channel", "step", "n", "median"]].astype({"channel": str}).merge(
        pand, on=["channel", "step"], how="outer", suffixes=("_duck", "_pandas"))
    d = d[(d["n_duck"].fillna(0) > 0) | (d["n_pandas"].fillna(0) > 0)]
    assert (d["n_duck"] == d["n_pandas"]).all(), f"{what}: customers reaching a step differ"
    assert np.allclose(d["median_duck"], d["median_pandas"], rtol=1e-9, atol=1e-6, equal_nan=True), \
        f"{what}: medians differ"


def median_ms(fn, repeat: int) -> float:
    return statistics.median(time_runs(fn, repeat)[0])


def run_set(cur, name: str, f: Filters, order: list[str], args) -> None:
    duck = {
        "days_to_step strict": lambda: funnel.days_to_step(cur, f),
        "days_to_step any": lambda: funnel.days_to_step(cur, f, mode="any"),
        "funnel_steps any": lambda: funnel.funnel_steps(cur, f, mode="any"),
        "funnel_steps strict": lambda: funnel.funnel_steps(cur, f),
    }
    times = {what: median_ms(fn, args.repeat) for what, fn in duck.items()}
    line = "; ".join(f"{w} {ms:.0f}" for w, ms in times.items())
    pandas_ok = f.date_from and f.date_to and not (f.segment or f.region or f.product)
    if pandas_ok:
        ev = load_events(cur, f, order)
        for mode in funnel.MODES:
            check_same(funnel.days_to_step(cur, f, mode=mode), pandas_days(ev, f, order, mode), f"{name} {mode}")
            ms = median_ms(lambda mode=mode: {"d": pandas_days(ev, f, order, mode)}, args.pandas_repeat)
            line += f"; pandas days {mode} {ms:.0f} ({ms / times[f'days_to_step {mode}']:.1f}x)"
        del ev
    print(f"{name}: {line}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M.duckdb")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pandas-repeat", type=int, default=3)
    args = ap.parse_args()
    cur = db.connect(args.db, read_only=True, memory_limit="1GB").cursor()
    order = db.stages(cur)
    events = cur.execute("select count(*) from interactions").fetchone()[0]
    print(f"{args.db}: {events:,} events; window {WINDOW} days; medians of {args.repeat} (DuckDB) and "
          f"{args.pandas_repeat} (pandas) runs, ms", flush=True)
    for name, f in combos(cur).items():
        run_set(cur, name, f, order, args)


def combos(cur) -> dict[str, Filters]:
    """``bench.run``'s filter sets, and a year over every channel and over two (pandas runs those
    with a period and no journey filter)."""
    sets = filter_combos(cur)
    year = next(f for f in sets.values() if f.channel).replace(segment=())
    return {"last 90 days": sets["last 90 days"], "1 year": year.replace(channel=()),
            "1 year, web+app": year} | {k: v for k, v in sets.items() if k != "last 90 days"}


if __name__ == "__main__":
    main()
