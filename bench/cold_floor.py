"""The cold start of the dashboard against the floor of its stack, in headless Chromium.

    python -m bench.cold_floor [--db /tmp/cx-bench-10M.duckdb] [--runs 5]

The same measurement as ``bench.run``'s cold start (start the server, wait for its health check,
open the page, stop when the first Plotly chart is drawn), alternating between the dashboard and
a Streamlit app that draws one small Plotly chart and nothing else (same settings file, same
browser). The first run of each warms the browser's cache; the medians are over the others (a
returning viewer). The difference is what the dashboard itself costs.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M.duckdb")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    small = Path(tempfile.mkdtemp(prefix="cx-cold-floor-"))
    (small / "app.py").write_text(SMALL_APP)
    shutil.copytree(ROOT / ".streamlit", small / ".streamlit")
    apps = {"dashboard": (ROOT, "dashboard.py"), "one-chart app": (small, "app.py")}
    env = os.environ | {"CX_DB": args.db}
    times: dict[str, list[float]] = {name: [] for name in apps}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = {name: browser.new_page() for name in apps}  # one port and page each: caches apart
        ports = {name: _free_port() for name in apps}
        for run in range(args.runs + 1):
            for name, (cwd, script) in apps.items():
                t0 = time.perf_counter()
                proc = _start(ports[name], env, script, cwd)
                try:
                    _wait_healthy(proc, ports[name], t0, 120)
                    health = time.perf_counter() - t0
                    pages[name].goto(f"http://127.0.0.1:{ports[name]}/", timeout=120_000)
                    pages[name].wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
                    total = time.perf_counter() - t0
                finally:
                    _stop(proc)
                pages[name].goto("about:blank")
                if run:
                    times[name].append(total)
                print(f"run {run}{' (warms the cache)' if not run else ''}: {name:14s} health {health:.2f} s, "
                      f"first chart {total:.2f} s", flush=True)
        browser.close()
    shutil.rmtree(small, ignore_errors=True)
    for name, xs in times.items():
        print(f"{name:14s} returning viewer: median {statistics.median(xs):.2f} s "
              f"(min {min(xs):.2f}, max {max(xs):.2f}, {len(xs)} runs)")


if __name__ == "__main__":
    main()
