"""The cold start of the dashboard against the floor of its stack, in headless Chromium.

    python -m bench.cold_floor [--db /tmp/cx-bench-10M-ordered.duckdb] [--runs 5] [--idle 10]

Three servers, alternated in every run: a Streamlit app that draws one small Plotly chart and
nothing else (the floor), ``streamlit run dashboard.py`` and ``streamlit run app.py`` (the same
pages through ``st.App``, whose lifespan hook warms the process before the first viewer:
``cxdata.ui.startup.warm``). Same settings file, same browser. Two measurements of each:

- **at server start**: start the server, wait for its health check, open the page at once, stop
  when the first Plotly chart is drawn (seconds from the start); one browser page per app, so
  after the first run (which warms the browser's cache and is left out) a returning viewer.
- **running server**: start the server, leave it idle ``--idle`` seconds (a server that was
  started before anyone came), then a browser that never saw it (a new context: no cache) opens
  the page; seconds from opening the page to the first chart. Every run is a new process.

Prints each run, then the medians (min, max) and each one's ratio to the one-chart app measured
in the same run, and the load average at the start and the end (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, _free_port, _start, _stop, _wait_healthy

SMALL_APP = """import plotly.graph_objects as go
import streamlit as st

st.title("One chart")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2])))
"""
CHART = ".js-plotly-plot .main-svg"
FLOOR = "one-chart app"


def _at_start(page, cwd: Path, script: str, env: dict) -> float:
    """Server start to the first chart, the page opened as soon as the server answers."""
    port = _free_port()
    t0 = time.perf_counter()
    proc = _start(port, env, script, cwd)
    try:
        _wait_healthy(proc, port, t0, 120)
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        page.wait_for_selector(CHART, timeout=120_000)
        return time.perf_counter() - t0
    finally:
        _stop(proc)
        page.goto("about:blank")


def _running(browser, cwd: Path, script: str, env: dict, idle: float) -> float:
    """A new browser (no cache) opening the page of a server idle for ``idle`` seconds: opening to
    the first chart."""
    port = _free_port()
    proc = _start(port, env, script, cwd)
    try:
        _wait_healthy(proc, port, time.perf_counter(), 120)
        time.sleep(idle)
        context = browser.new_context()
        try:
            page = context.new_page()
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector(CHART, timeout=120_000)
            return time.perf_counter() - t0
        finally:
            context.close()
    finally:
        _stop(proc)


def _summary(times: dict[str, dict[str, list[float]]]) -> None:
    for mode, label in (("start", "at server start (returning browser), server start to first chart"),
                        ("running", "running server, a new browser: opening to first chart")):
        floor = statistics.median(times[FLOOR][mode])
        print(f"\n{label}:")
        for name, modes in times.items():
            xs = modes[mode]
            med = statistics.median(xs)
            print(f"  {name:16s} median {med:5.2f} s (min {min(xs):.2f}, max {max(xs):.2f}, {len(xs)} runs)"
                  f"  {med / floor:4.2f}x the one-chart app")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M-ordered.duckdb")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=10.0, help="seconds a running server waits for its viewer")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    small = Path(tempfile.mkdtemp(prefix="cx-cold-floor-"))
    (small / "app.py").write_text(SMALL_APP)
    shutil.copytree(ROOT / ".streamlit", small / ".streamlit")
    apps = {FLOOR: (small, "app.py"), "dashboard.py": (ROOT, "dashboard.py"), "app.py (warmed)": (ROOT, "app.py")}
    env = os.environ | {"CX_DB": args.db, "CX_READ_ONLY": "1"}  # never written to (cxdata.ui.state.read_only)
    times = {name: {"start": [], "running": []} for name in apps}
    print(f"database {args.db}; load average {os.getloadavg()[0]:.2f} (2 cores)", flush=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = {name: browser.new_page() for name in apps}  # one page each: caches apart
        for run in range(args.runs + 1):
            for name, (cwd, script) in apps.items():
                start = _at_start(pages[name], cwd, script, env)
                running = _running(browser, cwd, script, env, args.idle) if run else None
                if run:
                    times[name]["start"].append(start)
                    times[name]["running"].append(running)
                print(f"run {run}{' (warms the cache)' if not run else ''}: {name:16s} at start {start:.2f} s"
                      + (f", running server {running:.2f} s" if run else ""), flush=True)
        browser.close()
    shutil.rmtree(small, ignore_errors=True)
    _summary(times)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
