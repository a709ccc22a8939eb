"""The Trends, Segments, Funnel, Pyramid and Journeys pages in Italian show no English sentence, and
in English still read as before.

Each page runs in AppTest on the demo database with ``lang=it`` (and with the links that draw its
optional parts: a moving average and the year-earlier line, the funnel in any order, which names
its weakest step). Every text a viewer reads outside the charts (title, headers, captions,
markdown, notices, metrics, the widgets' labels, options and help, the tables' headers) is split
into words; no word may be an English stop word (``stop_words``) that is not also Italian. Data values (channel, stage,
segment... names from the database, the import's name) are taken out first: they are not
translated.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import stop_words
from streamlit.testing.v1 import AppTest

from cxdata import db

APP_ROOT = Path(__file__).resolve().parent.parent

# page, a link's extra params, its English title
PAGES = [
    ("pages/1_Trends.py", {}, "How the KPIs move over time"),
    ("pages/1_Trends.py", {"ma": "3", "compare": "year"}, "How the KPIs move over time"),
    ("pages/1_Trends.py", {"split": "channel", "grain": "month", "ma": "3", "compare": "year"},
     "How the KPIs move over time"),
    ("pages/2_Segments.py", {}, "Who is happier, and who is not"),
    ("pages/3_Funnel.py", {}, "Where customers drop off along the journey"),
    ("pages/3_Funnel.py", {"order": "any", "window": "14"}, "Where customers drop off along the journey"),
    ("pages/4_Pyramid.py", {}, "How high up the CX pyramid customers get"),
    ("pages/4_Pyramid.py", {"model": "6", "by": "segment"}, "How high up the CX pyramid customers get"),
    ("pages/5_Journeys.py", {}, "How customers move between channels, and what experience is worth"),
]
IDS = [p.split("/")[1].removesuffix(".py") + "".join(f"-{k}={v}" for k, v in q.items()) for p, q, _t in PAGES]

ENGLISH = set(stop_words.get_stop_words("english"))
ITALIAN = set(stop_words.get_stop_words("italian"))
# Italian words (not in the Italian stop-word list) that the English list also holds: "sono state
# raggiunte", "a dare", "le date", the months' abbreviations ("3 ago 2026") and the unit of points ("±50,0 pt")
ITALIAN_WORDS = {"state", "dare", "date", "media", "area", "fine", "ore", "data", "pt",
                 "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"}
# what Italian CX teams say in English (tests/test_i18n.py's loanwords) and the product's names
LOANWORDS = {"touchpoint", "touchpoints", "funnel", "report", "link", "driver", "drivers", "feedback",
             "upload", "email", "chat", "team", "dashboard", "benchmark", "english", "italiano", "forrester",
             "benjamini", "hochberg", "cache", "core", "pct", "vs"}


def run(page: str, params: dict, lang: str) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def visible_texts(at: AppTest) -> list[str]:
    """What a viewer reads outside the charts: headings, captions, markdown, notices, metrics, the
    widgets' labels, options and help, and the tables' headers."""
    out = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [el.value for el in at.get(kind)]
    for kind in ("radio", "selectbox", "multiselect"):
        for w in at.get(kind):
            out += [w.label, w.help or "", *map(str, w.options)]
    out += [f"{m.label} {m.proto.help}" for m in at.metric]
    out += [b.label for b in at.get("button")]
    out += [b.proto.label for b in at.get("download_button")]
    for table in at.dataframe:  # the tables' headers and row names
        frame = table.value
        out += [str(c) for c in frame.columns] + [str(i) for i in frame.index if isinstance(i, str)]
    return [t for t in out if t]


def data_values(path) -> re.Pattern:
    """The database's own names (never translated), longest first, as whole words: every filter
    value, journey stage, attribute key and value, and the import's name."""
    con = db.connect(path)  # as the app opens it (DuckDB: one configuration per file)
    sql = ("select value from filter_values union select stage from stages union select key from attribute_counts "
           "union select value from attribute_counts union select file_name from imports")
    values = {str(v) for (v,) in con.execute(sql).fetchall() if v}
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def english_words(texts: list[str], data: re.Pattern) -> dict[str, str]:
    """English stop words left in ``texts`` (word -> the text it is in), data values aside."""
    found = {}
    for text in texts:
        clean = html.unescape(text).replace("\\", "")
        clean = data.sub(" ", clean)
        for word in re.findall(r"[A-Za-z_][\w']*", clean):
            low = word.lower()
            # acronyms (NPS), names in code (cx_level), Italian words, loanwords
            if (len(word) < 2 or word.isupper() or "_" in word or low in ITALIAN or low in ITALIAN_WORDS
                    or low in LOANWORDS):
                continue
            if low.split("'")[0] in ITALIAN | ITALIAN_WORDS or "'" in low and low.split("'")[1] in ITALIAN:
                continue  # an elided Italian article or preposition ("l'esperienza", "dell'anno")
            if low in ENGLISH:
                found.setdefault(low, text)
    return found


@pytest.mark.parametrize("page, params, title", PAGES, ids=IDS)
def test_the_page_in_italian_shows_no_english_words(ui_env, page, params, title):
    at = run(page, params, "it")
    assert not at.exception, [e.value for e in at.exception]
    texts = visible_texts(at)
    assert len(texts) > 15  # the page drew its controls and its captions
    assert at.title[0].value != title  # the title itself is translated
    left = english_words(texts, data_values(ui_env))
    assert not left, "English words on the Italian page:\n" + "\n".join(f"{w!r} in {t!r}" for w, t in left.items())


@pytest.mark.parametrize("page, params, title", [PAGES[0], PAGES[3], PAGES[4], PAGES[6], PAGES[8]],
                         ids=[IDS[0], IDS[3], IDS[4], IDS[6], IDS[8]])
def test_the_page_in_english_still_reads_in_english(ui_env, page, params, title):
    at = run(page, params, "en")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    # and the English text has the stop words the check above looks for: the check can fail
    assert len(english_words(visible_texts(at), data_values(ui_env))) >= 5


@pytest.mark.parametrize("page", ["pages/3_Funnel.py", "pages/5_Journeys.py"])
def test_the_large_database_notes_in_italian(ui_env, monkeypatch, page):
    """What a page says only on a large database (the funnel's timing waits for a click, the
    Journeys' cost note): the thresholds set to 0, the demo database counts as large."""
    from cxdata.ui import funnel_state, journeys_view

    monkeypatch.setattr(funnel_state, "TIMING_ASKS_ABOVE", 0)
    monkeypatch.setattr(journeys_view, "TILE_ASKS_ABOVE", 0)
    at = run(page, {}, "it")
    assert not at.exception, [e.value for e in at.exception]
    texts = visible_texts(at)
    assert any("secondi" in t for t in texts), texts  # the large-database note is there, in Italian
    if page.endswith("Funnel.py"):
        assert "Conta i giorni di ogni passaggio" in [b.label for b in at.button]
    assert not english_words(texts, data_values(ui_env))


def test_the_check_catches_an_english_sentence(ui_demo_db):
    data = data_values(ui_demo_db)
    assert english_words(["Dove i clienti abbandonano lungo il percorso", "Canale: web"], data) == {}
    assert set(english_words(["How far each channel's customers get"], data)) >= {"how", "far", "each"}
    # a data value is not a word to translate, the same word elsewhere is
    assert english_words(["Percorso: app store page"], data) == {}
