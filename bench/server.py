"""The dashboard as a server, for ``bench.run``: cold start in Chromium and without a browser,
server time per page (first visit, cached), and the process's peak memory."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cxdata.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = ("Overview", "Trends", "Segments", "Funnel", "Pyramid")

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
    """Seconds from starting ``streamlit run dashboard.py`` to the first Plotly chart in Chromium,
    twice: a browser that never saw the dashboard (it downloads and compiles Streamlit's and
    Plotly's 10 MB of JavaScript), then, after stopping and restarting the server on the same
    port, the same browser (the static files are cached as ``immutable``: a viewer who came
    before). Between the two: the warm reload, server times and the memory over every page."""
    if not (ROOT / "dashboard.py").exists():
        return {"available": False, "reason": "dashboard.py does not exist yet"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        return {"available": False, "reason": f"playwright not available: {exc!r}"}
    port = _free_port()
    env = os.environ | {"CX_DB": str(db_path)}
    out: dict = {"available": True, "port": port}

    def first_chart(page) -> tuple[subprocess.Popen, float, float]:
        t0 = time.perf_counter()
        proc = _start(port, env)
        try:
            _wait_healthy(proc, port, t0, timeout)
            health = time.perf_counter() - t0
            page.goto(f"http://127.0.0.1:{port}/", timeout=timeout * 1000)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=timeout * 1000)
        except BaseException:
            _stop(proc)
            raise
        return proc, health, time.perf_counter() - t0

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # before the clock
        page = browser.new_page()
        proc = None
        try:
            proc, out["health_s"], out["first_chart_s"] = first_chart(page)
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
            _stop(proc)
            page.goto("about:blank")
            proc, out["health_again_s"], out["first_chart_returning_s"] = first_chart(page)
        except Exception as exc:
            out = {"available": False, "reason": f"cold start failed: {exc!r}"[:800]}
        finally:
            if proc is not None:
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


def _start(port: int, env: dict, script: str = "dashboard.py", cwd: Path = ROOT) -> subprocess.Popen:
    """``streamlit run SCRIPT`` (the dashboard by default) on ``port``, headless, its output kept for
    an error message."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


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
