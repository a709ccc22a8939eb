"""Uploading real exports through the page, in a real browser: `streamlit run` in a subprocess
with an import password, headless Debian Chromium.

Five tool-shaped exports (Qualtrics, SurveyMonkey, Google Forms, Typeform, Delighted) go through
the Upload page one after the other; each summary must equal what the library does with the same
file on a shadow copy of the database, and the Overview (same server, no restart) must then show
the NPS n the library computes on that copy. Screenshots land in tests/artifacts/screenshots/,
or docs/screenshots/ with CX_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from helpers import e2e  # tests/ is on sys.path under pytest
from helpers.e2e import CHROMIUM, SHOTS

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parent / "data"
PASSWORD = "e2e-import-password"
TOOLS = ["tool_qualtrics.csv", "tool_surveymonkey.csv", "tool_google_forms.csv", "tool_typeform.csv",
         "tool_delighted.csv"]

sync_api = pytest.importorskip("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)



@pytest.fixture(scope="module")
def dbs(tmp_path_factory) -> tuple[Path, Path]:
    """(served, shadow): two identical small demo databases. The server holds the first; the test
    repeats every import on the second with the library, to know what the page must show."""
    from cxdata import db, demo

    root = tmp_path_factory.mktemp("e2e_upload")
    served, shadow = root / "served.duckdb", root / "shadow.duckdb"
    con = db.connect(served)
    demo.generate_demo(con, responses=5_000, interactions=20_000, seed=5)
    con.execute("checkpoint")
    con.close()
    shutil.copy(served, shadow)
    return served, shadow


@pytest.fixture(scope="module")
def shadow(dbs):
    from cxdata import db

    con = db.connect(dbs[1])
    yield con
    con.close()


@pytest.fixture(scope="module")
def server(dbs):
    with e2e.dashboard(dbs[0], CX_IMPORT_PASSWORD=PASSWORD) as base:
        yield base


@pytest.fixture
def page(browser):
    with e2e.new_page(browser) as pg:
        yield pg


def settle(pg) -> None:
    pg.wait_for_selector('[data-testid="stApp"]')
    pg.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    pg.wait_for_timeout(400)


def main_text(pg) -> str:
    return pg.inner_text('[data-testid="stMain"]')


def unlock(pg, server: str, password: str = PASSWORD) -> None:
    pg.goto(server + "Upload")
    settle(pg)
    pg.get_by_label("Import password").fill(password)
    pg.get_by_role("button", name="Unlock").click()
    settle(pg)


def import_button(pg):
    return pg.locator('[data-testid="stButton"] button').filter(has_text=re.compile(r"Import [\d,]+ rows"))


def metrics(pg) -> dict[str, int]:
    out = {}
    for m in pg.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = int(m.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))
    return out


def screenshot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = pg.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=\"stMain\"] > div, [data-testid=\"stSidebarContent\"]')].map(e => e.scrollHeight))")
    pg.set_viewport_size({"width": 1400, "height": min(int(height) + 80, 6000)})
    pg.wait_for_timeout(800)
    pg.screenshot(path=str(SHOTS / name), full_page=True)
    pg.set_viewport_size({"width": 1400, "height": 900})


@pytest.mark.parametrize("name", TOOLS)
def test_a_tool_export_uploaded_through_the_page_reaches_the_overview(server, page, shadow, name):
    from cxdata import ingest, queries
    from cxdata.filters import Filters

    unlock(page, server)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(DATA / name))
    options = {}
    if name == "tool_typeform.csv":  # "How easy was it...?": the page asks which way its CES runs
        page.get_by_role("textbox", name="Which way does the file's CES run?").fill("ease")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Apply and check again").click()
        options = {"ces.direction": "ease"}
    import_button(page).wait_for()  # the end of the page: the preview is drawn above it
    settle(page)
    text = main_text(page)
    assert "How the file was read" in text and "Mapping" in text and "What the import will do" in text
    page.locator('[data-testid="stDataFrame"]').first.wait_for()  # the rows as they will load
    assert page.locator('[data-testid="stException"]').count() == 0
    if name == TOOLS[0]:
        screenshot(page, "upload_preview.png")

    import_button(page).click()
    page.wait_for_selector("text=Summary")
    settle(page)
    expected = ingest.import_file(shadow, DATA / name, mapping=options or None)  # the same, by the library
    assert metrics(page) == {"Rows read": expected.rows_read, "Loaded": expected.loaded,
                             "Duplicates": expected.duplicates, "Rejected": expected.rejected}
    assert expected.loaded > 0
    if name == TOOLS[0]:
        screenshot(page, "upload_summary.png")

    page.get_by_role("link", name=re.compile("^Open the Overview")).click()
    page.wait_for_url("**/?from=*")
    settle(page)
    page.wait_for_selector('[data-testid="stMetric"]')
    q = parse_qs(urlsplit(page.url).query)
    filters, notices = Filters.from_query_params(q)
    assert not notices
    want = queries.kpi_summary(shadow, filters).current.nps.n
    nps_card = page.locator('[data-testid="stColumn"]').filter(has_text="NPS").first
    shown_n = int(re.search(r"n = ([\d,]+)", nps_card.inner_text()).group(1).replace(",", ""))
    assert shown_n == want >= expected.loaded


def test_imports_page_lists_them_and_undoes_one_in_the_browser(server, page, shadow):
    from cxdata import ingest

    history = ingest.list_imports(shadow)
    latest = int(history.iloc[0]["import_id"])
    loaded = int(history.iloc[0]["loaded"])
    unlock(page, server)  # unlocking is per browser session: do it here, then go to Imports
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]').filter(
        has_text="Imports").click()
    page.wait_for_url("**/Imports*")
    settle(page)
    # The history is a data grid (drawn on a canvas, so its cells are not page text): wait for it;
    # under CI load the status widget can go before the grid's delta is drawn.
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    assert page.locator('[data-testid="stDataFrame"]').count() >= 1
    page.get_by_text(f"I understand {loaded:,} rows will be removed").click()
    settle(page)
    screenshot(page, "imports.png")
    page.get_by_role("button", name=f"Undo import {latest}").click()
    page.wait_for_selector(f"text=Import {latest} undone")
    assert f"{loaded:,} rows removed" in main_text(page)
    assert ingest.undo_import(shadow, latest) == loaded


def test_a_non_csv_file_gets_the_clear_message(server, page):
    unlock(page, server)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(DATA / "not_csv.xlsx"))
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    text = main_text(page)
    assert "Save As" in text and "CSV UTF" in text
    assert import_button(page).count() == 0


def test_an_oversize_file_is_refused_with_the_limit(server, page, tmp_path):
    big = tmp_path / "big_export.csv"
    with open(big, "wb") as f:  # sparse: 201 MB to the browser, nothing written to disk
        f.truncate(201 * 1024 * 1024)
    unlock(page, server)
    assert "up to 200 MB" in main_text(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
    page.wait_for_timeout(1500)
    uploader = page.locator('[data-testid="stFileUploader"]').inner_text()
    assert "200" in uploader and "MB" in uploader, uploader
    assert import_button(page).count() == 0


def test_without_the_password_there_is_no_way_to_import(server, page):
    unlock(page, server, password="not-the-password")
    assert "not the import password" in main_text(page)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert import_button(page).count() == 0


AIRLINE = ("id,date,satisfaction,Ease of Online booking\n1,2026-01-02,satisfied,5\n"
           "2,2026-01-03,neutral or dissatisfied,0\n3,2026-01-04,neutral or dissatisfied,3\n"
           "4,2026-01-05,satisfied,4\n5,2026-01-06,neutral or dissatisfied,2\n")


def test_a_stopped_import_is_fixed_in_the_browser(server, page, shadow, tmp_path):
    """Issue 17: a label the import cannot score stops it; the analyst says what it means on the
    page and imports: CSAT 2 satisfied of 5, as the library computes with the same answer."""
    from cxdata import ingest

    path = tmp_path / "airline_satisfaction.csv"
    path.write_text(AIRLINE)
    unlock(page, server)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    settle(page)
    assert "neutral or dissatisfied" in main_text(page) and import_button(page).count() == 0
    page.get_by_role("textbox", name="What does 'neutral or dissatisfied' mean in CSAT (1-5)?").fill("2")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Apply and check again").click()
    import_button(page).wait_for()
    settle(page)
    import_button(page).click()
    page.wait_for_selector("text=Summary")
    settle(page)
    expected = ingest.import_file(shadow, path, mapping={"csat.value:neutral or dissatisfied": "2"})
    assert metrics(page) == {"Rows read": 5, "Loaded": 5, "Duplicates": 0, "Rejected": 0}
    assert (expected.loaded, expected.rejected) == (5, 0)
    assert page.locator('[data-testid="stException"]').count() == 0
