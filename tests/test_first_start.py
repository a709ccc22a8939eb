"""The first start, in a real server and Chromium: on a database path with no file yet, the first
view says it builds the demo data, with a progress bar whose step and share move on, in the viewer's
language; then the Overview comes by itself once the responses are stored, its value tile saying
it comes with the journey events and filling in by itself when they are; a page that reads the
journeys (the Funnel) waits for them. The demo data is the same as ever (the docs' figures).
``streamlit run app.py`` (st.App with a lifespan hook) starts that build before any viewer comes and
serves the same pages."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest
from helpers import e2e

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BUILD_EN = "Building the demo data set: 200,000 responses and 1,000,000 journey events"
BUILD_IT = "Creazione dei dati demo: 200.000 risposte e 1.000.000 eventi dei percorsi"
STEP_EN = re.compile(r"^(Starting|Survey responses: [\d,]+ of 200,000 (generated|stored in time order)|"
                     r"Daily counts for the charts|Journey events: [\d,]+ of 1,000,000 generated|"
                     r"Journeys for the funnel|Writing the demo data to disk) \(\d+ s\)$")
STEP_IT = re.compile(r"^(Avvio|Risposte al sondaggio: [\d.]+ di 200\.000 (generate|salvate in ordine di tempo)|"
                     r"Conteggi giornalieri per i grafici|Eventi dei percorsi: [\d.]+ di 1\.000\.000 generati|"
                     r"Percorsi per il funnel|Scrittura dei dati demo su disco) \(\d+ s\)$")
TILE_PENDING = "Comes when the journey events are stored"
TILE_FILLED = re.compile(r"n = [\d,]+ customers")
CHART = ".js-plotly-plot .main-svg"
BAR = '[data-testid="stProgress"]'


@contextlib.contextmanager
def served(script: str, db_path: Path):
    """``streamlit run SCRIPT`` on ``db_path`` (``e2e.dashboard``); yields (base URL, log path)."""
    log_path = db_path.parent.parent / f"{script}.log"  # the database's folder is made by the build
    with e2e.dashboard(db_path, script=script, log_path=log_path, start_timeout=90) as base:
        yield base, log_path


def _progress(page) -> tuple[str, int]:
    """The progress bar's text and value (0-100)."""
    return (page.locator(BAR).inner_text(timeout=5_000).strip(),
            int(page.locator("[role=progressbar]").get_attribute("aria-valuenow", timeout=5_000)))


def _watch_progress(page, seconds: float, read_at: list[float] | None = None) -> list[tuple[str, int]]:
    """The bar's (text, value) every 0.3 s for ``seconds`` or until it goes (the first read
    must find it); the time of each read goes to ``read_at``."""
    seen = [_progress(page)]
    stamps = read_at if read_at is not None else []
    stamps.append(time.time())
    end = time.time() + seconds
    while time.time() < end and page.query_selector(BAR) is not None:
        with contextlib.suppress(Exception):  # it may go between two reads: the build is done
            seen.append(_progress(page))
            stamps.append(time.time())
        time.sleep(0.3)
    return seen


def _demo_figures(db_path: Path) -> tuple[int, int, float]:
    from cxdata import db, queries
    from cxdata.filters import Filters

    con = db.connect(db_path, read_only=True)
    try:
        n = con.execute("select count(*) from responses").fetchone()[0]
        events = con.execute("select count(*) from interactions").fetchone()[0]
        return n, events, round(queries.kpi_set(con, Filters()).nps.value, 1)
    finally:
        con.close()


