"""Benchmark of the Why page's queries (key drivers, pain points) against a numpy baseline, in one run.

    python -m bench.why [--db /tmp/cx-bench-10M.duckdb] [--repeat 3] [--baseline-repeat 1]
                        [--kpi nps] [--exact] [--json OUT]

1. Opens ``--db`` read-only (never writes to it) and takes the filter combinations of
   ``bench.run.filter_combos`` (last 90 days; 1 year, web+app, one segment; all dates, one region;
   all dates).
2. Times, ``--repeat`` times each on one connection like the dashboard (DuckDB has no result
   cache, so every run is uncached): ``key_drivers`` (every driver kind), ``pain_points``, and
   the page's set (both).
   Key drivers read the fixed sample (``cube.SAMPLE_TABLE``) where the library does (filters
   keeping more than ``drivers.SAMPLE_ABOVE`` answers), every row with ``--exact``.
3. The baseline: loads the needed columns once into numpy (not timed: scores as float with NaN,
   each category as small integer codes), then per combination, timed: the row mask of the
   filters, the listwise rows, the moment matrix of [outcome, scores, one-hot dummies] accumulated
   from the rows in chunks (``X'X``, what ``np.cov`` on a dummy matrix does, without holding 10M x
   100 floats), the same merge of rare levels and reference levels, and the same Shapley
   decomposition (``dominance``), from the same rows as the library (the sample's where it
   samples); the pain points' counts by ``np.bincount`` and the same KPI
   formulas. It checks the baseline's R^2 and pain points equal the library's, so the ratio
   compares equal work.
4. Prints medians (ms) and ratios; ``--json`` writes them. Figures live here, never in a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import numpy as np

from bench.run import filter_combos
from cxdata import cube, db
from cxdata.filters import Filters
from cxdata.insight import dominance, driver_cells
from cxdata.insight import drivers as drv
from cxdata.insight import painpoints as pain
from cxdata.queries import COUNT_COLUMNS

DEFAULT_DB = "/tmp/cx-bench-10M.duckdb"
SCORES = ("nps", "csat", "ces", "needs_met", "enjoyment")
CATS = {"channel": "channel", "segment": "segment", "touchpoint": "touchpoint", "region": "region",
        "product": "product", "attr:loyalty_tier": "attributes['loyalty_tier']",
        "attr:wait_band": "attributes['wait_band']", "journey_stage": "journey_stage"}
FILTER_CATS = ("channel", "segment", "region", "product", "touchpoint")
CHUNK = 250_000


def log(msg: str) -> None:
    print(msg, flush=True)


def timed(fn, repeat: int) -> tuple[float, list[float], object]:
    runs, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs), runs, out


# ---- the baseline's data: loaded once, not timed -------------------------------------------------
def load(con, table: str = "responses") -> dict:
    """Every needed column of ``table`` (``responses``, or the drivers' sample, which has the same
    columns) as numpy: scores as float64 (NaN = no answer), categories as codes (0 = none;
    1.. = ``levels[name][k - 1]``), the day as days since 1970."""
    levels = {}
    for name, expr in CATS.items():
        sql = f"select distinct {expr} from {table} where {expr} is not null order by 1"  # noqa: S608
        levels[name] = [r[0] for r in con.execute(sql).fetchall()]
    cols = [f"coalesce(cast({s} as double), 'nan'::double) as {s}" for s in SCORES]
    cols += [f"cast(coalesce(list_position($l{i}, {e}), 0) as smallint) as c{i}" for i, e in enumerate(CATS.values())]
    cols.append("cast(cast(responded_at as date) - date '1970-01-01' as integer) as day")
    cols.append("part" if table == cube.SAMPLE_TABLE else "0 as part")
    params = {f"l{i}": levels[n] for i, n in enumerate(CATS)}
    raw = con.execute(f"select {', '.join(cols)} from {table}", params).fetchnumpy()  # noqa: S608
    data = {s: np.asarray(raw[s]) for s in SCORES} | {"day": np.asarray(raw["day"]), "part": np.asarray(raw["part"])}
    data |= {n: np.asarray(raw[f"c{i}"]) for i, n in enumerate(CATS)}
    return {"data": data, "levels": levels, "direction": db.get_setting(con, "ces_direction") or "effort"}


def row_mask(base: dict, f: Filters) -> np.ndarray:
    d, lv = base["data"], base["levels"]
    keep = np.ones(len(d["day"]), dtype=bool)
    if f.date_from:
        keep &= d["day"] >= (f.date_from - _EPOCH).days
    if f.date_to:
        keep &= d["day"] <= (f.date_to - _EPOCH).days
    for field in FILTER_CATS:
        values = getattr(f, field)
        if values:
            codes = [lv[field].index(v) + 1 for v in values if v in lv[field]]
            keep &= np.isin(d[field], codes)
    return keep


# ---- the baseline: key drivers ---------------------------------------------------------------
def base_drivers(base: dict, f: Filters, kpi: str, every: int | None = None) -> float:
    """R^2 of the same model, and the same Shapley decomposition, from the rows in numpy (of a
    sample's base: its parts that make 1 in ``every``)."""
    d = base["data"]
    keep = row_mask(base, f) & ~np.isnan(d[kpi])
    if every:
        keep &= d["part"] < cube.SAMPLE_EVERY * cube.SAMPLE_PARTS // every
    nums = [s for s in ("csat", "ces", "needs_met", "enjoyment") if s != kpi]
    nums = [s for s in nums if (~np.isnan(d[s][keep])).sum() >= drv.MIN_COVERAGE * keep.sum()]
    for s in nums:
        keep &= ~np.isnan(d[s])
    cats = [c for c in drv.CATEGORY_DRIVERS] + ["attr:loyalty_tier", "attr:wait_band"]
    sizes = [len(base["levels"][c]) + 1 for c in cats]
    mom, total = _row_moments(d, np.flatnonzero(keep), [kpi, *nums], cats, sizes)
    cov, groups = _reduce(mom, total, 1 + len(nums), sizes)
    corr = _corr(cov)
    groups = [[c for c in g if corr[c, c] > 0] for g in groups]
    groups = [g for g in groups if g]
    r2 = dominance.r2(corr, [c for g in groups for c in g])
    dominance.importance(corr, groups)
    return r2


def _row_moments(d: dict, rows: np.ndarray, nums: list[str], cats: list[str], sizes: list[int]):
    width = 1 + len(nums) + sum(sizes)
    mom = np.zeros((width, width))
    offsets = np.cumsum([1 + len(nums)] + sizes[:-1])
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        z = np.zeros((len(part), width))
        z[:, 0] = 1.0
        for i, s in enumerate(nums):
            z[:, 1 + i] = d[s][part]
        for off, c in zip(offsets, cats, strict=True):
            z[np.arange(len(part)), off + d[c][part]] = 1.0
        mom += z.T @ z
    return mom, len(rows)


def _reduce(mom: np.ndarray, total: int, m: int, sizes: list[int]):
    """Merge each category's levels under ``SMALL_SAMPLE`` rows into one, drop its largest level
    (the reference) and empty ones: the library's columns. Returns (covariance, groups)."""
    keep_cols, groups, start = list(range(1, 1 + m)), [[i] for i in range(1, m)], 1 + m
    merged = mom.copy()
    for size in sizes:
        cols = list(range(start, start + size))
        counts = np.array([merged[0, c] for c in cols])
        order = [cols[k] for k in np.argsort(-counts, kind="stable") if counts[k] > 0]
        rare = [c for c in order if merged[0, c] < drv.SMALL_SAMPLE]
        if len(rare) > 1:
            merged[rare[0], :] = merged[rare, :].sum(axis=0)
            merged[:, rare[0]] = merged[:, rare].sum(axis=1)
            order = [c for c in order if c not in rare[1:]]
        g = order[1:]
        groups.append([len(keep_cols) + k for k in range(len(g))])
        keep_cols += g
        start += size
    sub = merged[np.ix_([0] + keep_cols, [0] + keep_cols)] / total
    mean = sub[0, 1:]
    return sub[1:, 1:] - np.outer(mean, mean), groups


def _corr(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    ok = sd > 1e-12 * sd.max()
    out = np.zeros_like(cov)
    out[np.ix_(ok, ok)] = cov[np.ix_(ok, ok)] / np.outer(sd[ok], sd[ok])
    np.fill_diagonal(out, np.where(ok, 1.0, 0.0))
    return out


# ---- the baseline: pain points ---------------------------------------------------------------
def base_painpoints(base: dict, f: Filters, kpi: str) -> list[tuple[str, float]]:
    d, lv = base["data"], base["levels"]
    keep = row_mask(base, f)
    out = []
    for level, key in (("touchpoint", lambda: d["touchpoint"][keep].astype(np.int64)),
                       ("stage x channel", lambda: d["journey_stage"][keep].astype(np.int64) * 64
                        + d["channel"][keep])):
        codes = key()
        counts = _bincounts(d, keep, codes, base["direction"])
        totals = {k: v.sum() for k, v in counts.items()}
        for code in np.flatnonzero(counts["nps_n"] + counts["csat_n"] + counts["ces_n"]):
            keys = _keys(level, int(code), lv)
            if None in keys:
                continue
            out.append(pain._assess(level, keys, {k: int(v[code]) for k, v in counts.items()},
                                    {k: int(v) for k, v in totals.items()}, kpi, base["direction"]))
    better_up = pain.catalog.higher_is_better(kpi, base["direction"])
    ranked = [p for p in out if p.n >= pain.SMALL_SAMPLE and pain._is_pain(p, better_up)]
    return [(p.name, p.impact) for p in sorted(ranked, key=lambda p: -abs(p.impact))]


def _keys(level: str, code: int, lv: dict) -> tuple:
    if level == "touchpoint":
        return (lv["touchpoint"][code - 1] if code else None,)
    stage, ch = divmod(code, 64)
    return (lv["journey_stage"][stage - 1] if stage else None, lv["channel"][ch - 1] if ch else None)


def _bincounts(d: dict, keep: np.ndarray, codes: np.ndarray, direction: str) -> dict[str, np.ndarray]:
    size = int(codes.max()) + 1 if len(codes) else 1
    nps_, csat_, ces_ = d["nps"][keep], d["csat"][keep], d["ces"][keep]
    low = (1, 2) if direction == "effort" else (6, 7)
    has_ces = ~np.isnan(ces_)
    weights = {"nps_n": ~np.isnan(nps_), "promoters": nps_ >= 9, "passives": (nps_ >= 7) & (nps_ <= 8),
               "detractors": nps_ <= 6, "csat_n": ~np.isnan(csat_), "csat_sat": csat_ >= 4,
               "ces_n": has_ces, "ces_sum": np.where(has_ces, ces_, 0), "ces_sumsq": np.where(has_ces, ces_ ** 2, 0),
               "ces_low": (ces_ >= low[0]) & (ces_ <= low[1])}
    return {k: np.bincount(codes, weights=weights[k].astype(float), minlength=size) for k in COUNT_COLUMNS}


# ---- the run ---------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-repeat", type=int, default=1)
    ap.add_argument("--kpi", default="nps", choices=drv.KPIS)
    ap.add_argument("--exact", action="store_true", help="key drivers from every row, never the sample")
    ap.add_argument("--json", metavar="OUT")
    args = ap.parse_args()
    con = db.connect(args.db, read_only=True, memory_limit=os.environ.get("CX_MEMORY_LIMIT", "1GB"))
    cur = con.cursor()
    n = cur.execute("select count(*) from responses").fetchone()[0]
    log(f"{args.db}: {n:,} responses; load average {os.getloadavg()[0]:.1f}; kpi {args.kpi}")
    combos = filter_combos(cur)
    t0 = time.perf_counter()
    base = {"responses": load(cur)}
    if driver_cells.has_sample(cur):  # the rows key_drivers reads when it samples
        base["sample"] = load(cur, cube.SAMPLE_TABLE)
    log(f"baseline: columns loaded into numpy in {time.perf_counter() - t0:.1f} s (not timed)")
    results = {name: _one(cur, base, f, args) for name, f in combos.items()}
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"db": args.db, "responses": n, "kpi": args.kpi, "results": results}, fh, indent=1)


