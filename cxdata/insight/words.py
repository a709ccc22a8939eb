"""Words of a comment: tokens, stop words, and the terms (words and two-word phrases) themes count.

- Tokens: lower case, Unicode words (letters and digits, accents kept), split at apostrophes
  ("dall'app" is "dall" + "app"); English negative contractions become "not" first ("don't" ->
  "do not"), so that an apostrophe does not cut a negation off. Tokens of one character and bare
  numbers are never a term (but still part of the sequence: "consumi e bollette" has no phrase).
- Stop words: English and Italian from the ``stop-words`` package (maintained, BSD, no
  dependencies; its lists are plain files), with their elided forms ("dell'") split the same way,
  less ``KEEP``: its English list (1,333 words merged from several sources) holds words customers
  complain or praise with ("problem", "long", "good", "help", "call"), which a theme must show.
- Negations ("non", "not", "mai", "senza", ...) are never a theme alone, but may start a
  phrase: "non risolto" says the opposite of "risolto".
- Terms: every token that is neither a stop word nor a negation, and every two consecutive tokens
  where the second is such a token and the first is one too or a negation.

``terms`` does it in Python, for one text; ``TERMS_SQL`` does the same in DuckDB for every text of
a corpus at once (RE2's ``[\\p{L}\\p{N}]`` for Python's ``[^\\W_]``; tests/test_themes.py checks
they give the same terms), with the shortest readable examples of each term.
"""

from __future__ import annotations

import functools
import re

_TOKEN = re.compile(r"[^\W_]+")
_NEG_CONTRACTION = (
    (re.compile(r"\bcan['’]t\b"), "cannot"),
    (re.compile(r"\bwon['’]t\b"), "will not"),
    (re.compile(r"n['’]t\b"), " not"),
)
_SPLIT = re.compile(r"[^\w]+")

NEGATIONS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "noone", "cannot", "without", "neither", "nor",
    "non", "mai", "senza", "niente", "nulla", "nessuno", "nessuna", "nessun", "né",
})
KEEP = frozenset({
    "best", "better", "good", "great", "greater", "greatest", "long", "longer", "longest", "problem",
    "problems", "help", "quickly", "promptly", "poorly", "free", "clear", "clearly", "sorry", "thank",
    "thanks", "welcome", "useful", "usefully", "usefulness", "serious", "seriously", "unfortunately",
    "immediately", "call", "work", "worked", "working", "website", "site", "page", "order", "ordered",
    "orders", "bill", "okay", "kind", "liked", "fairly", "early", "late", "closed", "open",
})


@functools.cache
def stop_words() -> frozenset[str]:
    """English and Italian stop words (``stop-words``), elided forms split, less ``KEEP``."""
    from stop_words import get_stop_words

    words: set[str] = set()
    for lang in ("en", "it"):
        for w in get_stop_words(lang):
            w = w.lower()
            words.add(w)
            words.update(p for p in _SPLIT.split(w) if p)
    return frozenset(words - KEEP - NEGATIONS)


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order (see the module's docstring)."""
    text = text.lower()
    for pattern, repl in _NEG_CONTRACTION:
        text = pattern.sub(repl, text)
    return _TOKEN.findall(text)


def terms(text: str, stop: frozenset[str] | None = None) -> set[str]:
    """The words and two-word phrases of ``text`` a theme may be (each once)."""
    stop = stop_words() if stop is None else stop
    toks = tokens(text)
    content = [_content(t, stop) for t in toks]
    out = {t for t, ok in zip(toks, content, strict=True) if ok}
    starts = [ok or t in NEGATIONS for t, ok in zip(toks, content, strict=True)]
    pairs = zip(toks, toks[1:], starts, content[1:], strict=False)  # the last token starts no phrase
    out.update(f"{a} {b}" for a, b, first, ok in pairs if first and ok)
    return out


def _content(token: str, stop: frozenset[str]) -> bool:
    """A token that may be a theme: two characters or more, not a bare number, no stop word or negation."""
    return len(token) > 1 and not token.isdigit() and token not in stop and token not in NEGATIONS


# The terms of every comment of a corpus and, per term, the comments of each group that contain
# it and their shortest readable texts. ``{corpus}``: a query of (text, low, high) per distinct text
# (whitespace already collapsed). Each text becomes tokens (the contractions first), each token is
# marked content or negation by a hash join on the stop words and negations, ``lag`` over the
# token's position gives the phrases, and ``union`` counts a term once per text. The last row,
# without a term, holds the comments of each group.
TERMS_SQL = r"""
with src as ({corpus}),
docs as materialized (
    select row_number() over (order by text) as doc, text, low, high,
           array_length(string_split(text, ' ')) between $ex_lo and $ex_hi as readable,
           regexp_extract_all(case when not regexp_matches(text, 'n[''’]t') then lower(text)
               else regexp_replace(regexp_replace(regexp_replace(lower(text), '\bcan[''’]t\b', 'cannot', 'g'),
                   '\bwon[''’]t\b', 'will not', 'g'), 'n[''’]t\b', ' not', 'g') end,
               '[\p{{L}}\p{{N}}]+') as toks
    from src
),
toks as (select doc, unnest(toks) as tok, generate_subscripts(toks, 1) as pos from docs),
stop as (select unnest($stop) as w),
neg as (select unnest($neg) as w),
marked as (
    select t.doc, t.tok, t.pos, n.w is not null as negation,
           length(t.tok) > 1 and not regexp_matches(t.tok, '^[0-9]+$') and s.w is null and n.w is null as content
    from toks t left join stop s on s.w = t.tok left join neg n on n.w = t.tok
),
seq as (
    select doc, tok, content, lag(tok) over w as prev_tok, lag(content) over w as prev_content,
           lag(negation) over w as prev_neg
    from marked window w as (partition by doc order by pos)
),
terms as (
    select doc, tok as term from seq where content
    union
    select doc, prev_tok || ' ' || tok from seq where content and (prev_content or prev_neg)
)
select term, sum(d.low)::bigint as low, sum(d.high)::bigint as high,
       min_by(d.text, {{'l': length(d.text), 't': d.text}}, $examples) filter (where d.low > 0 and d.readable) as ex_low,
       min_by(d.text, {{'l': length(d.text), 't': d.text}}, $examples) filter (where d.high > 0 and d.readable) as ex_high
from terms join docs d using (doc)
group by term
union all  -- the totals: the comments of each group, as a row without a term
select null, coalesce(sum(low), 0)::bigint, coalesce(sum(high), 0)::bigint, null, null from docs
"""


def terms_params(examples: int, words_range: tuple[int, int]) -> dict:
    """The values ``TERMS_SQL`` binds besides the corpus's own."""
    return {"stop": sorted(stop_words()), "neg": sorted(NEGATIONS), "examples": examples,
            "ex_lo": words_range[0], "ex_hi": words_range[1]}
