"""The first start and the cold start of the dashboard's process.

First start (no database file yet): the demo data set (``cxdata.demo.ensure_database``, 5-30 s) is
built on a background thread of the server process, once, in two parts (``cxdata.first_start``):
the responses with their counts, then the journey events with the journey tables. Every page run
meanwhile draws what is being done, with a progress bar fed by the builder's progress callback
(the step and the rows done), and goes on to its page when the data it reads is there: the
Overview after the responses (its value tile, which reads the journeys, says so until they are
there: ``follow_build``), every other page after the whole build.

Cold start: ``streamlit run app.py`` serves the same pages through Streamlit's ``st.App`` with a
lifespan hook that starts the first build and then calls ``warm`` on a thread right after the
server starts, before any viewer: it imports what the Overview imports (pandas, Plotly, DuckDB,
these modules, statsmodels), opens the process's connection and runs the Overview's first queries
and figures once (after each part of a first build).
A viewer who comes then finds them done; one who comes at once shares the work under way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import streamlit as st

from cxdata import i18n
from cxdata.first_start import DemoBuild, building, start_default, start_demo

POLL_SECONDS = 0.25  # how often a waiting page run redraws the progress


def wait_for_demo(path: str, memory_limit: str | None, heading: str, journeys: bool = True) -> None:
    """On a first start, draw ``heading`` and the build's progress until the demo data is there
    (``journeys=False``: its responses, the first of its two parts); re-raises the build's error.
    Returns at once when the database file was there already."""
    build = start_demo(path, memory_limit)
    if build is None:
        return
    ready = build.finished if journeys else build.responses_ready
    if not ready.is_set():
        box = st.empty()
        with box.container():
            st.info(heading, icon=":material/database:")
            bar = st.progress(build.fraction, text=build.words())
            _load_page_code()
        while not ready.wait(POLL_SECONDS):
            bar.progress(build.fraction, text=build.words())
        box.empty()
    if build.error is not None:
        raise build.error


def follow_build(build: DemoBuild, say: Callable[[str], str]) -> None:
    """While the first start stores the journey events (``first_start.building``): a caption
    ``say(step)`` that follows the build's step, and the page runs again by itself when the build
    is done (a fragment that looks every ``POLL_SECONDS``)."""
    _while_building(build, say, i18n.get_lang())


@st.fragment(run_every=POLL_SECONDS)
def _while_building(build: DemoBuild, say: Callable[[str], str], lang: str) -> None:
    if build.finished.is_set():
        st.rerun()
    with i18n.using(lang):  # a fragment's own run does not run the page's start, which sets it
        st.caption(say(build.words()))


def _load_page_code() -> None:
    """One of each element the Overview draws, hidden and disabled, under the progress: the
    browser fetches and compiles Streamlit's code for each kind (loaded on its first use, one
    after another: Plotly's alone is 4.7 MB) while the data is built, not after it. They go with
    the progress; the code stays loaded for the session."""
    import plotly.graph_objects as go

    st.html("<style>.st-key-cx-page-code {display: none}</style>")  # the container's class: its key
    with st.container(key=PRELOAD_KEY):
        key, off = f"{PRELOAD_KEY}-", {"disabled": True, "label_visibility": "collapsed"}
        st.date_input("-", key=key + "date", **off)
        st.multiselect("-", ["-"], key=key + "many", **off)
        st.selectbox("-", ["-"], key=key + "one", **off)
        st.radio("-", ["-"], key=key + "radio", **off)
        st.button("-", key=key + "button", disabled=True)
        st.download_button("-", b"", key=key + "download", disabled=True)
        st.page_link("dashboard.py", label="-", disabled=True)
        st.metric("-", 0)
        st.plotly_chart(go.Figure(), key=key + "chart", config={"staticPlot": True})


PRELOAD_KEY = "cx-page-code"


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
    build = start_default()  # app.py started it: the same build
    lap("start")
    # While a first build runs on its thread, this one imports what the pages need: the UI
    # modules, and statsmodels (scipy) that the Overview's movers load on first use.
    from cxdata import fdr
    from cxdata.ui import alerts_view, charts, controls, figures, journeys_view, segments  # noqa: F401
    fdr.bh([0.5])
    lap("imports")
    if build is not None:
        build.responses_ready.wait()  # the Overview's figures: the responses' (the build goes on)
    lap("demo data")
    cur = state.connection(path).cursor()
    version = db.data_version(cur)
    lap("connection")
    _overview_queries(cur, path, version, controls, figures, state)
    lap("queries and figures")
    if build is not None:  # the Overview runs again when the journey events are there: its value tile
        build.finished.wait()
        lap("journey events")
        if build.error is None:
            _overview_queries(cur, path, db.data_version(cur), controls, figures, state)
            lap("queries and figures with the journeys")
    return laps


def _overview_queries(cur, key: str, version: int, controls, figures, state) -> None:
    """The Overview's cached queries on its default link (the last 90 days of data, the sidebar's
    default), so the first viewer's run finds them in ``st.cache_data``, and its sparklines once
    (Plotly's validators load on a first figure); its alerts, and its value tile once the journey
    events are there (unless the tile waits for a click: a large database)."""
    from cxdata import value as value_lib
    from cxdata.filters import Filters
    from cxdata.ui import alerts_view, journeys_view, sidebar

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
    alerts_view.evaluate(cur, key, version, date.today())
    if building(key) is None and journeys_view.response_count(cur, key, version) <= journeys_view.TILE_ASKS_ABOVE:
        journeys_view._value(cur, key, version, filters, value_lib.DEFAULT_DAYS)  # the cached query (no spinner here)


def warm_up() -> None:
    """``warm``, for the lifespan hook's thread (``app.py``): its steps go to the server log at
    info level, an error to the log too (the pages then do the work themselves)."""
    from streamlit.logger import get_logger

    log = get_logger(__name__)
    try:
        log.info("warmed up: %s", warm())
    except Exception:  # noqa: BLE001 - a warm-up never stops the server
        log.exception("warming the dashboard's process failed")
