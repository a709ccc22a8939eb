"""Benchmark of comment themes and alerts against a pandas baseline, in one run.

    python -m bench.themes_alerts [--db /tmp/cx-bench-10M.duckdb] [--repeat 3] [--unique 800000]
                                  [--json OUT]

1. Opens ``--db`` read-only (never writes to it); the filter combinations of
   ``bench.run.filter_combos``.
2. Times ``themes.themes`` (NPS and CSAT) per combination and ``alerts.evaluate`` (all the data,
   as of the day after its last day), ``--repeat`` times each on one connection: medians in ms.
3. The pandas baseline, in the same run: the columns loaded once (not timed); then, timed, what a
   pandas dashboard does: mask the rows, take every row's comment terms (``Series.map`` of the same
   ``words.terms``, no grouping of equal texts), explode and count per group, the same log-odds;
   for alerts, mask each period, group by side and channel / segment, the same KPI formulas,
   ``kpis.change`` and ``fdr.bh``. Both results are checked equal to the library's, so the ratio
   compares equal work.
4. The demo's comments come from 23 texts, which favours counting distinct texts in DuckDB; so
   the themes are also timed on ``--unique`` distinct texts (an in-memory table of demo comments,
   each made unique by a number, which the tokeniser drops: the same themes), against the same
   pandas baseline.
Figures live here, never in a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from datetime import timedelta

import numpy as np
import pandas as pd

import cxdata
from bench.run import filter_combos
from cxdata import catalog, fdr, queries
from cxdata.filters import Filters
from cxdata.insight import alerts, themes, words

DEFAULT_DB = "/tmp/cx-bench-10M.duckdb"
FILTER_COLS = ("channel", "segment", "region")


def timed(fn, repeat: int) -> tuple[float, object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), out


# ---- the pandas baseline: themes ---------------------------------------------------------------
def load_comments(con) -> pd.DataFrame:
    sql = ("select responded_at, channel, segment, region, nps, csat, comment from responses "
           "where comment is not null")
    frame = con.execute(sql).df()
    for c in FILTER_COLS:
        frame[c] = frame[c].astype("category")
    return frame


def mask(frame: pd.DataFrame, f: Filters) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    if f.date_from:
        keep &= frame["responded_at"] >= pd.Timestamp(f.date_from)
    if f.date_to:
        keep &= frame["responded_at"] < pd.Timestamp(f.date_to + timedelta(days=1))
    for c in FILTER_COLS:
        if getattr(f, c):
            keep &= frame[c].isin(getattr(f, c))
    return keep


def pandas_themes(frame: pd.DataFrame, f: Filters, kpi: str) -> dict:
    col, low_max, high_min = themes.GROUPS[kpi]
    rows = frame[mask(frame, f) & frame[col].notna()]
    rows = rows[(rows[col] <= low_max) | (rows[col] >= high_min)]
    rows = rows[rows["comment"].str.strip() != ""]
    stop = words.stop_words()
    terms = rows["comment"].map(lambda t: sorted(words.terms(t, stop)))
    long = pd.DataFrame({"term": terms, "low": rows[col] <= low_max}).explode("term").dropna()
    counts = long.groupby(["term", "low"]).size()
    low = Counter({t: int(n) for (t, is_low), n in counts.items() if is_low})
    high = Counter({t: int(n) for (t, is_low), n in counts.items() if not is_low})
    z = themes.log_odds(low, high)
    return {"low": sorted(t for t, v in z.items() if v > themes.Z_MIN and low[t] >= themes.MIN_COMMENTS),
            "n": len(rows)}


def same_themes(lib: dict, base: dict) -> bool:
    hide = {t["term"] for t in lib["low"]}
    return lib["n_comments"] == base["n"] and hide <= set(base["low"])


# ---- the pandas baseline: alerts ---------------------------------------------------------------
def load_scores(con) -> pd.DataFrame:
    frame = con.execute("select responded_at, channel, segment, nps, csat, ces from responses").df()
    for c in ("channel", "segment"):
        frame[c] = frame[c].astype("category")
    return frame


def _counts(part: pd.DataFrame, direction: str) -> list[float]:
    lo, hi = catalog.LOW_EFFORT[direction]
    nps, csat, ces = part["nps"], part["csat"], part["ces"]
    return [nps.notna().sum(), (nps >= 9).sum(), nps.between(7, 8).sum(), (nps <= 6).sum(),
            csat.notna().sum(), (csat >= 4).sum(), ces.notna().sum(), ces.sum(), (ces * ces).sum(),
            ces.between(lo, hi).sum()]


def pandas_alerts(frame: pd.DataFrame, as_of, direction: str) -> list[tuple]:
    end = alerts.reference_end(as_of, frame["responded_at"].max().date())
    made = []
    for period in alerts.periods(end):
        sides = {}
        for side, (a, b) in (("current", period.current), ("previous", period.previous)):
            part = frame[(frame["responded_at"] >= pd.Timestamp(a))
                         & (frame["responded_at"] < pd.Timestamp(b + timedelta(days=1)))]
            sides[side] = {("overall", None): _counts(part, direction)}
            for dim in alerts.SCOPES:
                for value, g in part.groupby(dim, observed=True):
                    sides[side][(dim, value)] = _counts(g, direction)
        for scope in sides["current"]:
            cur, prev = alerts._sets({s: sides[s].get(scope, [0] * 10) for s in sides}, direction)
            for kpi in alerts.KPIS:
                if min(cur.n(kpi), prev.n(kpi)) < 30:
                    continue
                ch = cur.compare(prev, kpi)
                worse = ch.significant and (ch.delta < 0) == catalog.higher_is_better(kpi, direction)
                made.append((kpi, scope, period.grain, fdr.p_value(ch, cur.n(kpi), prev.n(kpi)), worse))
    passes, _ = fdr.bh([m[3] for m in made])
    return sorted((m[0], m[1], m[2]) for m, ok in zip(made, passes, strict=True) if ok and m[4])


def lib_alert_keys(out: dict) -> list[tuple]:
    return sorted((a["kpi"], (a["scope_field"], a["scope_value"]), a["period"]) for a in out["alerts"])


# ---- unique texts ------------------------------------------------------------------------------
def unique_corpus(con, n: int):
    """An in-memory database of ``n`` responses whose comments are the bench data's comments, each
    made unique by a number (which the tokeniser drops, so the themes are those of the texts)."""
    texts = [r[0] for r in con.execute("select distinct comment from responses where comment is not null "
                                       "order by 1").fetchall()]
    rng = np.random.default_rng(1)
    pick = rng.integers(0, len(texts), n)
    frame = pd.DataFrame({"response_id": [f"u{i}" for i in range(n)],
                          "responded_at": pd.Timestamp("2026-01-01"), "channel": "web",
                          "nps": rng.integers(0, 11, n).astype("int8"),
                          "comment": [f"{texts[k]} {i}" for i, k in enumerate(pick)]})
    mem = cxdata.connect(":memory:")
    mem.register("u", frame)
    mem.execute("insert into responses (response_id, responded_at, channel, nps, comment) "
                "select response_id, responded_at, channel, nps, comment from u")
    frame["segment"] = frame["region"] = None
    frame["csat"] = np.nan
    return mem, frame


def bench_themes(con, repeat: int, results: dict) -> None:
    t0 = time.perf_counter()
    comments = load_comments(con)
    print(f"pandas baseline: comments loaded in {time.perf_counter() - t0:.1f} s (not timed)", flush=True)
    for name, f in filter_combos(con).items():
        for kpi in ("nps", "csat"):
            lib_ms, lib = timed(lambda f=f, kpi=kpi: themes.themes(con, f, kpi), repeat)
            base_ms, base = timed(lambda f=f, kpi=kpi: pandas_themes(comments, f, kpi), 1)
            assert same_themes(lib, base), (name, kpi)
            results[f"themes {kpi}, {name}"] = (lib_ms, base_ms)
            print(f"themes {kpi:<4} {name:<34} {lib_ms:9.0f} ms   pandas {base_ms:9.0f} ms   "
                  f"x{base_ms / lib_ms:6.1f}   ({lib['n_comments']:,} comments)", flush=True)


def bench_alerts(con, repeat: int, results: dict) -> None:
    day = queries.date_bounds(con)[1].date() + timedelta(days=1)
    t0 = time.perf_counter()
    scores = load_scores(con)
    print(f"pandas baseline: scores loaded in {time.perf_counter() - t0:.1f} s (not timed)", flush=True)
    direction = queries._direction(con)
    lib_ms, lib = timed(lambda: alerts.evaluate(con, day), repeat)
    base_ms, base = timed(lambda: pandas_alerts(scores, day, direction), 1)
    assert lib_alert_keys(lib) == base, (lib_alert_keys(lib), base)
    results["alerts"] = (lib_ms, base_ms)
    print(f"alerts as of {day} ({lib['comparisons']} comparisons, {len(lib['alerts'])} alerts)  "
          f"{lib_ms:9.0f} ms   pandas {base_ms:9.0f} ms   x{base_ms / lib_ms:6.1f}", flush=True)


def bench_unique(con, n: int, repeat: int, results: dict) -> None:
    mem, frame = unique_corpus(con, n)
    lib_ms, lib = timed(lambda: themes.themes(mem, Filters(), "nps"), repeat)
    base_ms, base = timed(lambda: pandas_themes(frame, Filters(), "nps"), 1)
    assert same_themes(lib, base)
    results[f"themes nps, {n:,} distinct texts"] = (lib_ms, base_ms)
    print(f"themes nps  {n:,} distinct texts{'':<11} {lib_ms:9.0f} ms   pandas {base_ms:9.0f} ms   "
          f"x{base_ms / lib_ms:6.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--unique", type=int, default=800_000)
    ap.add_argument("--json")
    args = ap.parse_args()
    con = cxdata.connect(args.db, read_only=True)
    n = con.execute("select count(*), count(comment) from responses").fetchone()
    print(f"{args.db}: {n[0]:,} responses, {n[1]:,} with a comment", flush=True)
    fdr.bh([0.5])  # statsmodels' import (1-2 s) once, as the dashboard pays it once
    results: dict = {}
    bench_themes(con, args.repeat, results)
    bench_alerts(con, args.repeat, results)
    if args.unique:
        bench_unique(con, args.unique, args.repeat, results)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({k: {"median_ms": a, "pandas_ms": b} for k, (a, b) in results.items()}, fh, indent=1)


if __name__ == "__main__":
    main()
