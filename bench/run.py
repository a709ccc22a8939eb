"""Performance benchmark of the dashboard's page queries, against a pandas baseline, in one run.

    python -m bench.run [--db PATH] [--responses N] [--interactions N] [--repeat K]
                        [--json OUT] [--skip-plain] [--skip-pandas] [--skip-pandas-funnel]
                        [--skip-import] [--skip-cold-start]

What it does, in order:

1. Reuses ``--db`` when it holds exactly the asked numbers of responses and interactions, else
   (re)generates it with ``cxdata.demo.generate_demo(seed=42)``.
2. Times each page's query set (what the page runs after a filter change; DuckDB has no result
   cache, so every run is uncached) for three filter combinations, ``--repeat`` times each, on ONE
   connection and a cursor, like the dashboard; reports medians. Then the same response pages with
   ``cube.plain_queries()`` (over ``responses`` itself, no count tables).
3. ``bench/baseline.py``: loads the needed columns into pandas once (not timed) and times the same
   page query sets in pandas: filtering, groupby and the same KPI formulas (``KpiSet``), the funnel
   as the same greedy ordered algorithm (merges and groupby-min). Asserts that pandas and DuckDB
   give the same figures, so the ratio compares equal work.
4. Times an import of a 1M-row canonical responses CSV with ``cxdata.ingest.import_file`` into a
   fresh scratch database, and a plain DuckDB ``read_csv`` of the same file as the baseline.
5. ``bench/server.py``: the dashboard's cold start (server start to the first Plotly chart in
   headless Chromium, and to the end of the first run without a browser), server time per page
   (first visit, cached) through ``bench.wsclient``, and its peak RSS after every page on every
   filter combination; the peak RSS of this process.
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
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from bench.baseline import FUNNEL_WINDOW, PandasPages, check_equal, load_pandas
from bench.server import PAGES, cold_start, server_cold_start
from cxdata import cube, db, funnel, pyramid, queries
from cxdata.filters import Filters
from cxdata.schema import RESPONSE_FIELDS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "/tmp/cx-bench-10M.duckdb"
IMPORT_CSV = Path("/tmp/cx-bench-responses-1M.csv")
IMPORT_ROWS = 1_000_000
SCRATCH_DB = Path("/tmp/cx-bench-import-scratch.duckdb")

TARGETS = {
    "page_ms": 300,
    "rerun_ms": 150,
    "import_rows_per_s": 500_000,
    "rss_bytes": 2 * 1024**3,
    "ratio": 5.0,
    "cold_start_s": 3.0,
}


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
    """Open ``path``; (re)generate the demo set unless it already holds the asked row counts, under
    the CLI's default cap (uncapped, the generation of 10M/50M was killed by the kernel at 24 GB)."""
    con = db.connect(path, memory_limit=db.default_memory_limit())
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
        "all dates": Filters(),
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
        # As on the Upload page: a preview first, then the import, which reuses the rows the
        # preview read and checked (cxdata.ingest.pipeline keeps the last file).
        from cxdata.ingest import preview_file

        previews, imports = [], []
        for _ in range(repeat):
            con = _fresh_scratch()
            t = time.perf_counter()
            preview_file(IMPORT_CSV, con=con)
            t1 = time.perf_counter()
            import_file(con, IMPORT_CSV)
            imports.append(time.perf_counter() - t1)
            previews.append(t1 - t)
            con.close()
        out["after_preview"] = {"preview_median_s": statistics.median(previews), "preview_runs_s": previews,
                                "import_median_s": statistics.median(imports), "import_runs_s": imports}
    for p in (SCRATCH_DB, Path(str(SCRATCH_DB) + ".wal")):
        p.unlink(missing_ok=True)
    return out


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
    for combo, r in res["pages"].get("Funnel", {}).items():
        if r.get("first_part_ms") is not None:
            log(f"Funnel, {combo}: the page draws each channel's funnel after {fmt_ms(r['first_part_ms'])} ms "
                f"of queries, then the funnel across the channels (whole page {fmt_ms(r['duckdb_ms'])} ms)")
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
        ap = imp.get("after_preview")
        if ap:
            log(f"  as on the Upload page: preview {ap['preview_median_s']:.2f} s, then the import "
                f"{ap['import_median_s']:.2f} s ({imp['rows'] / ap['import_median_s']:,.0f} rows/s; it reuses "
                "the rows the preview read and checked)")
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
        log(f"Cold start (server start to first Plotly chart drawn in Chromium): a returning viewer "
            f"{cs['first_chart_returning_s']:.2f} s (health check after {cs['health_again_s']:.2f} s), a "
            f"browser that never saw the dashboard {cs['first_chart_s']:.2f} s (health check after "
            f"{cs['health_s']:.2f} s); target < {TARGETS['cold_start_s']:.0f} s; "
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
    # 2a. the Funnel page with two or more channels draws each channel's funnel first: time that part
    for name, f in combos.items():
        if funnel.split_across(f):
            times, _ = time_runs(lambda f=f: funnel.funnel_steps(cur, f, window_days=FUNNEL_WINDOW,
                                                                 across_channels=False), args.repeat)
            pages["Funnel"][name]["first_part_ms"] = statistics.median(times)
            log(f"duckdb  Funnel    {name:<32} {statistics.median(times):9.1f} ms  (per-channel part, drawn first)")
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
