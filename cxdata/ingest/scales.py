"""Numbers, rating labels and rating scales, a whole column at a time.

A score is loaded only as a whole number inside its canonical range (``schema.SCORE_RANGES``);
nothing is clamped, and no scale is assumed. A column is mapped to a score automatically only when
its values fit that score's scale (``scale_misfit``); a source on another scale (a 0-5 or 1-10
satisfaction, a 1-5 effort, a 0-100 rating) is converted only when the import is told its scale
(``csat.scale=0-5``), by one linear rule, rounded half up::

    canonical = floor(lo + (x - a) * (hi - lo) / (b - a) + 0.5)

for a source scale ``a-b`` and the canonical ``lo-hi``; the sentence that states it lists every
value's image. Text labels ("Very satisfied", "Molto soddisfatto", "10 - Extremely likely",
"4 stars", "★★★★☆") are read by the tables below, after the caller's own value map; a label none of
them knows is reported with its count (``read_score``), never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..i18n import _, ngettext
from ..schema import SCORE_RANGES

_AGREE_5 = {
    "strongly disagree": 1, "disagree": 2, "neither agree nor disagree": 3, "neutral": 3,
    "agree": 4, "strongly agree": 5,
    "completamente in disaccordo": 1, "fortemente in disaccordo": 1, "in disaccordo": 2,
    "ne d accordo ne in disaccordo": 3, "d accordo": 4, "completamente d accordo": 5,
    "fortemente d accordo": 5,
}
_SATISFIED_5 = {
    "very dissatisfied": 1, "dissatisfied": 2, "neither satisfied nor dissatisfied": 3,
    "neutral": 3, "satisfied": 4, "very satisfied": 5,
    "very unsatisfied": 1, "unsatisfied": 2, "extremely dissatisfied": 1, "extremely satisfied": 5,
    "poor": 1, "fair": 2, "good": 3, "very good": 4, "excellent": 5,
    "molto insoddisfatto": 1, "insoddisfatto": 2, "ne soddisfatto ne insoddisfatto": 3,
    "neutrale": 3, "soddisfatto": 4, "molto soddisfatto": 5,
    "per niente soddisfatto": 1, "poco soddisfatto": 2, "abbastanza soddisfatto": 4,
    "completamente soddisfatto": 5, "pessimo": 1, "scarso": 2, "sufficiente": 3, "buono": 4,
    "ottimo": 5,
}
_LIKELY_11 = {
    "not at all likely": 0, "extremely likely": 10, "per niente probabile": 0,
    "estremamente probabile": 10, "molto improbabile": 0, "molto probabile": 10,
}
# Agreement with "it was easy" and easy/difficult labels: ease direction, 7 = easiest.
_EASE_7 = {
    "strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "neither agree nor disagree": 4,
    "somewhat agree": 5, "agree": 6, "strongly agree": 7,
    "very difficult": 1, "difficult": 2, "somewhat difficult": 3, "neither easy nor difficult": 4,
    "somewhat easy": 5, "easy": 6, "very easy": 7,
    "molto difficile": 1, "difficile": 2, "abbastanza difficile": 3, "ne facile ne difficile": 4,
    "abbastanza facile": 5, "facile": 6, "molto facile": 7,
}
_EFFORT_7 = {
    "very low effort": 1, "low effort": 2, "somewhat low effort": 3, "moderate effort": 4,
    "somewhat high effort": 5, "high effort": 6, "very high effort": 7,
}
LABELS: dict[str, list[tuple[dict[str, int], str | None]]] = {
    "nps": [(_LIKELY_11, None)],
    "csat": [(_SATISFIED_5, None)],
    "needs_met": [(_AGREE_5, None)],
    "enjoyment": [(_AGREE_5, None)],
    "ces": [(_EASE_7, "ease"), (_EFFORT_7, "effort")],
}
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,2})\s*(?:[-–=:(.]|$|stars?\b|stell[ae]\b)", re.IGNORECASE)
_STARS = re.compile(r"^\s*([★⭐]+)\s*[☆]*\s*$")
STANDARD_SCALES = ((0, 5), (1, 5), (1, 7), (0, 10), (1, 10))
# The scales a score column may be found on, narrowest first: the first that holds every value
# is the one named when a column does not fit its field's scale.
KNOWN_SCALES = ((1, 5), (0, 5), (1, 7), (1, 10), (0, 10), (0, 100))


def norm_text(s: str) -> str:
    """Lowercase, accents off, anything but letters and digits to single spaces."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9#]+", " ", s).strip()


