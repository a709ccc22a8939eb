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
    content = [len(t) > 1 and not t.isdigit() and t not in stop and t not in NEGATIONS for t in toks]
    out = {t for t, ok in zip(toks, content, strict=True) if ok}
    for i in range(1, len(toks)):
        if content[i] and (content[i - 1] or toks[i - 1] in NEGATIONS):
            out.add(f"{toks[i - 1]} {toks[i]}")
    return out
