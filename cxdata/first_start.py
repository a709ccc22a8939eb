"""The first start of a dashboard process: the demo data built once, on a background thread.

When the database file does not exist yet (a fresh clone), ``start_demo`` builds the default demo
data set there (``demo.ensure_database``, 5-30 s) on a thread of its own and returns a
``DemoBuild``: its progress (the builder's step and rows), its end and its error, which every
page run meanwhile draws (``cxdata.ui.startup.wait_for_demo``). Several callers share one build.

The build is in two transactions: the responses with their counts first (``responses_ready``),
then the journey events with the journey tables (``finished``). The Overview, which reads only
the responses but for its value tile, is drawn after the first; the other pages wait for both.
The page runs open the file in this process while the build writes its second part (DuckDB:
one database, several connections; each sees what was committed).

No Streamlit here, and only what the build needs (``cxdata.demo``: numpy, pyarrow, DuckDB): the
server's lifespan hook (``app.py``) starts the build with this module before anything else is
imported, so the build begins as soon as the server does.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import db, demo, i18n
from .i18n import _

# DuckDB's memory for the dashboard process (env CX_MEMORY_LIMIT overrides): at 10M responses and
# 50M events the funnel's events path took 2.3 GiB without a cap and 1.1 GiB with 1GB, at the
# same speed (docs/performance.md); bigger work spills to disk.
DEFAULT_MEMORY_LIMIT = "1GB"


def memory_limit() -> str:
    """DuckDB's memory cap for the dashboard process (env CX_MEMORY_LIMIT, else 1GB)."""
    return os.environ.get("CX_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


def read_only() -> bool:
    """CX_READ_ONLY=1: serve the database as it is and never write to it (a file other processes
    read too, a benchmark's): no demo build, no upgrade; importing and settings then fail."""
    return os.environ.get("CX_READ_ONLY", "") not in ("", "0")


@dataclass
class DemoBuild:
    """One background build of the demo data set at ``path``: its progress, its end, its error."""

    path: str
    began: float = field(default_factory=time.monotonic)
    fraction: float = 0.0
    text: str = ""
    responses_ready: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def progress(self, fraction: float, text: str) -> None:
        self.fraction, self.text = min(max(float(fraction), 0.0), 1.0), text

    def run(self, memory_limit: str | None) -> None:
        try:
            demo.ensure_database(self.path, memory_limit=memory_limit, progress=self.progress,
                                 responses_ready=self.responses_ready.set)
        except BaseException as exc:  # shown by the page runs that wait for it
            self.error = exc
        finally:
            self.responses_ready.set()  # a waiting page run then finds the error
            self.finished.set()

    def failed(self) -> bool:
        return self.finished.is_set() and self.error is not None

    def words(self) -> str:
        """The step under way, in the page's language, with the seconds since the build began."""
        text = self.text
        if isinstance(text, demo.ProgressText):
            step = _(text.template).format(**{k: i18n.count(v) for k, v in text.values.items()})
        else:
            step = _("Starting")
        return f"{step} ({i18n.count(time.monotonic() - self.began)} s)"  # no words: one form for both


_BUILDS: dict[str, DemoBuild] = {}
_LOCK = threading.Lock()


def start_demo(path: str, memory_limit: str | None) -> DemoBuild | None:
    """The build of the demo data at ``path``, started on a background thread if there is no file
    there yet and no build of it under way or done in this process; None when the file was there
    (``ensure_database`` then opens or upgrades it where the connection is made). A failed build
    is started again on the next call."""
    with _LOCK:
        build = _BUILDS.get(path)
        if build is not None and not build.failed():
            return build
        if Path(path).exists():
            return None
        build = _BUILDS[path] = DemoBuild(path)
    threading.Thread(target=build.run, args=(memory_limit,), name="cx-demo-build", daemon=True).start()
    return build


def building(path: str) -> DemoBuild | None:
    """The build of ``path`` under way in this process (its responses may be there already), if any."""
    build = _BUILDS.get(path)
    return build if build is not None and not build.finished.is_set() else None


def start_default() -> DemoBuild | None:
    """``start_demo`` on the dashboard's database (``CX_DB`` or the default path) under its memory
    cap; None when the file is there or the process serves it read-only (``CX_READ_ONLY``)."""
    if read_only():
        return None
    return start_demo(str(db.default_db_path()), memory_limit())
