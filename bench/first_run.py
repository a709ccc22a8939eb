"""Where the server's share of a cold start goes, step by step, in a fresh process; and the first
start on a fresh database path (``--fresh``).

    python -m bench.first_run [--db /tmp/cx-bench-10M-ordered.duckdb]
    python -m bench.first_run --fresh [--runs 3] [--browser]

Prints milliseconds for what the dashboard's first Overview run does on a server that has just
started: Streamlit's scan of the installed packages for components (done by Streamlit's runtime
before the server answers), the imports of the first run, opening the database, the Overview's
queries for its default link (the last 90 days) and its first Plotly figures. A single run in a
fresh process: run it a few times, the machine is shared.

``--fresh``: ``cxdata.demo.ensure_database`` on a new path in two parts as the dashboard's first
start runs it, ``--runs`` times: wall seconds, the process's CPU seconds (DuckDB's threads
included: what a quiet 2-core machine needs at least, /2), when the responses were ready and when
each step of its progress began, with medians and the load average. ``--browser`` adds the first
view in Chromium for ``streamlit run dashboard.py`` and ``streamlit run app.py`` on a new path:
server start to the build's words on the page, to the Overview's first chart (drawn once the
responses are stored), and to the whole Overview (its value tile filled once the journeys are).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M-ordered.duckdb")
    ap.add_argument("--fresh", action="store_true", help="the first start on a new database path")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--browser", action="store_true", help="with --fresh: the first view in Chromium too")
    args = ap.parse_args()
    if args.fresh:
        fresh_builds(args.runs)
        if args.browser:
            fresh_views(args.runs)
        return
    cold_steps(args.db)


def cold_steps(db_path: str) -> None:
    laps: list[tuple[str, float]] = []
    t = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal t
        now = time.perf_counter()
        laps.append((what, now - t))
        t = now

    import streamlit  # noqa: F401 - the server has it before the first run
    lap("import streamlit (before the server answers)")
    from streamlit.components.v2.manifest_scanner import scan_component_manifests
    scan_component_manifests()
    lap("Streamlit's scan of installed packages for components (before the server answers)")
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    lap("first run: import pandas, Plotly, DuckDB")
    from cxdata.ui import charts, figures, state  # noqa: F401
    lap("first run: import cxdata.ui")
    from cxdata import db, queries
    from cxdata.filters import Filters
    con = db.connect(db_path, read_only=True, memory_limit=state.DEFAULT_MEMORY_LIMIT)  # never written to
    cur = con.cursor()
    db.data_version(cur)
    lap("first run: open the database (read-only here)")
    _, hi = queries.date_bounds(cur)
    queries.filter_values(cur)
    db.last_import(cur)
    f = Filters(date_from=hi.date() - timedelta(days=89), date_to=hi.date())
    queries.kpi_summary(cur, f)
    trend = queries.kpi_trend(cur, f, grain="week")
    queries.biggest_movers(cur, f)
    lap("first run: the sidebar's and the Overview's queries")
    for kpi in ("nps", "csat", "ces"):
        figures.sparkline(trend, kpi, kpi).to_json()
    lap("first run: the first three Plotly figures")
    for what, seconds in laps:
        print(f"{seconds * 1000:7.0f} ms  {what}")



def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _median_line(what: str, xs: list[float]) -> str:
    return f"{what}: median {statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f}, {len(xs)} runs)"


def fresh_builds(runs: int) -> None:
    """``ensure_database`` on a new path, as the dashboard's first start does it."""
    from cxdata import demo
    from cxdata.ui import state

    walls, cpus, readies = [], [], []
    for run in range(runs):
        path = Path(tempfile.mkdtemp(prefix="cx-first-")) / "cx.duckdb"
        steps: dict[str, float] = {}
        load, t0, c0 = os.getloadavg()[0], time.perf_counter(), _cpu()

        def progress(fraction: float, text: str, t0=t0, steps=steps) -> None:
            step = getattr(text, "template", text).replace("{done} of {count} ", "")
            steps.setdefault(step, time.perf_counter() - t0)

        demo.ensure_database(path, memory_limit=state.DEFAULT_MEMORY_LIMIT, progress=progress,
                             responses_ready=lambda t0=t0: readies.append(time.perf_counter() - t0))
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
        print(f"run {run + 1}: {walls[-1]:.2f} s (responses ready at {readies[-1]:.2f}), CPU {cpus[-1]:.2f} s, "
              f"load {load:.2f} -> {os.getloadavg()[0]:.2f}; first report of each step at "
              + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()), flush=True)
        path.unlink()
    print(_median_line("ensure_database on a new path", walls))
    print(_median_line("its responses ready", readies))
    print(_median_line("its CPU (all threads)", cpus))


def fresh_views(runs: int) -> None:
    """Server start to the build's words and to the Overview's first chart, on a new path."""
    import re

    from playwright.sync_api import sync_playwright

    from bench.server import CHROMIUM, CHROMIUM_ARGS, _free_port, _start, _stop, _wait_healthy

    times: dict[str, dict[str, list[float]]] = {s: {"words": [], "chart": [], "whole": []}
                                                for s in ("dashboard.py", "app.py")}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for run in range(runs):
            for script, t in times.items():
                path = Path(tempfile.mkdtemp(prefix="cx-first-")) / "cx.duckdb"
                port, load, t0 = _free_port(), os.getloadavg()[0], time.perf_counter()
                proc = _start(port, os.environ | {"CX_DB": str(path)}, script)
                try:
                    _wait_healthy(proc, port, t0, 120)
                    page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                    page.get_by_text("Building the demo data set").wait_for(timeout=120_000)
                    t["words"].append(time.perf_counter() - t0)
                    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=300_000)
                    t["chart"].append(time.perf_counter() - t0)
                    page.get_by_text(re.compile(r"n = [\d,]+ customers")).wait_for(timeout=300_000)  # value tile
                    t["whole"].append(time.perf_counter() - t0)
                finally:
                    _stop(proc)
                    page.goto("about:blank")
                    path.unlink(missing_ok=True)
                print(f"run {run + 1}: {script:12s} words {t['words'][-1]:.2f} s, first chart {t['chart'][-1]:.2f} s, "
                      f"whole Overview {t['whole'][-1]:.2f} s (load {load:.2f} -> {os.getloadavg()[0]:.2f})", flush=True)
        browser.close()
    for script, t in times.items():
        print(_median_line(f"{script}: server start to the build's words", t["words"]))
        print(_median_line(f"{script}: server start to the Overview's first chart", t["chart"]))
        print(_median_line(f"{script}: server start to the whole Overview (value tile)", t["whole"]))


if __name__ == "__main__":
    main()