def test_first_start_shows_the_build_with_progress_then_the_overview(browser, tmp_path):
    """``app.py``, as the README starts it (its build starts with the server). A page that reads the
    journeys (the Funnel) waits for the whole build, so it shows the build's words and progress, in
    its viewer's language. The Overview comes while the Funnel still waits, without a reload, and
    its value tile fills in by itself. (The tile's waiting state without a race:
    ``test_the_overview_draws_the_responses_while_the_journeys_are_stored``; a first start where a
    page starts the build, ``dashboard.py``: ``test_dashboard_py_first_start_builds_from_the_page``.)"""
    db_path = tmp_path / "fresh" / "cx.duckdb"
    assert not db_path.exists()
    with served("app.py", db_path) as (base, _log), e2e.new_page(browser) as en, \
            e2e.new_page(browser) as it, e2e.new_page(browser) as overview:
        chart_code: list[float] = []  # when the browser asked for Streamlit's Plotly code
        en.on("request", lambda r: chart_code.append(time.time()) if "/PlotlyChart." in r.url else None)
        en.goto(base + "Funnel")
        it.goto(base + "Funnel?lang=it")  # a second viewer at the same time, in Italian: the same build
        overview.goto(base)
        en.get_by_text(BUILD_EN).wait_for(timeout=60_000)  # the words come first, the data later
        it.get_by_text(BUILD_IT).wait_for(timeout=60_000)
        # one element of each kind the pages draw, there to load its code, and hidden
        assert en.locator(".st-key-cx-page-code").count() == 1
        assert en.locator('[data-testid="stMetric"]').count() == 1
        assert not en.locator('[data-testid="stMetric"]').is_visible()
        bar_read_at: list[float] = []
        italian, english = _watch_progress(it, 0), _watch_progress(en, 2, bar_read_at)
        # the chart code was loaded while the progress was shown, not after the build
        assert chart_code and chart_code[0] < bar_read_at[-1], (chart_code, bar_read_at)
        assert all(STEP_IT.match(text) for text, _v in italian), italian
        assert all(STEP_EN.match(text) for text, _v in english), english
        values = [v for _t, v in english]
        assert values == sorted(values) and 0 <= values[0] < 100
        # the Overview once the responses are stored: the Funnel still waits for the journeys then
        overview.wait_for_selector(CHART, timeout=240_000)
        assert en.query_selector(BAR) is not None, "the Overview waited for the journeys"
        overview.locator("h1", has_text="Customer experience at a glance").wait_for()
        for page in (en, it):  # the Funnel, without a reload
            page.wait_for_selector(CHART, timeout=240_000)
            assert page.query_selector(BAR) is None
        en.locator("h1", has_text="Where customers drop off along the journey").wait_for()
        it.locator("h1", has_text="Dove i clienti abbandonano lungo il percorso").wait_for()
        overview.get_by_text(TILE_FILLED).wait_for(timeout=240_000)  # the value tile, by itself
        assert not overview.get_by_text(TILE_PENDING).is_visible()
    # the default demo set, as docs/demo_stories.md describes it (overall NPS +28.8)
    assert _demo_figures(db_path) == (200_000, 1_000_000, 28.8)


def test_app_launcher_builds_before_any_viewer_and_serves_every_page(browser, tmp_path):
    db_path = tmp_path / "fresh" / "cx.duckdb"
    with served("app.py", db_path) as (base, log_path), e2e.new_page(browser) as page:
        deadline = time.time() + 60
        while not db_path.exists():  # no viewer yet: the lifespan hook started the build
            assert time.time() < deadline, log_path.read_text()
            time.sleep(0.2)
        page.goto(base)
        page.wait_for_selector(CHART, timeout=240_000)
        page.locator("h1", has_text="Customer experience at a glance").wait_for()
        page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]').filter(
            has_text="Trends").click()  # pages/ served through st.App, the link's filters kept
        page.wait_for_url("**/Trends?*")
        page.locator("h1", has_text="How the KPIs move over time").wait_for()
        page.wait_for_selector(CHART)
        assert "warmed up" in log_path.read_text()


