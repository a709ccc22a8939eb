"""What the browser tests share: a real ``streamlit run dashboard.py`` on a free port, and Debian's
Chromium driven by Playwright (a test tool cannot download its own browser here)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

APP_ROOT = Path(__file__).resolve().parent.parent.parent
# Committed screenshots change only on request (CX_UPDATE_SCREENSHOTS=1); otherwise each run
# leaves them in tests/artifacts/ (ignored by git) to look at.
SHOTS = (APP_ROOT / "docs" / "screenshots" if os.environ.get("CX_UPDATE_SCREENSHOTS")
         else APP_ROOT / "tests" / "artifacts" / "screenshots")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dashboard(db_path: Path, script: str = "dashboard.py", log_path: Path | None = None,
              start_timeout: float = 60, **env_extra: str):
    """Run ``streamlit run SCRIPT`` (the dashboard, or ``app.py``) on ``db_path``; yields its base
    URL; stops it on exit. Its output goes to ``log_path`` (default: beside the database)."""
    port = free_port()
    env = dict(os.environ, CX_DB=str(db_path), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **env_extra)
    log_path = log_path or db_path.parent / "streamlit.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
             "--server.headless", "true", "--server.fileWatcherType", "none"],
            cwd=APP_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.time() + start_timeout
            while True:
                try:
                    with urllib.request.urlopen(base + "_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log_path.read_text()}")
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def chromium(sync_api):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextlib.contextmanager
def new_page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        ctx.close()
