"""Italian and English: every string in the code has its Italian, placeholders survive the
translation, numbers and dates follow the language, and the language is per thread."""

from __future__ import annotations

import datetime as dt
import re
import string
import threading
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from cxdata import i18n
from cxdata.i18n import _

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("dashboard.py", "python"), ("pages/**.py", "python"), ("cxdata/**.py", "python")]


def _extracted() -> dict[str, list[str]]:
    """msgid -> where it is used, as ``pybabel extract -F babel.cfg`` finds them."""
    found: dict[str, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), METHODS):
        ids = message if isinstance(message, tuple) else (message,)
        for mid in ids:
            if mid:
                found.setdefault(mid, []).append(filename)
    return found


EXTRACTED = _extracted()


def _fields(text: str) -> set[str]:
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None}


def test_the_code_has_strings_to_translate():
    # the wrapping is real: the shared UI (share link, navigation, KPI names) is in the catalogue
    assert "Share this view" in EXTRACTED
    assert len(EXTRACTED) > 50


def test_every_string_in_the_code_has_its_italian():
    italian = i18n.catalogue("it")
    missing = sorted(f"{m!r} ({EXTRACTED[m][0]})" for m in EXTRACTED if m not in italian)
    assert not missing, f"{len(missing)} strings without Italian:\n" + "\n".join(missing[:40])


def test_placeholders_survive_the_translation():
    italian = i18n.catalogue("it")
    wrong = [m for m in EXTRACTED if m in italian and _fields(m) != _fields(italian[m])]
    assert not wrong, wrong[:20]


def test_translation_is_per_thread_and_english_by_default():
    seen = {}
    with i18n.using("it"):
        assert _("Share this view") != "Share this view"

        def other():
            seen["lang"], seen["text"] = i18n.get_lang(), _("Share this view")

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert seen == {"lang": "en", "text": "Share this view"}
    assert _("Share this view") == "Share this view"


@pytest.mark.parametrize("tag, lang", [("it", "it"), ("it-IT", "it"), ("it_CH", "it"), ("en-GB", "en"),
                                        ("de-DE", None), ("", None), (None, None)])
def test_browser_language_tags(tag, lang):
    assert i18n.normalize(tag) == lang


def test_numbers_and_dates_in_each_language():
    with i18n.using("en"):
        assert i18n.count(1_200_000) == "1,200,000"
        assert i18n.number(3.456, 1) == "3.5"
        assert i18n.number(-0.04, 1) == "0.0"  # no negative zero
        assert i18n.number(2.25, 2, sign=True) == "+2.25"
        assert i18n.date(dt.date(2026, 12, 6)) == "06 Dec 2026"
    with i18n.using("it"):
        assert i18n.count(1_200_000) == "1.200.000"
        assert i18n.number(3.456, 1) == "3,5"
        assert i18n.number(-1234.5, 1) == "-1.234,5"
        assert i18n.number(-0.0001, 2, sign=True) == "0,00"
        assert i18n.date(dt.date(2026, 12, 6)) == "06 dic 2026"
        assert i18n.plotly_separators() == ",."


def test_an_untranslated_string_shows_in_english_not_empty():
    with i18n.using("it"):
        assert _("A sentence nobody translated.") == "A sentence nobody translated."


# English words Italian CX teams use as they are
LOANWORDS = {"touchpoint", "touchpoints", "funnel", "report", "link", "driver", "drivers", "feedback",
             "upload", "email", "chat", "team", "dashboard", "benchmark"}


def test_no_catalogue_entry_is_left_english_by_mistake():
    """A translation equal to its English is allowed only for names, units and loanwords (NPS,
    CSAT, touchpoint...): no other lower-case word of four letters or more."""
    italian = i18n.catalogue("it")
    same = [m for m, t in italian.items()
            if m == t and set(re.findall(r"\b[a-z]{4,}\b", re.sub(r"\{[^}]*\}", "", m))) - LOANWORDS]
    assert not same, same[:20]
