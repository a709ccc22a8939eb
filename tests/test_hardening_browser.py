"""Issue 18 in a real browser: hostile labels and extreme dates against ``streamlit run`` in
headless Chromium. What counts is what the browser does: no live link to a foreign host in the
page (HTML ``a[href]`` or an SVG link in a chart), no request to a foreign host, no error box.
The database is the hostile one of ``test_hardening_labels.py``."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit

import pytest
from helpers import e2e  # tests/ is on sys.path under pytest
from helpers.e2e import CHROMIUM
from test_hardening_labels import (
    CHANNELS,
    LINK,
    MD_IMAGE,
    MD_LINK,
    SEGMENTS,
    STYLED,
    TEMPLATE,
    build_hostile_db,
)

pytestmark = pytest.mark.e2e

sync_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = build_hostile_db(tmp_path_factory.mktemp("h18browser") / "hostile.duckdb")
    with e2e.dashboard(path) as base:
        yield base


@pytest.fixture
def page(browser, server):
    with e2e.new_page(browser) as pg:
        host = urlsplit(server).netloc
        pg.foreign = []  # requests to any other host: recorded and refused
        pg.route(lambda url: urlsplit(url).netloc not in (host, ""),
                 lambda route: (pg.foreign.append(route.request.url), route.abort()))
        yield pg


def wait_ready(pg, charts: bool = True) -> None:
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    if charts:
        pg.wait_for_selector(".js-plotly-plot .main-svg")
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    pg.wait_for_timeout(1500)  # Plotly draws after the run ends


LINKS_JS = """() => [...document.querySelectorAll('a')].map(a =>
    a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '')"""


def foreign_links(pg, server: str) -> list[str]:
    host = urlsplit(server).netloc
    hrefs = pg.evaluate(LINKS_JS)
    return [h for h in hrefs if urlsplit(h).netloc not in ("", host)]


def q(params: dict) -> str:
    return "&".join(f"{k}={quote(v, safe='')}" for k, vals in params.items()
                    for v in ([vals] if isinstance(vals, str) else vals))


def assert_safe(pg, server: str) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0
    assert not foreign_links(pg, server), foreign_links(pg, server)
    assert not pg.foreign, pg.foreign
    # nothing styled from a label: no element of the page has the label's 60px font
    assert not pg.evaluate("() => [...document.querySelectorAll('*')].some("
                           "e => getComputedStyle(e).fontSize === '60px')")


ATTR = "attr:" + LINK
CASES = {
    "overview": ("", {"channel": list(CHANNELS), "segment": list(SEGMENTS)}),
    "trends": ("Trends", {"split": ATTR}),
    "segments": ("Segments", {"dim": ATTR, "rows": "attr:" + STYLED, "cols": "channel"}),
    "segments-md": ("Segments", {"dim": "attr:" + MD_LINK}),
    "segments-image": ("Segments", {"dim": "attr:" + MD_IMAGE}),
    "funnel": ("Funnel", {"channel": list(CHANNELS)}),
    "pyramid": ("Pyramid", {"by": ATTR}),
    "imports": ("Imports", {}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_labels_make_no_link_no_request_no_style(server, page, name):
    path, params = CASES[name]
    page.goto(f"{server}{path}?{q(params)}")
    wait_ready(page, charts=name != "imports")
    assert_safe(page, server)


def test_the_labels_read_as_typed(server, page):
    page.goto(f"{server}Segments?{q({'dim': 'attr:' + MD_LINK})}")
    wait_ready(page)
    main = page.inner_text('[data-testid="stMain"]').replace("\u2060", "")
    assert f"Every KPI by {MD_LINK.lower()} (imported)" in main
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    assert any(f"by {MD_LINK.lower()} (imported)" in t for t in titles), titles
    page.goto(f"{server}Funnel?{q({'channel': list(CHANNELS)})}")
    wait_ready(page)
    titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
    assert any(LINK in t for t in titles), titles  # the markup shown as text, not drawn as a link
    # a region named like a hover template is a legend entry, read as typed
    page.goto(f"{server}Trends?{q({'split': 'region', 'channel': list(CHANNELS)})}")
    wait_ready(page)
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert TEMPLATE in legend, legend


@pytest.mark.parametrize("path, params", [("", "to=9999-12-31"), ("Trends", "to=0001-01-01"),
                                          ("Funnel", "from=9999-12-31"),
                                          ("", "from=0001-01-01&to=2026-01-01")])
def test_extreme_dates_give_a_notice_and_a_page(server, page, path, params):
    page.goto(f"{server}{path}?{params}")
    wait_ready(page, charts=False)
    page.locator('[data-testid="stSidebar"]').get_by_text("Reset filters").wait_for(timeout=30_000)
    page.locator('[data-testid="stMain"]').get_by_text("was used").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "9999" not in page.url and "0001-" not in page.url


def test_a_link_streamlit_drops_whole_gets_a_notice(server, page):
    """Streamlit ignores a query string of more than 1,000 parameters before the page runs. (The
    notice needs the dashboard's code loaded in the server: the very first page of a fresh
    process cannot have it, hence the first visit.)"""
    page.goto(server)
    wait_ready(page, charts=False)
    many = "&".join(f"x{i}=1" for i in range(1_001))
    page.goto(f"{server}Trends?channel=web&{many}")
    wait_ready(page)
    page.locator('[data-testid="stMain"]').get_by_text("it was ignored whole").wait_for(timeout=30_000)
    assert "1,002 parameters" in page.inner_text('[data-testid="stMain"]')
    # a rerun of the same session (a widget) does not repeat it
    page.locator('[data-testid="stMain"] [data-testid="stRadio"]').first.get_by_text("CSAT").click()
    page.wait_for_url("**kpi=csat*")
    wait_ready(page)
    assert "ignored whole" not in page.inner_text('[data-testid="stMain"]')
