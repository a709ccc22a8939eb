"""Category values made canonical (the caller's value map, the spelling already stored, the
synonyms, then the commonest spelling of the same words), and how their changes are listed."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..i18n import _, ngettext
from .scales import norm_text
from .synonyms import VALUES

_LISTED_CHANGES = 30  # value changes listed per field in the conversions


def canonical_values(f: str, s: pd.Series, value_map: dict[str, str | None],
                     known: Iterable[str] = ()) -> tuple[pd.Series, list[dict]]:
    """The category column with its values canonical, and each change (field, value, stored,
    rows). The caller's value map first, then the spelling already in the database (``known``),
    then the synonyms; other spellings that differ only in case, accents or punctuation are stored
    as the commonest of them (the first on a tie)."""
    present = s.dropna()
    if present.empty:
        return s, []
    counts = present.value_counts(sort=False)
    counts = counts.iloc[np.argsort(-counts.to_numpy(), kind="stable")]
    in_db = {}
    for v in known:
        in_db.setdefault(norm_text(v) or v.casefold(), v)
    stored = _stored_spellings(counts.index, (value_map, in_db, VALUES.get(f, {})))
    changed = {v: t for v, t in stored.items() if t != v}
    if not changed:
        return s, []
    result = s.astype("object").map(lambda v: changed.get(v, v) if isinstance(v, str) else None)
    return result, [{"field": f, "value": v, "stored": t, "rows": int(counts[v])}
                    for v, t in changed.items()]


def _stored_spellings(values: Iterable[str], lookups: tuple[dict, ...]) -> dict[str, str | None]:
    """{value: what is stored}: the first lookup that knows its words, else the first (commonest)
    value with the same words."""
    stored: dict[str, str | None] = {}
    groups: dict[str, list[str]] = {}
    for v in values:
        k = norm_text(v) or v.casefold()
        table = next((t for t in lookups if k in t), None)
        if table is not None:
            stored[v] = table[k]
        else:
            groups.setdefault(k, []).append(v)
    for variants in groups.values():
        for v in variants:
            stored[v] = variants[0]
    return stored


def change_sentences(changes: list[dict]) -> list[str]:
    # " -> " stays in every language: ``cap_changes`` counts the sentences by it
    return [ngettext("{field}: '{value}' -> {stored} ({rows} row)", "{field}: '{value}' -> {stored} ({rows} rows)",
                     ch["rows"]).format(field=ch["field"], value=ch["value"], rows=ch["rows"],
                                        stored=_("no value") if ch["stored"] is None else repr(ch["stored"]))
            for ch in changes]


def cap_changes(conversions: list[str], changes: list[dict]) -> list[str]:
    """At most ``_LISTED_CHANGES`` value changes listed per field, then how many more."""
    per: dict[str, int] = {}
    for ch in changes:
        per[ch["field"]] = per.get(ch["field"], 0) + 1
    over = {f for f, k in per.items() if k > _LISTED_CHANGES}
    if not over:
        return conversions
    out, seen = [], dict.fromkeys(over, 0)
    for c in conversions:
        f = c.split(":", 1)[0]
        if f in over and " -> " in c:
            seen[f] += 1
            if seen[f] == _LISTED_CHANGES + 1:
                out.append(_("{field}: and {n} more values changed.").format(field=f, n=per[f] - _LISTED_CHANGES))
            if seen[f] > _LISTED_CHANGES:
                continue
        out.append(c)
    return out
