"""The dashboard in Italian, in a real browser: every page with ``lang=it`` shows no English string
from our catalogue (neither the text nor the charts' text); an Italian browser opens in Italian
and its links carry ``lang=it``; a chosen English stays English across pages."""

from __future__ import annotations

import re
import string

import pytest
from helpers import e2e

from cxdata import i18n

pytestmark = pytest.mark.e2e

PAGES = {"Overview": "", "Trends": "Trends", "Segments": "Segments", "Funnel": "Funnel", "Journeys": "Journeys",
         "Pyramid": "Pyramid", "Why": "Why", "Upload": "Upload", "Imports": "Imports", "Settings": "Settings"}
LOANWORDS = {"touchpoint", "touchpoints", "funnel", "report", "link", "driver", "drivers", "feedback",
             "upload", "email", "chat", "team", "dashboard", "benchmark"}


def _fragments(msgid: str) -> list[str]:
    """The literal parts of a catalogue string, between its placeholders, that are English phrases
    (three words or more, with a lower-case word of four letters that is not a loanword; two words
    alone, such as "responses and", also appear in what the data says: a saved import message)."""
    parts = [lit for lit, *_rest in string.Formatter().parse(msgid)]
    out = []
    for part in parts:
        for piece in re.split(r"\*\*|`|\n", part):
            piece = piece.strip(" .,:;()·-")
            words = piece.split()
            if len(words) >= 3 and set(re.findall(r"\b[a-z]{4,}\b", piece)) - LOANWORDS:
                out.append(piece)
    return out


def english_fragments() -> dict[str, str]:
    """fragment -> the catalogue string it comes from, for every string whose Italian differs."""
    out: dict[str, str] = {}
    for msgid, italian in i18n.catalogue("it").items():
        if msgid == italian:
            continue
        for frag in _fragments(msgid):
            if frag not in italian:
                out.setdefault(frag, msgid)
    return out


SINGLE_WORDS = {m for m, t in i18n.catalogue("it").items() if m != t and re.fullmatch(r"[A-Z][a-z]{3,}", m)}


@pytest.fixture(scope="module")
def server(server_demo_db):
    with e2e.dashboard(server_demo_db) as base:
        yield base


def open_page(browser, server, path: str, **context):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, **context)
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    pg.goto(server + path)
    pg.wait_for_selector('[data-testid="stSidebar"]', state="attached")
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    pg.wait_for_timeout(1500)
    return ctx, pg


def visible_text(pg) -> str:
    """What the page says: the text of the app, the sidebar and every chart's SVG text."""
    return pg.evaluate("""() => {
        const parts = [document.body.innerText];
        for (const t of document.querySelectorAll('.js-plotly-plot text')) parts.push(t.textContent);
        for (const e of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
            for (const a of ['aria-label', 'title', 'placeholder']) {
                const v = e.getAttribute(a); if (v) parts.push(v);
            }
        }
        return parts.join('\\n');
    }""")


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_in_italian_shows_no_english_string_from_the_catalogue(browser, server, name):
    ctx, pg = open_page(browser, server, f"{PAGES[name]}?lang=it")
    try:
        text = visible_text(pg)
        lines = {ln.strip() for ln in text.splitlines()}
        english = sorted({f"{frag!r} (from {msgid[:60]!r})" for frag, msgid in english_fragments().items()
                          if frag in text})
        english += sorted(w for w in SINGLE_WORDS if w in lines)
        assert not english, f"{name} in Italian shows English:\n" + "\n".join(english[:30])
        assert i18n.catalogue("it")["Share this view"] in text or name in ("Upload", "Imports", "Settings")
    finally:
        ctx.close()


def test_an_italian_browser_opens_in_italian_and_the_links_carry_it(browser, server):
    ctx, pg = open_page(browser, server, "Trends", locale="it-IT")
    try:
        with i18n.using("it"):
            title = i18n._("Trends")
        assert pg.get_by_role("heading", level=1).first.inner_text().strip() != "Trends"
        assert "lang=it" in pg.url
        hrefs = pg.locator('[data-testid="stSidebarNav"] a, [data-testid="stPageLink"] a').evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all("lang=it" in h for h in hrefs), hrefs
        assert pg.get_by_text(title, exact=True).count() >= 1
    finally:
        ctx.close()


def test_english_chosen_on_an_italian_browser_stays_english(browser, server):
    ctx, pg = open_page(browser, server, "Trends?lang=en", locale="it-IT")
    try:
        assert "lang=en" in pg.url
        pg.locator('[data-testid="stPageLink"] a', has_text="Segments").first.click()
        pg.wait_for_url("**/Segments?*")
        pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        pg.wait_for_timeout(1000)
        assert "lang=en" in pg.url
        assert pg.get_by_text("Share this view").count() >= 1
    finally:
        ctx.close()
