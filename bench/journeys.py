"""Paths between channels and the value of experience at scale: DuckDB (the library) against a
pandas baseline on in-memory frames, timed in the same run, and checked equal.

    python -m bench.journeys [--db /tmp/cx-bench-10M.duckdb] [--repeat 3] [--skip-pandas] [--only QUERY]

Opens the file read-only (it never writes). Prints, per query and filter set, the median of
``--repeat`` runs in ms for DuckDB and pandas (pandas' load of the columns is not timed, as in
``bench.run``), their ratio, and whether the figures agree (paths: every path's count exact;
value: customers exact, means to 1e-6). Figures only, never asserts: the machine is shared.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from cxdata import db, paths, value
from cxdata.filters import Filters

WINDOW = 30
DAYS = 365


def filter_sets(cur) -> dict[str, Filters]:
    hi = cur.execute("select max(occurred_at) from interactions").fetchone()[0].date()
    return {"last 90 days": Filters(date_from=hi - timedelta(days=89), date_to=hi),
            "1 year to a year before the end": Filters(date_from=hi - timedelta(days=729),
                                                       date_to=hi - timedelta(days=365)),
            "all dates": Filters()}


def load_frames(cur) -> dict[str, pd.DataFrame]:
    """Integer-coded columns (customer, channel, stage position), not timed."""
    events = cur.execute(
        "select k.ckey as customer, c.ch as channel, s.position as k, epoch_us(e.occurred_at) as t, "
        "coalesce(cast(e.revenue as double), 0) as revenue, e.revenue is not null as has_revenue "
        "from interactions e join customer_keys k using (customer_id) join channel_keys c using (channel) "
        "join stages s on s.stage = e.stage").df()
    responses = cur.execute(
        # customers with no events have no key: a negative code of their own
        "select coalesce(k.ckey, -dense_rank() over (order by r.customer_id)) as customer, "
        "epoch_us(r.responded_at) as t, r.response_id, r.nps, r.csat "
        "from responses r left join customer_keys k using (customer_id) "
        "where r.customer_id is not null and (r.nps is not null or r.csat is not null)").df()
    names = dict(cur.execute("select ch, channel from channel_keys").fetchall())
    stages = [r[0] for r in cur.execute("select stage from stages order by position").fetchall()]
    return {"events": events, "responses": responses, "channels": names, "stages": stages}


def _us(d: date) -> int:
    return int((datetime.combine(d, datetime.min.time()) - datetime(1970, 1, 1)) / timedelta(microseconds=1))


def pandas_paths(frames: dict, f: Filters, window: int = WINDOW) -> dict[tuple, int]:
    """The journeys' paths (no segment/region/product/channel filters: the benchmark's sets have
    none): per customer the first stage-1 event in the period, then stage by stage the earliest
    event of the next stage no earlier than the step before, within the window and the period."""
    ev = frames["events"]
    lo = _us(f.date_from) if f.date_from else None
    hi = _us(f.date_to + timedelta(days=1)) if f.date_to else None
    if lo is not None:
        ev = ev[ev["t"] >= lo]
    if hi is not None:
        ev = ev[ev["t"] < hi]
    first = ev[ev["k"] == 1].sort_values(["customer", "t", "channel"]).drop_duplicates("customer")
    cur = pd.DataFrame({"customer": first["customer"].to_numpy(), "t": first["t"].to_numpy(),
                        "lim": first["t"].to_numpy() + window * 86_400_000_000})
    if hi is not None:
        cur["lim"] = np.minimum(cur["lim"], hi - 1)
    path = {c: [ch] for c, ch in zip(cur["customer"], first["channel"], strict=True)}
    for k in range(2, len(frames["stages"]) + 1):
        cand = ev[ev["k"] == k].merge(cur, on="customer", suffixes=("", "_prev"))
        cand = cand[(cand["t"] >= cand["t_prev"]) & (cand["t"] <= cand["lim"])]
        nxt = cand.sort_values(["customer", "t", "channel"]).drop_duplicates("customer")
        for c, ch in zip(nxt["customer"], nxt["channel"], strict=True):
            path[c].append(ch)
        cur = pd.DataFrame({"customer": nxt["customer"].to_numpy(), "t": nxt["t"].to_numpy(),
                            "lim": nxt["lim"].to_numpy()})
    names = frames["channels"]
    counts: dict[tuple, int] = {}
    for p in path.values():
        key = tuple(names[c] for c in p)
        counts[key] = counts.get(key, 0) + 1
    return counts


def pandas_value(frames: dict, f: Filters, days: int = DAYS) -> dict[str, tuple[int, float]]:
    """Per NPS group: (customers, revenue per customer), by the definition of ``cxdata.value``."""
    r = frames["responses"]
    r = r[r["nps"].notna()]
    if f.date_from:
        r = r[r["t"] >= _us(f.date_from)]
    if f.date_to:
        r = r[r["t"] < _us(f.date_to + timedelta(days=1))]
    latest = r.sort_values(["customer", "t", "response_id"]).drop_duplicates("customer", keep="last")
    ev = frames["events"]
    ev = ev[ev["has_revenue"]]
    m = latest[["customer", "t", "nps"]].merge(ev[["customer", "t", "revenue"]], on="customer", how="left",
                                               suffixes=("", "_e"))
    inside = (m["t_e"] > m["t"]) & (m["t_e"] <= m["t"] + days * 86_400_000_000)
    rev = m["revenue"].where(inside, 0).groupby(m["customer"]).sum()
    latest = latest.set_index("customer").assign(revenue=rev)
    group = np.where(latest["nps"] >= 9, "promoter", np.where(latest["nps"] >= 7, "passive", "detractor"))
    out = latest.groupby(group)["revenue"].agg(["count", "mean"])
    return {g: (int(row["count"]), float(row["mean"])) for g, row in out.iterrows()}


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.journeys")
    ap.add_argument("--db", default="/tmp/cx-bench-10M.duckdb")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--only", action="append", choices=("paths", "paths*", "value"),
                    help="time only these queries (repeatable; default all three)")
    args = ap.parse_args(argv)
    con = db.connect(args.db, read_only=True, memory_limit="1GB")
    cur = con.cursor()
    n_r, n_e = (cur.execute(f"select count(*) from {t}").fetchone()[0] for t in ("responses", "interactions"))  # noqa: S608
    print(f"{args.db}: {n_r:,} responses, {n_e:,} events; DuckDB capped at 1GB as in the dashboard; "
          f"medians of {args.repeat}")
    frames = None
    if not args.skip_pandas:
        t0 = time.perf_counter()
        frames = load_frames(cur)
        print(f"pandas frames loaded in {time.perf_counter() - t0:.1f} s (not timed below)")
    print(f"{'query':6s} {'filters':34s} {'duckdb ms':>10s} {'pandas ms':>10s} {'ratio':>7s}  same")
    for name, f in filter_sets(cur).items():
        base_ms: dict = {}
        for query, duck, base, same in (
                ("paths", lambda f=f: paths.path_counts(cur, f, WINDOW), pandas_paths, _same_paths),
                ("paths*", lambda f=f: paths.path_counts(cur, f, WINDOW, source="events"), pandas_paths, _same_paths),
                ("value", lambda f=f: value.value_of_experience(cur, f, DAYS), pandas_value, _same_value)):
            if args.only and query not in args.only:
                continue
            d_ms, d_out = timed(duck, args.repeat)
            p_ms, ok = None, "-"
            if frames is not None:
                if base not in base_ms:  # one pandas run of the paths serves both paths rows
                    base_ms[base] = timed(lambda f=f, base=base: base(frames, f), 1 if base is pandas_paths else args.repeat)
                p_ms, p_out = base_ms[base]
                ok = "yes" if same(d_out, p_out) else "NO"
            ratio = f"{p_ms / d_ms:6.1f}x" if p_ms else "-"
            print(f"{query:6s} {name:34s} {d_ms:10,.0f} {p_ms or 0:10,.0f} {ratio:>7s}  {ok}", flush=True)
    print("paths: from the journey tables (what the page runs); paths*: the same from the events "
          "(what a touchpoint or attribute filter, or two channels, run)")


def _same_paths(duck: list, pan: dict) -> bool:
    return dict(duck) == pan


def _same_value(duck: dict, pan: dict) -> bool:
    for g, (n, mean) in pan.items():
        d = duck["groups"][g]
        if d["customers"] != n or abs(d["revenue_per_customer"] - mean) > 1e-6:
            return False
    return sum(n for n, _ in pan.values()) == duck["customers"]


if __name__ == "__main__":
    main()
