"""What a source column's name and values say about it: free text, dates, an id, personal data,
a score that does not fit its scale, the direction of a CES question."""

from __future__ import annotations

import re

import pandas as pd

from ..i18n import N_, _
from ..schema import SCORE_RANGES
from .dates import parse_datetimes
from .headers import has_words
from .model import IngestError
from .scales import fast_numeric, norm_text, scale_from_text, scale_misfit
from .synonyms import OTHER_DATE_WORDS, PERSONAL, RESPONSE_DATE_WORDS

_EASE_WORDS = ("easy", "ease", "facile", "facilita", "semplice")
_EFFORT_WORDS = ("effort", "sforzo", "difficult", "difficolta")


def free_text(values: pd.Series) -> bool:
    """Long answers rather than codes or categories: three words or more on average (or long
    values of two or more), and, given twenty values or more, half of them distinct."""
    v = values.dropna().head(2000).astype("str")
    if v.empty:
        return False
    words = (v.str.count(r"\s+") + 1).mean()
    length = v.str.len().mean()
    if not (words >= 3 or (words >= 2 and length >= 40)):
        return False
    return len(v) < 20 or v.nunique() / len(v) >= 0.5


def fits_time(field: str, values: pd.Series) -> bool:
    sample = values.dropna().head(500)
    if sample.empty:
        return True
    parsed, _notes = parse_datetimes(sample, None, field)
    return bool(parsed.notna().mean() >= 0.8)


def date_like(values: pd.Series) -> bool:
    sample = values.dropna().head(50)
    return bool(len(sample)) and bool(fast_numeric(sample).isna().all()) and fits_time("date", values)


def date_rank(column: str) -> int:
    words = norm_text(column).split()
    return (2 * any(w in words for w in RESPONSE_DATE_WORDS)
            - 2 * any(w in words for w in OTHER_DATE_WORDS))


def id_like(column: str) -> bool:
    words = norm_text(column).split()
    return bool(words) and (words[-1] in ("id", "uuid", "#") or words[0] in ("id", "codice"))


def personal_reason(column: str) -> str | None:
    """Why a column is personal data or survey metadata about the respondent, or None (English,
    marked for the catalogue: a sentence shows ``_(why)``)."""
    name = norm_text(column)
    if name in PERSONAL:
        return PERSONAL[name]
    if name.startswith("recipient"):
        return N_("a survey recipient's details")
    return None


def score_misfit(field: str, col: str, label: str, num: pd.Series) -> str | None:
    """Why a column whose numbers are ``num`` cannot feed the score ``field`` as it is, with the
    option that would make it do so; None if it fits."""
    stated = scale_from_text(f"{col} {label}")
    lo, hi = SCORE_RANGES[field]
    if stated and stated != (lo, hi):
        a, b = stated
        return _("its question states a {a}-{b} scale, not {field}'s {low}-{high}; pass "
                 "{field}.scale={a}-{b} to convert it by the stated rule, or map another column").format(
            a=a, b=b, field=field, low=lo, high=hi)
    bad = scale_misfit(field, num)
    if bad is None:
        return None
    why, holder = bad
    # a 0 on a scale that starts at 1 is often "not applicable" (airline service ratings 0-5):
    # converting it would score it as the worst answer
    na = _("; if 0 means 'not applicable', also pass --map-value {field}:0= (no answer) so that it is "
           "not converted into the lowest score").format(field=field) if lo > 0 and bool((num == 0).any()) else ""
    if holder:
        reject = _(" (or {field}.scale={low}-{high} to reject the values outside it)").format(
            field=field, low=lo, high=hi) if holder[0] != lo else ""
        return _("{why}; pass {field}.scale={a}-{b} to convert it by the stated rule{reject}{na}, or map "
                 "another column").format(why=why, field=field, a=holder[0], b=holder[1], reject=reject, na=na)
    return _("{why}; map another column, or state its scale with {field}.scale=LOW-HIGH").format(why=why, field=field)


def ces_source_direction(column: str, label: str, options: dict[str, str],
                         implied: str | None) -> tuple[str | None, str]:
    """The direction of the source's CES and why: option, labels, or words in the question."""
    if options.get("ces.direction"):
        d = options["ces.direction"]
        if d not in ("effort", "ease"):
            raise IngestError(_("ces.direction is 'effort' (1 = least effort) or 'ease' (7 = easiest)"))
        return d, _("as the import was told")
    if implied:
        return implied, _("as its labels say")
    anchored = _anchored_direction(f"{column} {label}")
    if anchored:
        return anchored
    return None, ""


_ANCHOR = re.compile(r"\b([1-7])\s*(?:=|:|-|–|means)\s*(?:very |molto |extremely |estremamente )?"
                     r"(easy|easiest|facile|low effort|little effort|difficult|hard|difficile|"
                     r"high effort|a lot of effort|much effort)", re.IGNORECASE)
_EASY_ANCHORS = ("easy", "easiest", "facile", "low effort", "little effort")


def _anchored_direction(text: str) -> tuple[str, str] | None:
    """The direction the question's own scale anchors state ('1 = very easy, 7 = very
    difficult' is the effort direction: 1 = least effort), or None: words alone ('how easy')
    are a guess, which never decides a figure."""
    for number, word in _ANCHOR.findall(text):
        easy_end = word.lower() in _EASY_ANCHORS
        low = int(number) <= 2
        if int(number) in (1, 2, 6, 7):
            direction = "effort" if easy_end == low else "ease"
            return direction, _("the question states '{number} = {word}'").format(number=number, word=word)
    return None


def ces_direction_hint(column: str, label: str) -> str | None:
    """The direction the question's words suggest (``ease`` for 'how easy', ``effort`` for
    'how much effort'), for a question the import then asks about; None when they suggest none."""
    text = norm_text(f"{column} {label}")
    if any(has_words(text, w) for w in _EASE_WORDS):
        return "ease"
    if any(has_words(text, w) for w in _EFFORT_WORDS):
        return "effort"
    return None
