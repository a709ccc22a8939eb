"""Performance benchmark of the dashboard's page queries, against a pandas baseline, in one run.

    python -m bench.run [--db PATH] [--responses N] [--interactions N] [--repeat K]
                        [--json OUT] [--skip-pandas] [--skip-pandas-funnel] [--skip-import]
                        [--skip-cold-start]

What it does, in order:

1. Reuses ``--db`` when it holds exactly the asked numbers of responses and interactions, else
   (re)generates it with ``cxdata.demo.generate_demo(seed=42)``.
2. Times each page's query set (what the page runs after a filter change; DuckDB has no result
   cache, so every run is uncached) for three filter combinations, ``--repeat`` times each, on ONE
   connection and a cursor, like the dashboard; reports medians.
3. Loads the needed columns into pandas once (not timed) and times the same page query sets in
   pandas: filtering, groupby and the same KPI formulas (``KpiSet``), the funnel as the same greedy
   ordered algorithm (merges and groupby-min). Asserts that pandas and DuckDB give the same
   figures, so the ratio compares equal work.
4. Times an import of a 1M-row canonical responses CSV with ``cxdata.ingest.import_file`` into a
   fresh scratch database, and a plain DuckDB ``read_csv`` of the same file as the baseline.
5. Reports the peak RSS of this process and the dashboard's cold start (server start to the first
   Plotly chart in headless Chromium), when ``dashboard.py`` exists.
6. Prints a table and writes a JSON file of medians, ratios, peak RSS and the machine.

Figures live here, never in a timed unit test. Targets from issue 5 are printed beside each figure,
not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cxdata import cube, db, funnel, pyramid, queries
from cxdata.filters import FILTER_COLUMNS, TIME_COLUMN, Filters
from cxdata.schema import RESPONSE_FIELDS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "/tmp/cx-bench-10M.duckdb"
IMPORT_CSV = Path("/tmp/cx-bench-responses-1M.csv")
IMPORT_ROWS = 1_000_000
SCRATCH_DB = Path("/tmp/cx-bench-import-scratch.duckdb")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

TARGETS = {
    "page_ms": 300,
    "rerun_ms": 150,
    "import_rows_per_s": 500_000,
    "rss_bytes": 2 * 1024**3,
    "ratio": 5.0,
    "cold_start_s": 3.0,
}
PAGES = ("Overview", "Trends", "Segments", "Funnel", "Pyramid")
MOVER_DIMENSIONS = ("segment", "touchpoint", "channel", "region")  # queries.biggest_movers default
FUNNEL_WINDOW = 30


def log(*parts) -> None:
    print(*parts, flush=True)


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def gib(n: float) -> str:
    return f"{n / 1024**3:.2f} GiB"


# ---- 1. the database ----------------------------------------------------------------------------

def row_counts(con) -> tuple[int, int]:
    r = con.execute("select count(*) from responses").fetchone()[0]
    i = con.execute("select count(*) from interactions").fetchone()[0]
    return int(r), int(i)


def ensure_db(path: Path, responses: int, interactions: int) -> dict:
    """Open ``path``; (re)generate the demo set unless it already holds the asked row counts."""
    con = db.connect(path)
    try:
        have = row_counts(con)
        if have == (responses, interactions):
            log(f"Reusing {path}: {have[0]:,} responses, {have[1]:,} interactions.")
            return {"generated": False, "seconds": 0.0}
        from cxdata import demo  # imported late: only needed to generate

        log(f"{path} holds {have[0]:,} / {have[1]:,} rows; generating {responses:,} responses and "
            f"{interactions:,} interactions (seed 42)...")
        t = time.perf_counter()
        last = [0.0]

        def progress(fraction: float, text: str) -> None:
            if fraction - last[0] >= 0.1 or fraction >= 1:
                last[0] = fraction
                log(f"  {fraction:5.0%} {text}")

        demo.generate_demo(con, responses=responses, interactions=interactions, seed=42,
                           progress=progress)
        con.execute("checkpoint")
        seconds = time.perf_counter() - t
        log(f"Generated in {seconds:.1f} s.")
        return {"generated": True, "seconds": seconds}
    finally:
        con.close()


# ---- 2. filter combinations and page query sets -------------------------------------------------

def filter_combos(cur) -> dict[str, Filters]:
    _, hi = queries.date_bounds(cur, "responses")
    end = hi.date()
    segments = queries.dimension_values(cur, "segment")
    regions = queries.dimension_values(cur, "region")
    segment = "Consumer" if "Consumer" in segments else segments[0]
    region = "Lombardia" if "Lombardia" in regions else regions[0]
    return {
        "last 90 days": Filters(date_from=end - timedelta(days=89), date_to=end),
        f"1 year, web+app, {segment}": Filters().replace(
            date_from=end - timedelta(days=364), date_to=end, channel=("web", "app"), segment=(segment,)),
        f"all dates, {region}": Filters().replace(region=(region,)),
    }


def duck_overview(cur, f: Filters) -> dict:
    return {"summary": queries.kpi_summary(cur, f), "trend": queries.kpi_trend(cur, f, grain="week"),
            "movers": queries.biggest_movers(cur, f)}


def duck_trends(cur, f: Filters) -> dict:
    return {"trend": queries.kpi_trend(cur, f, grain="week", split="channel")}


def duck_segments(cur, f: Filters) -> dict:
    return {"breakdown": queries.segment_breakdown(cur, f, "segment"),
            "heatmap": queries.kpi_heatmap(cur, f, "segment", "channel")}


def duck_funnel(cur, f: Filters) -> dict:
    return {"funnel": funnel.funnel_steps(cur, f, window_days=FUNNEL_WINDOW)}


def duck_pyramid(cur, f: Filters) -> dict:
    return {"levels": pyramid.pyramid_distribution(cur, f, model=3),
            "by_channel": pyramid.pyramid_distribution(cur, f, model=3, by="channel"),
            "by_quarter": pyramid.pyramid_distribution(cur, f, model=3, grain="quarter")}


DUCK_PAGES: dict[str, Callable] = {
    "Overview": duck_overview, "Trends": duck_trends, "Segments": duck_segments,
    "Funnel": duck_funnel, "Pyramid": duck_pyramid,
}


def time_runs(fn: Callable[[], dict], repeat: int) -> tuple[list[float], dict]:
    times, result = [], {}
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


# ---- 3. the pandas baseline ---------------------------------------------------------------------

RESPONSE_DIMS = ("channel", "segment", "region", "touchpoint")
RESPONSE_SCORES = ("nps", "csat", "ces", "needs_met", "enjoyment")
INTERACTION_DIMS = ("channel", "segment", "region")


def _categorical(arr: pa.ChunkedArray) -> pd.Series:
    """A string column as a pandas categorical, categories sorted, nulls as '(none)' (the label the
    queries give a missing dimension value)."""
    s = pc.fill_null(arr, "(none)").dictionary_encode().combine_chunks()
    cat = pd.Categorical.from_codes(s.indices.to_numpy(zero_copy_only=False).astype("int32"),
                                    categories=s.dictionary.to_pylist())
    return pd.Series(cat).cat.reorder_categories(sorted(cat.categories))


def load_pandas(cur) -> dict[str, pd.DataFrame]:
    """The columns the pages need, once, column by column (bounded memory), not timed."""
    def column(table: str, name: str) -> pa.ChunkedArray:
        return cur.table(table).project(name).to_arrow_table().column(0)

    resp = {TIME_COLUMN["responses"]: column("responses", "responded_at").to_pandas()}
    for d in RESPONSE_DIMS:
        resp[d] = _categorical(column("responses", d))
    for s in RESPONSE_SCORES:
        resp[s] = column("responses", s).to_pandas().astype("float64")  # NaN = not answered
    events = {TIME_COLUMN["interactions"]: column("interactions", "occurred_at").to_pandas()}
    cust = column("interactions", "customer_id").dictionary_encode().combine_chunks()
    events["customer"] = cust.indices.to_numpy(zero_copy_only=False).astype("int32")  # a key, no more
    del cust
    for d in (*INTERACTION_DIMS, "stage"):
        events[d] = _categorical(column("interactions", d))
    return {"responses": pd.DataFrame(resp), "interactions": pd.DataFrame(events)}


def pandas_mask(df: pd.DataFrame, f: Filters, table: str, skip: tuple[str, ...] = ()) -> pd.Series:
    """``Filters.where_sql`` in pandas: inclusive dates (to < next midnight) and ``isin`` lists."""
    ts = df[TIME_COLUMN[table]]
    mask = pd.Series(True, index=df.index)
    if f.date_from and "date" not in skip:
        mask &= ts >= datetime.combine(f.date_from, datetime.min.time())
    if f.date_to and "date" not in skip:
        mask &= ts < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time())
    for key, cols in FILTER_COLUMNS.items():
        vals = getattr(f, key)
        if not vals or key in skip:
            continue
        col = cols.get(table)
        if col not in df.columns:
            raise RuntimeError(f"pandas baseline did not load {table}.{col} for filter {key}")
        mask &= df[col].isin(vals)
    if f.attrs:
        raise RuntimeError("the pandas baseline does not filter on imported attributes")
    return mask


class PandasPages:
    """The page query sets in pandas, giving the same frames (figures) as the library."""

    def __init__(self, data: dict[str, pd.DataFrame], direction: str):
        self.r = data["responses"]
        self.i = data["interactions"]
        self.direction = direction
        self.le = (1, 2) if direction == "effort" else (6, 7)

    # -- shared --
    def responses(self, f: Filters | None) -> pd.DataFrame:
        return self.r[pandas_mask(self.r, f, "responses")] if f is not None else self.r.iloc[:0]

    def counts(self, df: pd.DataFrame, keys: dict[str, pd.Series] | None = None):
        """The ``KPI_COUNTS`` aggregates: a Series without keys, else a frame per key combination."""
        nps, csat, ces = df["nps"], df["csat"], df["ces"]
        lo, hi = self.le
        x = pd.DataFrame({
            "nps_n": nps.notna(), "promoters": nps >= 9, "passives": (nps >= 7) & (nps <= 8),
            "detractors": nps <= 6, "csat_n": csat.notna(), "csat_sat": csat >= 4,
            "ces_n": ces.notna(), "ces_sum": ces.fillna(0), "ces_sumsq": (ces * ces).fillna(0),
            "ces_low": (ces >= lo) & (ces <= hi),
        })
        if not keys:
            return x.sum()
        for name, key in keys.items():
            x[name] = key
        return x.groupby(list(keys), observed=True, sort=True).sum().reset_index()

    def kpi_set(self, df: pd.DataFrame) -> queries.KpiSet:
        return queries.KpiSet.from_counts(self.counts(df).to_dict(), self.direction)

    @staticmethod
    def week(ts: pd.Series) -> pd.Series:  # date_trunc('week'): the Monday
        return ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")

    @staticmethod
    def quarter(ts: pd.Series) -> pd.Series:
        return ts.dt.to_period("Q").dt.start_time

    def trend(self, df: pd.DataFrame, split: str | None = None) -> pd.DataFrame:
        keys = {"period": self.week(df["responded_at"])}
        if split:
            keys["split"] = df[split]
        frame = queries._kpi_frame(self.counts(df, keys), self.direction)
        if not frame.empty:
            frame["period"] = pd.to_datetime(frame["period"])
        return frame

    # -- pages --
    def overview(self, f: Filters) -> dict:
        cur = self.responses(f)
        prev_f = f.previous_period()
        prev = self.responses(prev_f) if prev_f else None
        current = self.kpi_set(cur)
        previous = self.kpi_set(prev) if prev is not None else None
        summary = queries.Summary(current, previous, {
            k: (current.compare(previous, k) if previous else None) for k in ("nps", "csat", "ces")})
        movers = []
        if prev is not None:
            for dim in MOVER_DIMENSIONS:
                a = self.counts(cur, {"grp": cur[dim]}).set_index("grp")
                b = self.counts(prev, {"grp": prev[dim]}).set_index("grp")
                for value in a.index.intersection(b.index):
                    ka = queries.KpiSet.from_counts(a.loc[value].to_dict(), self.direction)
                    kb = queries.KpiSet.from_counts(b.loc[value].to_dict(), self.direction)
                    ch = ka.compare(kb, "nps")
                    if ch.significant:
                        movers.append({"dimension": dim, "value": value, "current": ka.nps.value,
                                       "previous": kb.nps.value, "delta": ch.delta, "margin": ch.margin,
                                       "n": ka.nps.n})
        movers_frame = pd.DataFrame(movers, columns=["dimension", "value", "current", "previous",
                                                     "delta", "margin", "n"])
        if not movers_frame.empty:
            movers_frame = movers_frame.reindex(
                movers_frame["delta"].abs().sort_values(ascending=False).index).head(3).reset_index(drop=True)
        return {"summary": summary, "trend": self.trend(cur), "movers": movers_frame}

    def trends(self, f: Filters) -> dict:
        return {"trend": self.trend(self.responses(f), split="channel")}

    def segments(self, f: Filters) -> dict:
        df = self.responses(f)
        counts = self.counts(df, {"value": df["segment"]})
        frame = queries._kpi_frame(counts, self.direction)
        totals = counts[list(queries.COUNT_COLUMNS)].sum()
        for kpi in ("nps", "csat", "ces"):
            deltas, differs = [], []
            for rec in counts.to_dict("records"):
                g = queries.KpiSet.from_counts({k: rec[k] for k in queries.COUNT_COLUMNS}, self.direction)
                rest = queries.KpiSet.from_counts(
                    {k: totals[k] - rec[k] for k in queries.COUNT_COLUMNS}, self.direction)
                ch = g.compare(rest, kpi)
                deltas.append(ch.delta)
                differs.append(ch.significant)
            frame[f"{kpi}_vs_rest"] = deltas
            frame[f"{kpi}_differs"] = differs
        frame = frame.sort_values("nps", ascending=False, na_position="last").reset_index(drop=True)
        heat = queries._kpi_frame(self.counts(df, {"row": df["segment"], "col": df["channel"]}),
                                  self.direction)
        return {"breakdown": frame, "heatmap": heat}

    def pyramid_one(self, df: pd.DataFrame, by: str | None, grain: str | None) -> pd.DataFrame:
        lo, hi = self.le
        df = df[df["needs_met"].notna() & df["ces"].notna() & df["enjoyment"].notna()]
        level = np.select([df["needs_met"] < 4, ~((df["ces"] >= lo) & (df["ces"] <= hi)),
                           df["enjoyment"] < 4], [0, 1, 2], 3)
        keys: dict[str, pd.Series] = {}
        if by:
            keys["grp"] = df[by]
        if grain:
            keys["period"] = self.quarter(df["responded_at"])
        keys["level"] = pd.Series(level, index=df.index)
        counts = pd.DataFrame(keys).groupby(list(keys), observed=True).size().rename("n").reset_index()
        names = pyramid.MODELS[3]
        kcols = [k for k in keys if k != "level"]
        grid = pd.DataFrame({"level": range(len(names))})
        if kcols:
            grid = counts[kcols].drop_duplicates().merge(grid, how="cross")
        frame = grid.merge(counts, on=[*kcols, "level"], how="left").fillna({"n": 0})
        frame["n"] = frame["n"].astype("int64")
        frame["total"] = frame.groupby(kcols, observed=True)["n"].transform("sum") if kcols else frame["n"].sum()
        frame["share"] = frame["n"] / frame["total"] * 100
        frame = frame.sort_values([*kcols, "level"])
        frame["reached"] = (frame.iloc[::-1].groupby(kcols, observed=True)["share"].cumsum() if kcols
                            else frame["share"][::-1].cumsum())
        frame["level_name"] = frame["level"].map(lambda lv: names[lv])
        return frame.rename(columns={"grp": "group"}).reset_index(drop=True)

    def pyramid(self, f: Filters) -> dict:
        df = self.responses(f)
        return {"levels": self.pyramid_one(df, None, None),
                "by_channel": self.pyramid_one(df, "channel", None),
                "by_quarter": self.pyramid_one(df, None, "quarter")}

    def funnel(self, f: Filters, order: list[str]) -> dict:
        ev = self.i[pandas_mask(self.i, f, "interactions", skip=("stage",)) & self.i["stage"].isin(order)]
        ev = ev[["customer", "channel", "stage", "occurred_at"]]
        window = pd.Timedelta(days=FUNNEL_WINDOW)
        by_stage = {s: ev[ev["stage"] == s] for s in order}
        rows = []
        for across in (False, True):
            keys = ["customer"] if across else ["customer", "channel"]
            label = funnel.ALL_CHANNELS if across else None
            first = by_stage[order[0]]
            prev = first.groupby(keys, observed=True, sort=False)["occurred_at"].min().rename("t1").reset_index()
            prev["t"] = prev["t1"]
            for k in range(1, len(order) + 1):
                if k > 1:
                    e = by_stage[order[k - 1]][[*keys, "occurred_at"]]
                    m = prev.merge(e, on=keys)
                    m = m[(m["occurred_at"] >= m["t"]) & (m["occurred_at"] <= m["t1"] + window)]
                    prev = (m.groupby(keys, observed=True, sort=False)
                             .agg(t1=("t1", "first"), t=("occurred_at", "min")).reset_index())
                if across:
                    rows.append({"channel": label, "step": k, "customers": len(prev)})
                else:
                    for ch, n in prev.groupby("channel", observed=True).size().items():
                        rows.append({"channel": ch, "step": k, "customers": int(n)})
        found = pd.DataFrame(rows, columns=["channel", "step", "customers"])
        grid = found[["channel"]].drop_duplicates().merge(
            pd.DataFrame({"step": range(1, len(order) + 1)}), how="cross")
        frame = grid.merge(found, on=["channel", "step"], how="left").fillna({"customers": 0})
        frame["customers"] = frame["customers"].astype("int64")
        frame["stage"] = frame["step"].map(lambda k: order[k - 1])
        return {"funnel": frame}


# ---- equality: pandas gives the library's figures ----------------------------------------------

def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str], cols: list[str], what: str) -> None:
    def norm(df: pd.DataFrame) -> pd.DataFrame:
        df = df[[*keys, *cols]].copy()
        for k in keys:
            if k == "period":
                df[k] = pd.to_datetime(df[k]).astype("datetime64[ns]")
            elif k in ("step", "level"):
                df[k] = df[k].astype("int64")
            else:
                df[k] = df[k].astype(str)
        return df.sort_values(keys).reset_index(drop=True)

    x, y = norm(a), norm(b)
    assert len(x) == len(y), f"{what}: {len(x)} rows in DuckDB, {len(y)} in pandas"
    for k in keys:
        assert (x[k].to_numpy() == y[k].to_numpy()).all(), f"{what}: keys {k} differ"
    for c in cols:
        u = x[c].astype("float64").to_numpy()
        v = y[c].astype("float64").to_numpy()
        assert np.allclose(u, v, rtol=1e-9, atol=1e-9, equal_nan=True), f"{what}: {c} differs"


def _same_kpis(a: queries.KpiSet, b: queries.KpiSet, what: str) -> None:
    for name, x, y in (("nps", a.nps, b.nps), ("csat", a.csat, b.csat), ("ces", a.ces, b.ces)):
        assert x.n == y.n, f"{what}: {name} n {x.n} vs {y.n}"
        xv = getattr(x, "value", None) if name != "ces" else x.mean
        yv = getattr(y, "value", None) if name != "ces" else y.mean
        assert (xv is None and yv is None) or abs(xv - yv) <= 1e-9, f"{what}: {name} {xv} vs {yv}"


def check_equal(page: str, duck: dict, pand: dict) -> None:
    if page == "Overview":
        ds, ps = duck["summary"], pand["summary"]
        _same_kpis(ds.current, ps.current, "Overview current")
        assert (ds.previous is None) == (ps.previous is None)
        if ds.previous is not None:
            _same_kpis(ds.previous, ps.previous, "Overview previous")
        _same(duck["trend"], pand["trend"], ["period"], ["nps_n", "nps", "csat_n", "csat", "ces_n", "ces"],
              "Overview trend")
        _same(duck["movers"], pand["movers"], ["dimension", "value"], ["current", "previous", "delta", "n"],
              "Overview movers")
    elif page == "Trends":
        _same(duck["trend"], pand["trend"], ["period", "split"], ["nps_n", "nps", "csat_n", "ces_n", "ces"],
              "Trends")
    elif page == "Segments":
        _same(duck["breakdown"], pand["breakdown"], ["value"],
              ["nps_n", "nps", "nps_vs_rest", "csat", "csat_vs_rest", "ces", "ces_vs_rest"], "Segments")
        _same(duck["heatmap"], pand["heatmap"], ["row", "col"], ["nps_n", "nps", "csat_n", "ces_n"],
              "Heatmap")
    elif page == "Funnel":
        _same(duck["funnel"], pand["funnel"], ["channel", "step"], ["customers"], "Funnel")
    elif page == "Pyramid":
        _same(duck["levels"], pand["levels"], ["level"], ["n", "share", "reached"], "Pyramid")
        _same(duck["by_channel"], pand["by_channel"], ["group", "level"], ["n", "share", "reached"],
              "Pyramid by channel")
        _same(duck["by_quarter"], pand["by_quarter"], ["period", "level"], ["n", "share", "reached"],
              "Pyramid by quarter")


# ---- 4. import --------------------------------------------------------------------------------

def ensure_import_csv() -> int:
    """A clean 1M-row responses CSV with the canonical column names, written once."""
    if not IMPORT_CSV.exists():
        from cxdata import demo

        log(f"Writing {IMPORT_CSV} ({IMPORT_ROWS:,} demo responses)...")
        mem = db.connect(":memory:")
        demo.generate_demo(mem, responses=IMPORT_ROWS, interactions=0, seed=7)
        tmp = IMPORT_CSV.with_suffix(".tmp.csv")
        mem.table("responses").project(", ".join(RESPONSE_FIELDS)).write_csv(str(tmp), header=True)
        mem.close()
        tmp.replace(IMPORT_CSV)
    with IMPORT_CSV.open("rb") as fh:
        return sum(1 for _ in fh) - 1  # no embedded newlines in the demo data


def _fresh_scratch():
    for p in (SCRATCH_DB, Path(str(SCRATCH_DB) + ".wal")):
        p.unlink(missing_ok=True)
    return db.connect(SCRATCH_DB)


def time_import(repeat: int) -> dict:
    rows = ensure_import_csv()
    out: dict = {"file": str(IMPORT_CSV), "rows": rows, "file_bytes": IMPORT_CSV.stat().st_size}

    def baseline(con) -> None:
        con.execute("insert into responses by name select * from read_csv($p, header = true)",
                    {"p": str(IMPORT_CSV)})

    times = []
    for _ in range(repeat):
        con = _fresh_scratch()
        t = time.perf_counter()
        baseline(con)
        con.execute("checkpoint")
        times.append(time.perf_counter() - t)
        loaded = con.execute("select count(*) from responses").fetchone()[0]
        con.close()
    out["read_csv"] = {"median_s": statistics.median(times), "runs_s": times, "loaded": loaded,
                       "rows_per_s": rows / statistics.median(times)}

    try:
        from cxdata.ingest import import_file
    except Exception as exc:  # another session is still writing cxdata/ingest
        out["import_file"] = {"available": False, "reason": f"ingest not available: {exc!r}"}
    else:
        times, result = [], None
        try:
            for _ in range(repeat):
                con = _fresh_scratch()
                t = time.perf_counter()
                result = import_file(con, IMPORT_CSV)
                times.append(time.perf_counter() - t)
                loaded = con.execute("select count(*) from responses").fetchone()[0]
                con.close()
            out["import_file"] = {"available": True, "median_s": statistics.median(times), "runs_s": times,
                                  "loaded": loaded, "rows_per_s": rows / statistics.median(times),
                                  "result": repr(result)[:500]}
        except Exception as exc:
            out["import_file"] = {"available": False, "reason": f"import_file failed: {exc!r}"[:500]}
    for p in (SCRATCH_DB, Path(str(SCRATCH_DB) + ".wal")):
        p.unlink(missing_ok=True)
    return out


# ---- 5. cold start ----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cold_start(db_path: Path, combos: dict[str, Filters] | None = None, timeout: float = 120.0) -> dict:
    """Seconds from starting ``streamlit run dashboard.py`` to the first Plotly chart in Chromium."""
    if not (ROOT / "dashboard.py").exists():
        return {"available": False, "reason": "dashboard.py does not exist yet"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        return {"available": False, "reason": f"playwright not available: {exc!r}"}
    port = _free_port()
    env = os.environ | {"CX_DB": str(db_path)}
    out: dict = {"available": True, "port": port}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # before the clock
        page = browser.new_page()
        t0 = time.perf_counter()
        proc = _start(port, env)
        try:
            _wait_healthy(proc, port, t0, timeout)
            out["health_s"] = time.perf_counter() - t0
            page.goto(f"http://127.0.0.1:{port}/", timeout=timeout * 1000)
            page.wait_for_selector(".js-plotly-plot", timeout=timeout * 1000)
            out["first_chart_s"] = time.perf_counter() - t0
            # A warm reload: the server's caches are filled; browser time is included (an upper bound
            # of the rerun, not the server-only figure of the target).
            t1 = time.perf_counter()
            page.reload()
            page.wait_for_selector(".js-plotly-plot", timeout=timeout * 1000)
            out["warm_reload_s"] = time.perf_counter() - t1
            out["server_pages"] = server_page_times(f"http://127.0.0.1:{port}/")
            out["dashboard_peak_rss_default_links_bytes"] = _vm_hwm(proc.pid)
            if combos:
                # Every page with every filter combination of the benchmark (the funnel's events
                # path included): the dashboard's peak memory with this database.
                out["combo_pages"] = server_combo_times(f"http://127.0.0.1:{port}/", combos)
            out["dashboard_peak_rss_bytes"] = _vm_hwm(proc.pid)
        except Exception as exc:
            out = {"available": False, "reason": f"cold start failed: {exc!r}"[:800]}
        finally:
            _stop(proc)
            browser.close()
    return out


def server_page_times(base: str, cached_runs: int = 5) -> dict:
    """Server time of each page on its default link (``rerun_script`` sent to ``script_finished``,
    through ``bench.wsclient``: no browser), first visit and then cached reruns (new sessions on
    the same link: ``st.cache_data`` answers, so this is the rerun target's figure, charts
    included). Returns {page: {"first_ms", "cached_ms" (median), "cached_runs_ms"}}."""
    import asyncio
    import concurrent.futures

    from bench.wsclient import Session

    def checked(run, page: str) -> float:
        if not run.ok:
            raise RuntimeError(f"page {page or 'Overview'}: {run.errors[:2]}")
        return run.seconds * 1000

    async def one(page: str) -> float:
        async with Session(base, timeout=300) as s:
            return checked(await s.open(page, ""), page)

    async def all_pages() -> dict:
        out = {}
        for name in PAGES:
            page = "" if name == "Overview" else name
            first = await one(page)
            cached = [await one(page) for _ in range(cached_runs)]
            async with Session(base, timeout=300) as s:
                checked(await s.open(page, ""), page)
                reruns = [checked(await s.rerun(), page) for _ in range(cached_runs)]
            out[name] = {"first_ms": first, "cached_ms": statistics.median(cached), "cached_runs_ms": cached,
                         "rerun_ms": statistics.median(reruns), "rerun_runs_ms": reruns}
        return out

    # Playwright's sync API holds an event loop in this thread: run the client in another one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, all_pages()).result()


def server_cold_start(db_path: Path, timeout: float = 120.0) -> dict:
    """Seconds from starting ``streamlit run dashboard.py`` to the end of the Overview's first run
    for one websocket viewer (``bench.wsclient``): the server's share of a cold start, without a
    browser downloading and drawing the page."""
    import asyncio

    from bench.wsclient import Session

    port = _free_port()
    env = os.environ | {"CX_DB": str(db_path)}
    t0 = time.perf_counter()
    proc = _start(port, env)
    try:
        try:
            _wait_healthy(proc, port, t0, timeout)
        except (RuntimeError, TimeoutError) as exc:
            return {"available": False, "reason": str(exc)[:800]}
        health = time.perf_counter() - t0

        async def first() -> object:
            async with Session(f"http://127.0.0.1:{port}/", timeout=timeout) as s:
                return await s.open("", "")

        run = asyncio.run(first())
        if not run.ok:
            return {"available": False, "reason": f"first run failed: {run.errors[:2]}"}
        return {"available": True, "health_s": health, "first_run_s": time.perf_counter() - t0,
                "first_run_only_s": run.seconds}
    finally:
        _stop(proc)


def _start(port: int, env: dict) -> subprocess.Popen:
    """``streamlit run dashboard.py`` on ``port``, headless, its output kept for an error message."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_healthy(proc: subprocess.Popen, port: int, t0: float, timeout: float) -> None:
    """Return once the server answers its health check; raise if it exits or takes too long."""
    health = f"http://127.0.0.1:{port}/_stcore/health"
    while True:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited: " + proc.stdout.read().decode(errors="replace")[-800:])
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("the server did not answer its health check")
        try:
            with urllib.request.urlopen(health, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.05)