def _one(cur, bases: dict, f: Filters, args) -> dict:
    above = None if args.exact else drv.SAMPLE_ABOVE
    d_ms, d_runs, d_res = timed(lambda: drv.key_drivers(cur, f, args.kpi, sample_above=above), args.repeat)
    p_ms, p_runs, p_res = timed(lambda: pain.pain_points(cur, f, args.kpi), args.repeat)
    base = bases["sample" if d_res.sample_every else "responses"]  # the same rows as the library
    bd_ms, _, b_r2 = timed(lambda: base_drivers(base, f, args.kpi, d_res.sample_every), args.baseline_repeat)
    bp_ms, _, b_pp = timed(lambda: base_painpoints(bases["responses"], f, args.kpi), args.baseline_repeat)
    same_r2 = d_res.r2 is not None and abs(d_res.r2 - b_r2) < 1e-9
    lib_pp = [(p.name, p.impact) for p in p_res.painpoints]
    same_pp = len(lib_pp) == len(b_pp) and all(a == c and abs(b - e) < 1e-9 for (a, b), (c, e) in zip(lib_pp, b_pp, strict=True))
    name = f.describe().removeprefix("Filters: ")
    log(f"{name[:60]:<60} n={d_res.n:>10,} (1 in {d_res.sample_every or 1})  drivers {d_ms:8.1f} ms (numpy {bd_ms:9.1f}, x{bd_ms / d_ms:5.1f})  "
        f"painpoints {p_ms:7.1f} ms (numpy {bp_ms:8.1f}, x{bp_ms / p_ms:5.1f})  page {d_ms + p_ms:8.1f} ms  "
        f"same R2 {same_r2} same pain points {same_pp}")
    return {"n": d_res.n, "sample_every": d_res.sample_every, "r2": d_res.r2, "method": d_res.method, "drivers_ms": d_ms, "drivers_runs_ms": d_runs,
            "painpoints_ms": p_ms, "painpoints_runs_ms": p_runs, "page_ms": d_ms + p_ms,
            "numpy_drivers_ms": bd_ms, "numpy_painpoints_ms": bp_ms, "same_r2": same_r2, "same_painpoints": same_pp}


_EPOCH = __import__("datetime").date(1970, 1, 1)

if __name__ == "__main__":
    main()
