"""The first start and the cold start of the dashboard's process.

First start (no database file yet): the demo data set (``cxdata.demo.ensure_database``, 6-30 s) is
built on a background thread of the server process, once; every page run meanwhile draws what is
being done, with a progress bar fed by the builder's progress callback (the step and the rows
done), and goes on to its page when the data is there.

Cold start: ``streamlit run app.py`` serves the same pages through Streamlit's ``st.App`` with a
lifespan hook that calls ``warm`` on a thread right after the server starts, before any viewer:
it starts the first build, imports what the Overview imports (pandas, Plotly, DuckDB, these
modules), opens the process's connection and runs the Overview's first queries and figures once.
A viewer who comes then finds them done; one who comes at once shares the work under way.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from cxdata import demo, i18n
from cxdata.i18n import _

POLL_SECONDS = 0.25  # how often a waiting page run redraws the progress


@dataclass
class DemoBuild:
    """One background build of the demo data set at ``path``: its progress, its end, its error."""

    path: str
    began: float = field(default_factory=time.monotonic)
    fraction: float = 0.0
    text: str = ""
    finished: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None

    def progress(self, fraction: float, text: str) -> None:
        self.fraction, self.text = min(max(float(fraction), 0.0), 1.0), text

    def run(self, memory_limit: str | None) -> None:
        try:
            demo.ensure_database(self.path, memory_limit=memory_limit, progress=self.progress)
        except BaseException as exc:  # shown by the page runs that wait for it
            self.error = exc
        finally:
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


def wait_for_demo(path: str, memory_limit: str | None, heading: str) -> None:
    """On a first start, draw ``heading`` and the build's progress until the demo data is there;
    re-raises the build's error. Returns at once when the database file was there already."""
    build = start_demo(path, memory_limit)
    if build is None:
        return
    if not build.finished.is_set():
        box = st.empty()
        with box.container():
            st.info(heading, icon=":material/database:")
            bar = st.progress(build.fraction, text=build.words())
        while not build.finished.wait(POLL_SECONDS):
            bar.progress(build.fraction, text=build.words())
        box.empty()
    if build.error is not None:
        raise build.error


# ---- cold start: warm the process before its first viewer ---------------------------------------
def warm() -> dict[str, float]:
    """What a first Overview run does that does not depend on its viewer: the demo data on a first
    start, the imports, the connection, the Overview's queries on its default link and its first
    figures. Returns the seconds of each step (``warm_up`` logs them: "warmed up: {...}")."""
    laps: dict[str, float] = {}
    t = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal t
        now = time.perf_counter()
        laps[what] = round(now - t, 3)
        t = now

    from cxdata import db
    from cxdata.ui import state

    path = str(db.default_db_path())
    build = None if state.read_only() else start_demo(path, state.memory_limit())
    if build is not None:
        build.finished.wait()
    lap("demo data")
    from cxdata.ui import alerts_view, charts, controls, figures, journeys_view, segments  # noqa: F401
    lap("imports")
    cur = state.connection(path).cursor()
    version = db.data_version(cur)
    lap("connection")
    _overview_queries(cur, path, version, controls, figures, state)
    lap("queries and figures")
    return laps


def _overview_queries(cur, key: str, version: int, controls, figures, state) -> None:
    """The Overview's cached queries on its default link (the last 90 days of data, the sidebar's
    default), so the first viewer's run finds them in ``st.cache_data``, and its sparklines once
    (Plotly's validators load on a first figure)."""
    from cxdata.filters import Filters
    from cxdata.ui import sidebar

    bounds = state.date_bounds(cur, key, version)
    state.filter_options(cur, key, version)
    state.attribute_options(cur, key, version)
    state.last_import(cur, key, version)
    state.served_from(cur, key, version)
    filters = Filters(*sidebar.default_dates(bounds))
    state.kpi_summary(cur, key, version, filters)
    state.ces_direction(cur, key, version)
    grain = controls.auto_grain(filters)
    trend = state.kpi_trend(cur, key, version, filters, grain)
    state.biggest_movers(cur, key, version, filters, "nps")
    for kpi in controls.KPIS:
        figures.sparkline(trend, kpi, kpi).to_json()


def warm_up() -> None:
    """``warm``, for the lifespan hook's thread (``app.py``): its steps go to the server log at
    info level, an error to the log too (the pages then do the work themselves)."""
    from streamlit.logger import get_logger

    log = get_logger(__name__)
    try:
        log.info("warmed up: %s", warm())
    except Exception:  # noqa: BLE001 - a warm-up never stops the server
        log.exception("warming the dashboard's process failed")
