"""Comment themes: the words and two-word phrases a low group uses more than a high group, and the
other way round (NPS detractors 0-6 against promoters 9-10; CSAT 1-3 against 4-5).

Method: weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008,
"Fightin' words", eq. 22), on comment counts: ``y_wi`` is the number of comments of group i that
contain term w (a comment counts once however often it repeats a word), ``n_i = sum_w y_wi``.
The prior comes from the whole corpus of both groups: ``alpha_w = alpha_0 * y_w / n`` with
``alpha_0 = PRIOR_SHARE * n``, so the prior weighs as much as a tenth of the comments
(``alpha_w = 0.1 * y_w``). Then::

    delta_w = log((y_wi + a_w) / (n_i + a_0 - y_wi - a_w)) - log((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
    var_w   ~ 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
    z_w     = delta_w / sqrt(var_w)          (i = the low group: z > 0 means the low group says it more)

A theme has ``|z| > 1.96`` and at least ``MIN_COMMENTS`` comments of its group. Words and
phrases: ``cxdata/insight/words.py``. DuckDB counts the comments per distinct text and group (a
text repeated by thousands of customers is tokenised once); Python tokenises each distinct text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .. import catalog
from ..filters import Filters
from . import words

Z_MIN = 1.96
MIN_COMMENTS = 10
PRIOR_SHARE = 0.1  # alpha_0 as a share of the corpus: see the module's docstring
EXAMPLES = 3
EXAMPLE_WORDS = (3, 40)  # an example is readable: from 3 to 40 words
LIMIT = 20  # themes per side

# kpi -> (score column, highest "low" score, lowest "high" score): identifiers from here only
GROUPS = {
    "nps": ("nps", catalog.DETRACTOR_MAX, catalog.PROMOTER_MIN),
    "csat": ("csat", catalog.SATISFIED_MIN - 1, catalog.SATISFIED_MIN),
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Corpus:
    """Distinct comment texts with how many low and high responses gave each."""
    texts: list[str]
    low: list[int]
    high: list[int]

    @property
    def n_low(self) -> int:
        return sum(self.low)

    @property
    def n_high(self) -> int:
        return sum(self.high)


def corpus(con, filters: Filters, kpi: str) -> Corpus:
    """The comments of the two groups of ``kpi`` under ``filters``, counted per distinct text."""
    if kpi not in GROUPS:
        raise ValueError(f"themes are for {', '.join(GROUPS)}, not {kpi!r}")
    col, low_max, high_min = GROUPS[kpi]
    where, params = filters.where_sql("responses")
    params |= {"low_max": low_max, "high_min": high_min}
    sql = (f"select trim(comment) as text, count(*) filter (where {col} <= $low_max) as low, "  # noqa: S608 - col from GROUPS
           f"count(*) filter (where {col} >= $high_min) as high from responses "
           f"where {where} and comment is not null and {col} is not null "
           f"and ({col} <= $low_max or {col} >= $high_min) and trim(comment) <> '' group by all")
    rows = con.execute(sql, params).fetchall()
    return Corpus([r[0] for r in rows], [int(r[1]) for r in rows], [int(r[2]) for r in rows])


def term_counts(c: Corpus) -> tuple[Counter, Counter]:
    """(low, high): for each term, the number of comments of the group that contain it."""
    stop = words.stop_words()
    low: Counter = Counter()
    high: Counter = Counter()
    for text, lo, hi in zip(c.texts, c.low, c.high, strict=True):
        for t in words.terms(text, stop):
            if lo:
                low[t] += lo
            if hi:
                high[t] += hi
    return low, high


def log_odds(low: Counter, high: Counter, prior_share: float = PRIOR_SHARE) -> dict[str, float]:
    """z-score of each term's weighted log-odds, low group against high (eq. 22, module docstring)."""
    n_i, n_j = sum(low.values()), sum(high.values())
    n = n_i + n_j
    if not n_i or not n_j:
        return {}
    a0 = prior_share * n
    out = {}
    for t in low.keys() | high.keys():
        yi, yj = low.get(t, 0), high.get(t, 0)
        a = a0 * (yi + yj) / n
        delta = (math.log((yi + a) / (n_i + a0 - yi - a)) - math.log((yj + a) / (n_j + a0 - yj - a)))
        out[t] = delta / math.sqrt(1 / (yi + a) + 1 / (yj + a))
    return out


def _shadowed(low: Counter, high: Counter) -> set[str]:
    """Words that only ever appear inside one phrase ("nascosti" of "costi nascosti": the same
    comments in both groups): the phrase says more, so the word alone is left out."""
    out = set()
    for t in low.keys() | high.keys():
        if " " in t:
            out.update(w for w in t.split(" ") if low.get(w, 0) == low.get(t, 0) and high.get(w, 0) == high.get(t, 0))
    return out


def _side(z: dict[str, float], counts: Counter, sign: int, limit: int, hide: set[str]) -> list[dict]:
    kept = [(t, v) for t, v in z.items()
            if sign * v > Z_MIN and counts.get(t, 0) >= MIN_COMMENTS and t not in hide]
    kept.sort(key=lambda tv: (-abs(tv[1]), tv[0]))
    return [{"term": t, "count": counts[t], "z": v, "examples": []} for t, v in kept[:limit]]


def _readable(text: str) -> bool:
    lo, hi = EXAMPLE_WORDS
    return lo <= len(text.split()) <= hi


def add_examples(themes: list[dict], c: Corpus, side: str) -> None:
    """Up to ``EXAMPLES`` comments of the side's group for each theme: the shortest readable ones
    (3 to 40 words), ties by text, so the same data gives the same examples."""
    want = {t["term"]: t["examples"] for t in themes}
    if not want:
        return
    counts = c.low if side == "low" else c.high
    stop = words.stop_words()
    pool = [(_SPACE.sub(" ", text), text) for text, k in zip(c.texts, counts, strict=True)
                  if k and _readable(text)]
    pool.sort(key=lambda p: (len(p[0]), p[0]))
    open_terms = set(want)
    for shown, text in pool:
        for t in words.terms(text, stop) & open_terms:
            if shown not in want[t]:
                want[t].append(shown)
            if len(want[t]) >= EXAMPLES:
                open_terms.discard(t)
        if not open_terms:
            return


def themes(con, filters: Filters, kpi: str = "nps", limit: int = LIMIT) -> dict:
    """``{"kpi", "n_comments", "n_low", "n_high", "low": [...], "high": [...]}``: each theme
    ``{"term", "count", "z", "examples"}``, ``count`` the comments of its group that contain it,
    ``z`` positive when the low group says it more; strongest first."""
    c = corpus(con, filters, kpi)
    low, high = term_counts(c)
    z, hide = log_odds(low, high), _shadowed(low, high)
    out = {"kpi": kpi, "n_comments": c.n_low + c.n_high, "n_low": c.n_low, "n_high": c.n_high,
           "low": _side(z, low, 1, limit, hide), "high": _side(z, high, -1, limit, hide)}
    add_examples(out["low"], c, "low")
    add_examples(out["high"], c, "high")
    return out
