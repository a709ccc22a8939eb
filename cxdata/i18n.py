"""Italian and English: the language of the current page run, the catalogues, numbers and dates.

Strings are English in the code, wrapped where they are drawn: ``_("Share this view")``; a string
with values takes named placeholders, filled after the translation:
``_("{n} responses").format(n=count(n))`` (an f-string cannot be looked up). A string defined at
import time (a label in a table of constants) is marked with ``N_`` and translated where it is
shown: ``_(label)``.

The translations are gettext catalogues (``cxdata/locale/it/LC_MESSAGES/*.po``, one file per area
of the product, read with Babel and merged), extracted from the code with
``pybabel extract -F babel.cfg -o cxdata/locale/messages.pot .`` (docs/development.md); a test
checks that every string in the code has its Italian. Numbers and dates are formatted by Babel
with the language's conventions (1.200.000 and 3,5 in Italian; 1,200,000 and 3.5 in English).

The language is per thread (a ``ContextVar``: each Streamlit page run sets it first, the CLI from
``--lang``), so two viewers in two languages never mix; work handed to another thread (a download
button's callback) takes the language with it (``using``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

LANGS = {"en": "English", "it": "Italiano"}
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_BABEL_LOCALE = {"en": "en_US", "it": "it_IT"}

_lang: ContextVar[str] = ContextVar("cx_lang", default=DEFAULT)


def normalize(tag: object) -> str | None:
    """"it", "it-IT", "it_CH" -> "it"; an unknown or empty tag -> None."""
    if not isinstance(tag, str) or not tag.strip():
        return None
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGS else None


def set_lang(lang: str) -> None:
    _lang.set(normalize(lang) or DEFAULT)


def get_lang() -> str:
    return _lang.get()


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Run a block in ``lang`` (a report built on another thread, a test)."""
    token = _lang.set(normalize(lang) or DEFAULT)
    try:
        yield
    finally:
        _lang.reset(token)


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> dict[str, str]:
    """Every translated string of ``lang``: msgid -> msgstr, from all the language's ``.po``
    files (untranslated and fuzzy entries left out, so they show in English, never empty)."""
    from babel.messages.pofile import read_po

    out: dict[str, str] = {}
    for po in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for msg in cat:
            if not msg.id or msg.fuzzy:
                continue
            if isinstance(msg.id, tuple):  # plural: singular and plural keys
                forms = [s for s in msg.string if s]
                if len(forms) == len(msg.string):
                    out[msg.id[0]], out[msg.id[1]] = forms[0], forms[-1]
            elif msg.string:
                out[msg.id] = msg.string
    return out


def _(message: str) -> str:
    """``message`` in the current language (itself when English or not translated)."""
    lang = _lang.get()
    if lang == DEFAULT:
        return message
    return catalogue(lang).get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` (both languages use one form for 1)."""
    return _(singular) if n == 1 else _(plural)


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; ``_`` translates it where shown."""
    return message


# ---- numbers and dates in the language's format -------------------------------------------

def locale() -> str:
    return _BABEL_LOCALE[_lang.get()]


def number(value: float, decimals: int = 0, sign: bool = False) -> str:
    """``value`` with grouped thousands and ``decimals`` decimals; ``sign`` shows "+" on a
    positive value. A value that rounds to zero has no sign ("0.0", never "-0.0")."""
    from babel.numbers import format_decimal

    value = round(float(value), decimals)
    if value == 0:
        value = 0.0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=locale())
    if value > 0 and sign:
        return "+" + text
    if value < 0:
        return "-" + text.lstrip("-\u2212")  # ASCII minus in both languages
    return text


def count(n: int) -> str:
    """A count with the thousands grouped: 1,200,000 in English, 1.200.000 in Italian."""
    return number(int(n))


def date(day: dt.date, style: str = "medium") -> str:
    """A date in words: "06 Dec 2026" / "06 dic 2026" (``medium``), "6 December 2026" (``long``),
    "Dec 2026" (``month``)."""
    from babel.dates import format_date

    fmt = {"medium": "dd MMM y", "long": "d MMMM y", "month": "MMM y"}[style]
    return format_date(day, format=fmt, locale=locale())


def datetime(moment: dt.datetime) -> str:
    """A date and time: "6 Dec 2026, 14:05"."""
    return f"{date(moment.date())}, {moment:%H:%M}"


def plotly_separators() -> str:
    """Plotly's ``layout.separators``: the decimal mark then the thousands mark."""
    return ",." if _lang.get() == "it" else ".,"