def test_read_only_serves_the_overview_without_writing(ui_demo_db, tmp_path, monkeypatch):
    """CX_READ_ONLY=1 (the benchmarks' shared files): the Overview as usual, the file untouched."""
    import hashlib
    import shutil

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "shared.duckdb"  # a path of its own: no connection of another test is reused
    shutil.copy(ui_demo_db, path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.setenv("CX_READ_ONLY", "1")
    st.cache_data.clear()
    at = AppTest.from_file(str(e2e.APP_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Customer experience at a glance"
    assert [m.label for m in at.metric] == ["NPS", "CSAT", "CES"]
    with pytest.raises(Exception, match="read-only"):  # the process's connection cannot write
        from cxdata.ui import state
        state.connection(str(path)).cursor().execute("create table t (x int)")
    st.cache_data.clear()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not path.with_name("shared.duckdb.wal").exists()


def test_the_overview_draws_the_responses_while_the_journeys_are_stored(tmp_path, monkeypatch):
    """Without a race: the file as the build's first part leaves it (responses and counts), and a
    build of it under way in this process. The Overview draws its cards from the responses and its
    value tile waits; once the second part is stored, the next run fills the tile."""
    from datetime import timedelta

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from cxdata import db, demo, first_start

    path = tmp_path / "cx.duckdb"
    con = db.connect(path)

    def stop() -> None:  # leave the file between the two parts
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate_demo(con, 3_000, 15_000, seed=11, responses_ready=stop)
    hi = con.execute("select max(responded_at)::date from responses").fetchone()[0]
    scores = [s for (s,) in con.execute(  # the Overview's default period: the last 90 days of data
        "select nps from responses where nps is not null and responded_at::date between $lo and $hi",
        {"lo": hi - timedelta(days=89), "hi": hi}).fetchall()]
    con.close()
    nps = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)

    build = first_start.DemoBuild(str(path))
    build.responses_ready.set()
    monkeypatch.setitem(first_start._BUILDS, str(path), build)  # its second part under way here
    monkeypatch.setenv("CX_DB", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(e2e.APP_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert [m.label for m in at.metric] == ["NPS", "CSAT", "CES"]
    assert at.metric[0].value == f"{nps:+.0f}"
    captions = " ".join(c.value for c in at.caption)
    assert "Comes when the journey events are stored" in captions
    assert not re.search(r"n = [\d,]+ customers", captions)

    real = demo.generate_demo  # the second part, stored (here by the next start's rebuild)
    monkeypatch.setattr(demo, "generate_demo", lambda con, **kw: real(con, 3_000, 15_000, seed=11, **kw))
    demo.ensure_database(path)
    build.finished.set()
    at.run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Comes when the journey events are stored" not in captions
    assert re.search(r"n = [\d,]+ customers", captions)
    assert at.metric[0].value == f"{nps:+.0f}"  # the same responses, the same figure
    st.cache_data.clear()


def test_dashboard_py_first_start_builds_from_the_page(tmp_path, monkeypatch):
    """``streamlit run dashboard.py`` has no lifespan hook: the first page run starts the build,
    goes on to the Overview once the responses are stored, and a run after the build fills the
    value tile; the file holds the default demo set."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from cxdata import first_start

    path = tmp_path / "fresh" / "cx.duckdb"
    monkeypatch.setenv("CX_DB", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(e2e.APP_ROOT / "dashboard.py"), default_timeout=180)
    at.run()
    assert not at.exception
    build = first_start._BUILDS[str(path)]  # started by the page run
    assert build.responses_ready.is_set() and [m.label for m in at.metric] == ["NPS", "CSAT", "CES"]
    assert build.finished.wait(180) and build.error is None
    at.run()
    assert not at.exception
    assert re.search(r"n = [\d,]+ customers", " ".join(c.value for c in at.caption))
    st.cache_data.clear()
    from cxdata.ui import state  # the process's connection (a second one with other settings is refused)
    cur = state.connection(str(path)).cursor()
    assert cur.execute("select (select count(*) from responses), (select count(*) from interactions)"
                       ).fetchone() == (200_000, 1_000_000)


def test_the_tile_line_keeps_the_page_language_in_its_own_runs():
    """The waiting tile's line is redrawn by a fragment on a timer; such a run does not run the
    page's start, which sets the language (seen in Chromium: an Italian page's line in English).
    The fragment carries the page's language: drawn here with another language current."""
    from streamlit.testing.v1 import AppTest

    def script():
        from cxdata import i18n
        from cxdata.first_start import DemoBuild
        from cxdata.ui import startup

        build = DemoBuild("unused.duckdb")
        i18n.set_lang("en")  # what a fragment's own run may find: not the page's language
        startup._while_building(build, lambda step: i18n._("Comes when the journey events are stored: {step}")
                                .format(step=step), "it")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception
    assert re.fullmatch(r"Arriva quando gli eventi dei percorsi sono salvati: Avvio \(\d+ s\)", at.caption[0].value)