def fast_numeric(s: pd.Series) -> pd.Series:
    """float64 of plain decimal numbers ('8', '-1.5'); NaN for anything else. Arrow's regex and
    cast run in C: ten times faster than ``pd.to_numeric(errors='coerce')`` on text columns."""
    arr = pa.array(s.array) if not isinstance(s.dtype, np.dtype) else pa.array(s, from_pandas=True)
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        return pd.to_numeric(s, errors="coerce").astype("float64")
    ok = pc.match_substring_regex(arr, r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
    nums = pc.cast(pc.if_else(ok, arr, pa.scalar(None, arr.type)), pa.float64())
    return pd.Series(nums.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")


def _decimal_comma(values: pd.Series) -> bool:
    """True if the column writes decimals with a comma (8,5 or 1.234,56)."""
    return bool(values.str.match(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$", na=False).any()
                and not values.str.match(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$", na=False).all())


def parse_decimal(s: pd.Series, field: str, notes: list[str]) -> pd.Series:
    """Numbers written with a decimal point or a decimal comma, thousands separators and currency
    signs; NaN where a present value is not a number."""
    num = fast_numeric(s)
    rest = s.notna() & num.isna()
    if not rest.any():
        return num
    raw = s[rest].str.replace(r"[\s€$£]|EUR|USD", "", regex=True)
    if _decimal_comma(raw):
        cleaned = raw.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        notes.append(_("{field}: decimal comma read (1.234,56 = 1234.56).").format(field=field))
    else:
        cleaned = raw.str.replace(",", "", regex=False)
    num = num.astype("float64")
    num.loc[rest] = pd.to_numeric(cleaned, errors="coerce")
    return num


@dataclass
class ScoreRead:
    """A score column read: numbers where a value was read, and what could not be read."""

    num: pd.Series  # float64; NaN where missing, sent to "no answer", or not read
    direction: str | None  # the CES direction the labels imply, if any
    blanked: pd.Series  # bool: present values the value map sends to "no answer"
    unknown: dict[str, int] = field(default_factory=dict)  # unread text -> rows, most rows first
    labelled: bool = False  # some values were read as labels (tables, value map, "10 - ...")


def parse_score(s: pd.Series, field: str, notes: list[str]) -> tuple[pd.Series, str | None]:
    """(numbers, direction implied by labels or None) for a score column. Labels are looked up
    in the field's tables; '10 - Extremely likely' gives 10; a decimal comma is read."""
    read = read_score(s, field, notes)
    return read.num, read.direction


def read_score(s: pd.Series, field: str, notes: list[str],
               value_map: dict[str, float | None] | None = None) -> ScoreRead:
    """Read a score column: the caller's ``value_map`` first ({norm_text(label): number, or None
    for "no answer"}; it applies to numbers too, so a 0 meaning "not applicable" can be blanked),
    then plain numbers, the field's label tables, a number at the start of a label, stars and a
    decimal comma."""
    num = fast_numeric(s)
    present = s.notna()
    blanked = pd.Series(False, index=s.index)
    mapped = pd.Series(False, index=s.index)
    labelled = False
    direction = None
    if value_map:
        lookup = _caller_lookup(s[present], value_map)
        if lookup:
            mapped = s.isin(list(lookup))
            blanked = s.isin([u for u, v in lookup.items() if v is None])
            num = num.copy()
            num.loc[mapped] = pd.to_numeric(s[mapped].map(lookup), errors="coerce").astype("float64")
            labelled = True
            pairs = ", ".join(f"'{u}' -> {_('no answer') if v is None else _num_text(v)}"
                              for u, v in lookup.items())
            notes.append(_("{field}: values mapped as the import was told ({pairs}).").format(field=field, pairs=pairs))
    rest = present & num.isna() & ~mapped
    if rest.any():
        direction, by_label = _read_labels(s, rest, num, field, notes)
        labelled = labelled or by_label
    unread = present & num.isna() & ~blanked
    unknown = s[unread].value_counts().to_dict() if unread.any() else {}
    return ScoreRead(num, direction, blanked, {str(k): int(v) for k, v in unknown.items()}, labelled)


def _caller_lookup(present: pd.Series, value_map: dict[str, float | None]) -> dict:
    """{source value: number or None} for the values the caller's map names."""
    uniques = pd.Series(present.unique(), dtype="object")
    normed = uniques.map(lambda u: norm_text(str(u)))
    return {u: value_map[k] for u, k in zip(uniques, normed, strict=True) if k in value_map}


def _read_labels(s: pd.Series, rest: pd.Series, num: pd.Series, field: str,
                 notes: list[str]) -> tuple[str | None, bool]:
    """Fill ``num`` where ``rest`` from labels, leading numbers, stars and decimal commas, each
    distinct value read once; (the CES direction the labels imply, whether labels were read)."""
    uniques = pd.Series(s[rest].unique())
    normed = uniques.map(norm_text)
    values = pd.Series(np.nan, index=uniques.index)
    direction, used_label = _from_tables(values, normed, field)
    by_number = _from_leading_numbers(values, uniques, field, notes)
    by_stars = _from_stars(values, uniques, field, notes)
    comma = values.isna() & uniques.str.match(r"^[+-]?\d+,\d+$")
    if comma.any():
        values[comma] = pd.to_numeric(uniques[comma].str.replace(",", ".", regex=False))
    if used_label:
        tables = " / ".join(sorted({k for t, _implied in LABELS[field] for k, v in t.items()
                                    if k in set(normed)}, key=lambda k: _label_value(field, k)))
        notes.append(_("{field}: text labels read as numbers ({labels}).").format(field=field, labels=tables))
    lookup = dict(zip(uniques, values, strict=True))
    num.loc[rest] = s[rest].map(lookup).astype("float64")
    return direction, used_label or by_number or by_stars


def _from_tables(values: pd.Series, normed: pd.Series, field: str) -> tuple[str | None, bool]:
    direction, used = None, False
    for table, implied in LABELS.get(field, []):
        hit = normed.map(table)
        new = values.isna() & hit.notna()
        if new.any():
            values[new] = hit[new]
            used = True
            direction = direction or implied
    return direction, used


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit (fullwidth ９, Arabic-Indic ٩, Devanagari ९...)
    written as its ASCII digit: a survey tool in another script exports them as typed."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _from_leading_numbers(values: pd.Series, uniques: pd.Series, field: str,
                          notes: list[str]) -> bool:
    lead = uniques.str.extract(_LEADING_NUMBER)[0].map(ascii_digits, na_action="ignore")
    new = values.isna() & lead.notna()
    if not new.any():
        return False
    values[new] = pd.to_numeric(lead[new])
    notes.append(_("{field}: the number at the start of labels such as '{example}' "
                   "taken as the score.").format(field=field, example=uniques[new].iloc[0]))
    return True


def _from_stars(values: pd.Series, uniques: pd.Series, field: str, notes: list[str]) -> bool:
    stars = uniques.str.extract(_STARS)[0]
    new = values.isna() & stars.notna()
    if not new.any():
        return False
    values[new] = stars[new].str.len()
    notes.append(_("{field}: stars counted as the score ('{example}' = {score}).").format(
        field=field, example=uniques[new].iloc[0], score=int(values[new].iloc[0])))
    return True


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def scale_misfit(field: str, num: pd.Series) -> tuple[str, tuple[int, int] | None] | None:
    """None when the whole numbers of a score column fit the field's scale; else (why, the known
    scale that holds them or None). A 0 in a column of a 1-based field means a 0-based scale (0 is
    how many tools write "not applicable"). Values above the top in one row, or in no more than 1%
    of the rows, are stray values (rejected later, row by row), not another scale. A 0-10 NPS
    column of at least 20 answers that never goes above 5 is a 0-5 or 1-5 rating, not an NPS."""
    lo, hi = SCORE_RANGES[field]
    v = num.dropna()
    v = v[v % 1 == 0]
    if v.empty:
        return None
    vmin, vmax = int(v.min()), int(v.max())
    outside = int(((v < lo) | (v > hi)).sum())
    holder = _narrowest_holder(vmin, vmax)
    if lo == 1 and vmin == 0 and holder and holder[0] == 0:
        zeros = int((v == 0).sum())
        return (ngettext("{zeros} of its {n} answers is 0 and the highest is {top}: a {a}-{b} scale, not "
                         "{field}'s {low}-{high}",
                         "{zeros} of its {n} answers are 0 and the highest is {top}: a {a}-{b} scale, not "
                         "{field}'s {low}-{high}", zeros).format(
            zeros=zeros, n=len(v), top=vmax, a=holder[0], b=holder[1], field=field, low=lo, high=hi), holder)
    if outside >= 2 and outside > 0.01 * len(v):
        return _outside_scale(field, len(v), vmin, vmax, outside, holder)
    if field == "nps" and len(v) >= 20 and vmax <= 5:
        scale = (0, 5) if vmin == 0 else (1, 5)
        return (_("all {n} answers are between {first} and {top}: a {a}-{b} rating, not a 0-10 NPS").format(
            n=len(v), first=vmin, top=vmax, a=scale[0], b=scale[1]), scale)
    return None


def _outside_scale(field: str, n: int, vmin: int, vmax: int, outside: int,
                   holder: tuple[int, int] | None) -> tuple[str, tuple[int, int] | None]:
    lo, hi = SCORE_RANGES[field]
    if holder and holder != (lo, hi):
        return (_("its values run from {first} to {top}, a {a}-{b} scale, not {field}'s {low}-{high}").format(
            first=vmin, top=vmax, a=holder[0], b=holder[1], field=field, low=lo, high=hi), holder)
    return (_("{outside} of its {n} answers are outside {field}'s {low}-{high} scale (from {first} to {top})").format(
        outside=outside, n=n, field=field, low=lo, high=hi, first=vmin, top=vmax), None)


def _narrowest_holder(vmin: int, vmax: int) -> tuple[int, int] | None:
    return next(((a, b) for a, b in KNOWN_SCALES if a <= vmin and vmax <= b), None)


def _label_value(field: str, label: str) -> int:
    for table, _implied in LABELS[field]:
        if label in table:
            return table[label]
    return 0


def scale_from_text(text: str) -> tuple[int, int] | None:
    """A scale stated in a column name or question, '(1-10)', '0 to 5', 'da 1 a 10'."""
    m = re.search(r"(?<!\d)([01])\s*(?:-|–|to|a)\s*(5|7|10)(?!\d)", text)
    if m:
        return int(m.group(1)), int(m.group(2))
    return None


def detect_scale(field: str, values: pd.Series) -> tuple[int, int]:
    """The scale a score column is on, from its values: the canonical one unless the values
    clearly say otherwise (a 0 on a 1-based scale with nothing above its top; or at least 20% of
    the values, and two distinct values, above the top, all within 10). A few stray values stay on the canonical scale and
    are rejected as out of range."""
    lo, hi = SCORE_RANGES[field]
    v = values.dropna()
    if v.empty or field in ("nps", "cx_level"):
        return lo, hi
    vmin, vmax = v.min(), v.max()
    if lo == 1 and vmin == 0 and vmax <= hi:
        return 0, hi
    above = v[v > hi]
    if (vmax > hi and vmax <= 10 and vmin >= 0 and field != "ces"
            and len(above) >= 0.2 * len(v) and above.nunique() >= 2):
        return (0, 10) if vmin == 0 else (1, 10)
    return lo, hi


def convert_rule(field: str, source: tuple[int, int], told: bool = False) -> tuple[dict[int, int], str]:
    """The value table and the sentence of the linear conversion from ``source`` to the canonical
    scale of ``field``, rounded half up (``told``: the source scale is the one the import was told)."""
    a, b = source
    lo, hi = SCORE_RANGES[field]
    table = {x: int(np.floor(lo + (x - a) * (hi - lo) / (b - a) + 0.5)) for x in range(a, b + 1)}
    pairs = ", ".join(f"{k}→{v}" for k, v in table.items())
    sentence = (_("{field}: {a}-{b} scale (as the import was told) converted to {low}-{high} by rounding "
                  "{low} + (x - {a}) * {span}/{width} half up ({pairs}).") if told else
                _("{field}: {a}-{b} scale converted to {low}-{high} by rounding "
                  "{low} + (x - {a}) * {span}/{width} half up ({pairs}).")).format(
        field=field, a=a, b=b, low=lo, high=hi, span=hi - lo, width=b - a, pairs=pairs)
    return table, sentence
