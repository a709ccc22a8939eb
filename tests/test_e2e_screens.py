"""Every page in both languages, light and dark, on a desktop and on a phone, in a real browser:
each view is drawn (its charts, no exception), in its language and its colour scheme, and its
screenshot is kept (docs/screenshots/matrix with CX_UPDATE_SCREENSHOTS=1, else tests/artifacts).

Without CX_UPDATE_SCREENSHOTS the run covers two pages in every variant (the full matrix takes
about eight minutes); with it, every page."""

from __future__ import annotations

import io
import os

import pytest
from helpers import e2e
from test_ui_phone_dark import luminance

from cxdata import i18n

pytestmark = pytest.mark.e2e

PAGES = {"Overview": "", "Trends": "Trends", "Segments": "Segments", "Funnel": "Funnel", "Journeys": "Journeys",
         "Pyramid": "Pyramid", "Why": "Why", "Upload": "Upload", "Imports": "Imports", "Settings": "Settings"}
NO_CHARTS = {"Upload", "Imports", "Settings"}
SHOWN = list(PAGES) if os.environ.get("CX_UPDATE_SCREENSHOTS") else ["Overview", "Segments"]
DEVICES = {"desktop": {"viewport": {"width": 1400, "height": 900}},
           "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}}
TITLES = {"Overview": "Customer experience at a glance", "Trends": "How the KPIs move over time",
          "Segments": "Who is happier, and who is not", "Funnel": "Where customers drop off along the journey",
          "Journeys": "How customers move between channels, and what experience is worth",
          "Pyramid": "How high up the CX pyramid customers get", "Why": "Why scores move",
          "Upload": "Upload a CSV export", "Imports": "Imports", "Settings": "Definitions and targets"}


@pytest.fixture(scope="module")
def server(server_demo_db):
    with e2e.dashboard(server_demo_db) as base:
        yield base


def _save(png: bytes, path) -> None:
    """A 256-colour PNG: a third of the size, the same to read."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    img.save(path, optimize=True)


@pytest.mark.parametrize("device", list(DEVICES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_page_in_each_language_scheme_and_device(browser, server, lang, scheme, device):
    out = e2e.SHOTS / "matrix"
    out.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(color_scheme=scheme, **DEVICES[device])
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    try:
        for name in SHOWN:
            pg.goto(f"{server}{PAGES[name]}?lang={lang}")
            pg.wait_for_selector('[data-testid="stApp"]')
            if name not in NO_CHARTS:
                pg.wait_for_selector(".js-plotly-plot .main-svg")
            pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
            pg.wait_for_timeout(800)
            assert pg.locator('[data-testid="stException"]').count() == 0, name
            bg = pg.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]'))"
                             ".backgroundColor")
            assert (luminance(bg) < 0.3) if scheme == "dark" else (luminance(bg) > 0.7), (name, bg)
            heading = pg.get_by_role("heading", level=1).first.inner_text().strip()
            with i18n.using(lang):
                assert heading == i18n._(TITLES[name]), (name, lang, heading)
            _save(pg.screenshot(), out / f"{name.lower()}-{lang}-{scheme}-{device}.png")
    finally:
        ctx.close()
