"""The dashboard in a real browser: `streamlit run` in a subprocess, headless Debian Chromium.

Deep links open every page with their filters; the sidebar's links keep the filters across pages;
changing a filter changes the link; a click on a bar narrows the filters. Screenshots of every
page (default view of the default demo set) land in tests/artifacts/screenshots/, or in
docs/screenshots/ with CX_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import e2e  # tests/ is on sys.path under pytest
from helpers.e2e import CHROMIUM, SHOTS

pytestmark = pytest.mark.e2e

PAGES = {"Overview": "", "Trends": "Trends", "Segments": "Segments", "Funnel": "Funnel", "Journeys": "Journeys",
         "Pyramid": "Pyramid", "Why": "Why"}
DEEP = "from=2026-06-01&to=2026-08-31&channel=web&channel=app&segment=Families"

sync_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)



@pytest.fixture(scope="module")
def e2e_db(tmp_path_factory) -> Path:
    """The default demo set (what a fresh clone shows), so the screenshots are the real thing."""
    from cxdata import demo

    return demo.ensure_database(tmp_path_factory.mktemp("e2e") / "cx.duckdb")


@pytest.fixture(scope="module")
def server(e2e_db):
    with e2e.dashboard(e2e_db) as base:
        yield base


@pytest.fixture
def page(browser):
    with e2e.new_page(browser) as pg:
        yield pg


def wait_ready(pg, charts: bool = True) -> None:
    """The script run is over and Plotly has drawn."""
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    if charts:
        pg.wait_for_selector(".js-plotly-plot .main-svg")
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    pg.wait_for_timeout(500)


def query(pg) -> dict[str, list[str]]:
    return parse_qs(urlsplit(pg.url).query)


def chips(pg, label: str) -> list[str]:
    """Values shown in the sidebar multiselect labelled ``label``."""
    box = pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    return sorted(t.strip() for t in box.locator("[data-tag] span[title]").all_inner_texts())


def assert_rendered(pg) -> None:
    assert pg.locator(".js-plotly-plot").count() >= 1
    assert pg.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("name", list(PAGES))
def test_deep_link_opens_each_page_with_its_filters(server, page, name):
    page.goto(f"{server}{PAGES[name]}?{DEEP}")
    wait_ready(page)
    assert_rendered(page)
    q = query(page)
    assert q["channel"] == ["app", "web"] and q["segment"] == ["Families"] and q["from"] == ["2026-06-01"]
    assert chips(page, "Channel") == ["app", "web"]
    assert "Data last imported" in page.inner_text('[data-testid="stMain"]')


def test_page_switch_through_the_sidebar_keeps_the_filters(server, page):
    page.goto(f"{server}Segments?{DEEP}&dim=region")
    wait_ready(page)
    for name in ("Trends", "Funnel", "Journeys", "Pyramid", "Why", "Overview"):
        page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]').filter(
            has_text=name).click()
        page.wait_for_url(f"**/{PAGES[name]}?*")
        wait_ready(page)
        assert_rendered(page)
        q = query(page)
        assert q["channel"] == ["app", "web"] and q["segment"] == ["Families"], (name, page.url)
        assert q["from"] == ["2026-06-01"] and q["to"] == ["2026-08-31"]
        assert "dim" not in q  # a page's own controls stay on that page
        assert chips(page, "Channel") == ["app", "web"]
        assert chips(page, "Customer segment") == ["Families"]


def test_changing_a_filter_changes_the_link(server, page):
    page.goto(f"{server}?from=2026-06-01&to=2026-08-31")
    wait_ready(page)
    before = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.locator('[data-testid="stSidebar"] input[aria-label="Channel"]').click()
    page.keyboard.type("store")
    page.keyboard.press("Enter")
    page.wait_for_url("**channel=store*")
    page.keyboard.press("Escape")
    wait_ready(page)
    assert query(page)["channel"] == ["store"]
    after = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert after != before
    page.locator('[data-testid="stSidebar"]').get_by_text("Share this view").click()  # its popover
    share = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').inner_text()
    assert "channel=store" in share and share.startswith("http")


def test_clicking_a_bar_narrows_the_filters(server, page):
    page.goto(f"{server}Segments?from=2026-06-01&to=2026-08-31&dim=channel")
    wait_ready(page)
    page.locator(".js-plotly-plot .bars .point path").first.click(force=True)
    page.wait_for_url("**channel=*")
    wait_ready(page)
    q = query(page)
    assert len(q["channel"]) == 1
    assert chips(page, "Channel") == q["channel"]


def test_screenshots_of_every_page(server, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(server + path)
        wait_ready(page)
        assert_rendered(page)
        height = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll("
            "'[data-testid=\"stMain\"], [data-testid=\"stSidebarContent\"]')].map(e => e.scrollHeight))")
        page.set_viewport_size({"width": 1400, "height": min(int(height) + 60, 5000)})
        page.wait_for_timeout(1000)  # Plotly redraws at the new size
        page.screenshot(path=str(SHOTS / f"{name.lower()}.png"), full_page=True)
