"""What a viewer waits for on the Funnel page with two chosen channels, in headless Chromium.

    python -m bench.funnel_browser [--db /tmp/cx-bench-10M.duckdb] [--rounds 2]

Opens the Funnel page for the last year, web and app, Consumer (the benchmark's slow funnel), then
changes the conversion window several times and prints, per change, when the per-channel chart
showed the new figures, when the funnel across the two channels did, and when the run was over
(milliseconds after the click; medians at the end). The page draws the per-channel funnels first
and the funnel across the channels when it is ready (``funnel.split_across``). Every window is
new to the server's cache in the first round; later rounds are cached.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, _free_port, _start, _stop, _wait_healthy
from cxdata import db, queries

PER_CHANNEL, ACROSS = "How far each channel", "Customers at each stage"
WINDOWS = ("7 days", "14 days", "60 days", "90 days", "1 day", "30 days")
# the chart's data, found by its title
_DATA = ("([title]) => { for (const p of document.querySelectorAll('.js-plotly-plot')) {"
         " if (p.innerText.includes(title)) return JSON.stringify((p.data || []).map(t => [t.x, t.y])); }"
         " return null; }")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M.duckdb")
    ap.add_argument("--rounds", type=int, default=1, help="rounds over the windows (the first uncached)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    con = db.connect(args.db, read_only=True)
    _, hi = queries.date_bounds(con, "responses")
    con.close()
    end = hi.date()
    start = end - timedelta(days=364)  # as bench.run's 1-year filter set
    url_tail = f"Funnel?from={start.isoformat()}&to={end.isoformat()}&channel=web&channel=app&segment=Consumer"

    port = _free_port()
    proc = _start(port, os.environ | {"CX_DB": str(Path(args.db))})
    rows: list[tuple[str, float, float, float]] = []
    try:
        _wait_healthy(proc, port, time.perf_counter(), 120)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/{url_tail}")
            page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2",
                                   timeout=180_000)
            _settle(page, time.perf_counter())
            for rnd in range(args.rounds):
                for label in WINDOWS:
                    before = page.evaluate(_DATA, [PER_CHANNEL]), page.evaluate(_DATA, [ACROSS])
                    t0 = time.perf_counter()
                    page.get_by_text(label, exact=True).first.click()
                    seen: dict[str, float] = {}
                    while len(seen) < 2 and time.perf_counter() - t0 < 120:
                        now = page.evaluate(_DATA, [PER_CHANNEL]), page.evaluate(_DATA, [ACROSS])
                        for i, name in enumerate(("per", "across")):
                            if name not in seen and now[i] and now[i] != before[i]:
                                seen[name] = time.perf_counter() - t0
                        time.sleep(0.01)
                    done = _settle(page, t0)
                    row = (f"{label} ({'uncached' if rnd == 0 else 'cached'})",
                           seen.get("per", float("nan")), seen.get("across", float("nan")), done)
                    rows.append(row)
                    print(f"window -> {row[0]:<20} per-channel chart {row[1] * 1000:6.0f} ms, "
                          f"funnel across {row[2] * 1000:6.0f} ms, run over {row[3] * 1000:6.0f} ms", flush=True)
            browser.close()
    finally:
        _stop(proc)
    first = [r for r in rows if "uncached" in r[0] and r[0] != "30 days (uncached)"]
    if first:
        print(f"medians over the new windows: per-channel chart {statistics.median(r[1] for r in first) * 1000:.0f} ms, "
              f"funnel across {statistics.median(r[2] for r in first) * 1000:.0f} ms, "
              f"run over {statistics.median(r[3] for r in first) * 1000:.0f} ms")


def _settle(page, t0: float, timeout: float = 120) -> float:
    """Seconds from ``t0`` until Streamlit's running indicator is gone."""
    time.sleep(0.05)
    while time.perf_counter() - t0 < timeout:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            break
        time.sleep(0.02)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