def _stop(proc: subprocess.Popen) -> None:
    """Stop a dashboard server: terminate, and kill it if it does not go within 15 s."""
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def server_combo_times(base: str, combos: dict[str, Filters]) -> dict:
    """Server time of each page opened on a link with each filter combination (first visit)."""
    import asyncio
    import concurrent.futures
    from urllib.parse import urlencode

    from bench.wsclient import Session

    async def go() -> dict:
        out: dict = {}
        for name in PAGES:
            page = "" if name == "Overview" else name
            for combo, f in combos.items():
                async with Session(base, timeout=300) as s:
                    run = await s.open(page, urlencode(f.to_query_params(), doseq=True))
                if not run.ok:
                    raise RuntimeError(f"{name} {combo}: {run.errors[:2]}")
                out.setdefault(name, {})[combo] = run.seconds * 1000
        return out

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


# ---- 6. machine and report --------------------------------------------------------------------

def machine() -> dict:
    mem = None
    cpu = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "memory_bytes": mem,
        "memory": gib(mem) if mem else None, "platform": platform.platform(),
        "python": platform.python_version(), "duckdb": duckdb.__version__, "pandas": pd.__version__,
        "pyarrow": pa.__version__,
    }


def load_average() -> list[float] | None:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return None


def fmt_ms(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def print_report(res: dict) -> None:
    log("")
    log(f"Benchmark on {res['db']} ({res['rows']['responses']:,} responses, "
        f"{res['rows']['interactions']:,} interactions), {res['repeat']} runs each, medians")
    m = res["machine"]
    log(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']}, Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}")
    target = f"<= {TARGETS['page_ms']} ms, >= {TARGETS['ratio']:.0f}x"
    widths = (9, 32, 10, 9, 10, 7, len(target))
    cells = ("page", "filters", "duckdb ms", "plain ms", "pandas ms", "ratio", "target")

    def row(values) -> str:
        out = []
        for i, (v, w) in enumerate(zip(values, widths, strict=True)):
            out.append(f"{v:<{w}}" if i in (0, 1, 6) else f"{v:>{w}}")
        return "| " + " | ".join(out) + " |"

    log("")
    log(row(cells))
    log("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for page in PAGES:
        for combo, r in res["pages"][page].items():
            ratio = r.get("ratio")
            log(row((page, combo, fmt_ms(r["duckdb_ms"]), fmt_ms(r.get("plain_ms")), fmt_ms(r.get("pandas_ms")),
                     "-" if ratio is None else f"{ratio:.1f}x", target)))
    log("")
    log("duckdb = the dashboard's queries (daily count tables where they answer); plain = the same "
        "queries over responses itself; ratio = pandas / duckdb")
    log("")
    log("Per page (worst filter combination): duckdb ms / pandas ratio")
    for page, s in res["summary"].items():
        ok = "meets" if s["worst_duckdb_ms"] <= TARGETS["page_ms"] else "MISSES"
        ratio = "-" if s["min_ratio"] is None else f"{s['min_ratio']:.1f}x"
        log(f"  {page:<9} {fmt_ms(s['worst_duckdb_ms']):>8} ms ({ok} <= {TARGETS['page_ms']} ms), "
            f"ratio {ratio} (target >= {TARGETS['ratio']:.0f}x)")
    if res.get("equality"):
        log(f"pandas = DuckDB figures checked: {res['equality']}")
    imp = res.get("import")
    log("")
    if imp:
        rc = imp["read_csv"]
        log(f"Import of {imp['rows']:,} rows ({imp['file_bytes'] / 1e6:.0f} MB CSV), target >= "
            f"{TARGETS['import_rows_per_s']:,} rows/s:")
        log(f"  plain DuckDB read_csv (baseline):   {rc['median_s']:.2f} s, {rc['rows_per_s']:,.0f} rows/s")
        fi = imp["import_file"]
        if fi.get("available"):
            log(f"  cxdata.ingest.import_file:          {fi['median_s']:.2f} s, {fi['rows_per_s']:,.0f} rows/s "
                f"({fi['loaded']:,} loaded)")
        else:
            log(f"  cxdata.ingest.import_file:          {fi['reason']}")
    else:
        log("Import: skipped")
    rss = res["peak_rss"]
    log("")
    log(f"Peak RSS of this process after the DuckDB pages: {gib(rss['after_duckdb_bytes'])} "
        f"(target for the dashboard process <= {gib(TARGETS['rss_bytes'])})")
    if rss.get("after_pandas_bytes"):
        log(f"Peak RSS after the pandas baseline: {gib(rss['after_pandas_bytes'])}")
    cs = res.get("cold_start")
    if cs and cs.get("available"):
        log(f"Cold start (server start to first Plotly chart): {cs['first_chart_s']:.2f} s "
            f"(health check after {cs['health_s']:.2f} s; target < {TARGETS['cold_start_s']:.0f} s); "
            f"warm reload {cs['warm_reload_s'] * 1000:.0f} ms incl. browser (rerun target "
            f"<= {TARGETS['rerun_ms']} ms server time); dashboard peak RSS "
            f"{gib(cs['dashboard_peak_rss_default_links_bytes']) if cs.get('dashboard_peak_rss_default_links_bytes') else '?'} "
            "after every page on its default link")
        if cs.get("combo_pages"):
            log("  then every page on every filter combination above (server time, first visit, ms): "
                + "; ".join(f"{page} " + " / ".join(f"{ms:,.0f}" for ms in t.values())
                            for page, t in cs["combo_pages"].items()))
            log(f"  dashboard peak RSS after all of that: {gib(cs['dashboard_peak_rss_bytes'])} "
                f"(target <= {gib(TARGETS['rss_bytes'])})")
        for page, t in (cs.get("server_pages") or {}).items():
            log(f"  {page:<9} server time: first visit {t['first_ms']:6,.0f} ms; with the data cached, a new "
                f"session {t['cached_ms']:5,.0f} ms, a rerun in the session {t['rerun_ms']:5,.0f} ms "
                f"(medians of {len(t['rerun_runs_ms'])}; target <= {TARGETS['rerun_ms']} ms)")
    elif cs:
        log(f"Cold start: skipped ({cs['reason']})")
    sc = res.get("server_cold_start") or {}
    if sc.get("available"):
        log(f"Server cold start without a browser: first Overview run finished {sc['first_run_s']:.2f} s after "
            f"the server started (health check at {sc['health_s']:.2f} s, the run itself "
            f"{sc['first_run_only_s']:.2f} s)")
    la = res.get("load_average") or {}
    if la.get("start") and la.get("end"):
        log(f"Load average (1 min) at start {la['start'][0]:.1f}, at end {la['end'][0]:.1f} on {m['nproc']} cores"
            + ("  -- other processes competed for the CPU: figures are inflated" if
               max(la["start"][0], la["end"][0]) > m["nproc"] + 0.5 else ""))
    log(f"Total benchmark time {res['seconds']:.0f} s; JSON in {res['json']}")


# ---- main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    ap.add_argument("--responses", type=int, default=10_000_000)
    ap.add_argument("--interactions", type=int, default=50_000_000)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per page and filter set (median)")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results.json"), help="output JSON file")
    ap.add_argument("--skip-pandas", action="store_true", help="no pandas baseline")
    ap.add_argument("--skip-pandas-funnel", action="store_true",
                    help="run the pandas funnel once (first filter set) instead of --repeat times per set")
    ap.add_argument("--skip-plain", action="store_true",
                    help="do not time the plain queries over responses (without the daily tables)")
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-cold-start", action="store_true")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")
    began = time.perf_counter()
    db_path = Path(args.db)
    res: dict = {"db": str(db_path), "repeat": args.repeat, "started": datetime.now().isoformat(timespec="seconds"),
                 "targets": TARGETS, "machine": machine(), "load_average": {"start": load_average()}}
    try:
        res["generation"] = ensure_db(db_path, args.responses, args.interactions)
    except db.DatabaseBusyError as exc:
        log(str(exc))
        sys.exit(3)

    con = db.connect(db_path)
    cur = con.cursor()
    n_resp, n_int = row_counts(cur)
    res["rows"] = {"responses": n_resp, "interactions": n_int}
    combos = filter_combos(cur)
    res["filters"] = {name: f.to_query_params() for name, f in combos.items()}
    order = db.stages(cur)
    direction = db.get_setting(cur, "ces_direction") or "effort"

    # 2. DuckDB: one untimed warm-up per page (first filter set: the buffer pool holds the columns,
    # as in a running dashboard), then --repeat timed runs per filter set.
    duck_results: dict = {}
    pages: dict = {p: {} for p in PAGES}
    first = next(iter(combos))
    for page in PAGES:
        fn = DUCK_PAGES[page]
        fn(cur, combos[first])
        for name, f in combos.items():
            times, result = time_runs(lambda fn=fn, f=f: fn(cur, f), args.repeat)
            duck_results[(page, name)] = result
            pages[page][name] = {"duckdb_ms": statistics.median(times), "duckdb_runs_ms": times}
            log(f"duckdb  {page:<9} {name:<32} {statistics.median(times):9.1f} ms")
    res["peak_rss"] = {"after_duckdb_bytes": peak_rss_bytes()}

    # 2b. the same response pages with the plain queries over ``responses`` (no daily tables): the
    # baseline the daily tables are measured against, in the same run.
    if not args.skip_plain:
        with cube.plain_queries():
            for page in PAGES:
                if page == "Funnel":  # the funnel does not read the daily tables
                    continue
                fn = DUCK_PAGES[page]
                fn(cur, combos[first])
                for name, f in combos.items():
                    times, _ = time_runs(lambda fn=fn, f=f: fn(cur, f), args.repeat)
                    r = pages[page][name]
                    r["plain_ms"] = statistics.median(times)
                    r["plain_runs_ms"] = times
                    log(f"plain   {page:<9} {name:<32} {r['plain_ms']:9.1f} ms  "
                        f"(daily tables {r['plain_ms'] / r['duckdb_ms']:.1f}x faster)")

    # 3. pandas
    checked = []
    if not args.skip_pandas:
        t = time.perf_counter()
        data = load_pandas(cur)
        res["pandas_load_s"] = time.perf_counter() - t
        log(f"pandas: loaded {len(data['responses']):,} responses and {len(data['interactions']):,} "
            f"events in {res['pandas_load_s']:.1f} s (not timed)")
        pp = PandasPages(data, direction)
        pandas_fns = {
            "Overview": pp.overview, "Trends": pp.trends, "Segments": pp.segments,
            "Funnel": lambda f: pp.funnel(f, order), "Pyramid": pp.pyramid,
        }
        for page in PAGES:
            fn = pandas_fns[page]
            for name, f in combos.items():
                reps = args.repeat
                if page == "Funnel" and args.skip_pandas_funnel:
                    if name != first:
                        continue
                    reps = 1
                times, result = time_runs(lambda fn=fn, f=f: fn(f), reps)
                check_equal(page, duck_results[(page, name)], result)
                checked.append(f"{page}/{name}")
                r = pages[page][name]
                r["pandas_ms"] = statistics.median(times)
                r["pandas_runs_ms"] = times
                r["ratio"] = r["pandas_ms"] / r["duckdb_ms"]
                log(f"pandas  {page:<9} {name:<32} {r['pandas_ms']:9.1f} ms  ({r['ratio']:.1f}x)")
        del data, pp
        res["peak_rss"]["after_pandas_bytes"] = peak_rss_bytes()
    res["equality"] = (f"all {len(checked)} page/filter sets equal (counts exact, KPIs to 1e-9)"
                       if checked else None)
    res["pages"] = pages
    res["summary"] = {
        page: {
            "worst_duckdb_ms": max(r["duckdb_ms"] for r in pages[page].values()),
            "median_duckdb_ms": statistics.median(r["duckdb_ms"] for r in pages[page].values()),
            "min_ratio": min((r["ratio"] for r in pages[page].values() if "ratio" in r), default=None),
        }
        for page in PAGES
    }
    cur.close()
    con.close()

    # 4. import
    if not args.skip_import:
        res["import"] = time_import(min(args.repeat, 3))
    # 5. cold start (the bench connection is closed: the dashboard opens the file itself)
    res["server_cold_start"] = (server_cold_start(db_path) if not args.skip_cold_start
                                else {"available": False, "reason": "--skip-cold-start"})
    res["cold_start"] = (cold_start(db_path, combos) if not args.skip_cold_start
                         else {"available": False, "reason": "--skip-cold-start"})
    res["peak_rss"]["final_bytes"] = peak_rss_bytes()
    res["load_average"]["end"] = load_average()
    res["seconds"] = time.perf_counter() - began
    res["json"] = args.json
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(res, indent=2, default=str))
    print_report(res)
    return res


if __name__ == "__main__":
    main()
