"""From source text to canonical values: every row either gets typed values or one reject
(line, column, value, reason). Column-at-a-time pandas; the first failing check of a row wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..schema import SCORE_RANGES
from . import mapping as mp
from .dates import parse_datetimes
from .model import IngestError
from .read import RawTable
from .scales import STANDARD_SCALES, convert_rule, detect_scale, parse_decimal, parse_score, scale_from_text

TEXT_FIELDS = ("response_id", "event_id", "customer_id", "channel", "touchpoint", "journey_stage",
               "stage", "segment", "region", "product", "comment", "session_id")
REVENUE_LIMIT = 10 ** 12  # decimal(14, 2)


@dataclass
class Prepared:
    kind: str
    mapping: dict[str, str]
    options: dict[str, str]
    conversions: list[str]
    frame: pd.DataFrame  # canonical columns + 'line' + 'source_id'; accepted rows only
    attributes: list[str]  # unmapped source columns, kept as text
    attr_frame: pd.DataFrame  # their values, accepted rows only
    rejects: pd.DataFrame  # line, column, value, reason
    rows_read: int
    notes: list[str] = field(default_factory=list)


class _Rejector:
    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.rejected = np.zeros(len(lines), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask, column: str | None, values: pd.Series | None, reason) -> None:
        mask = np.asarray(mask, dtype=bool) & ~self.rejected
        if not mask.any():
            return
        vals = values[mask].astype("object").where(values[mask].notna(), None) if values is not None \
            else pd.Series([None] * int(mask.sum()), dtype="object")
        reasons = reason[mask] if isinstance(reason, pd.Series | np.ndarray) else reason
        self.parts.append(pd.DataFrame({
            "line": self.lines[mask], "column": column,
            "value": vals.to_numpy(dtype=object), "reason": np.asarray(reasons, dtype=object)
            if not isinstance(reasons, str) else reasons,
        }))
        self.rejected |= mask


def prepare(raw: RawTable, kind: str, mapping: dict[str, str], options: dict[str, str],
            notes: list[str], date_format: str | None, ces_direction: str) -> Prepared:
    src = raw.frame
    n = len(src)
    rej = _Rejector(raw.lines)
    conversions: list[str] = list(notes)
    out: dict[str, pd.Series] = {}

    for f in mp.FIELDS[kind]:
        if f not in mapping:
            continue
        col = mapping[f]
        s = src[col]
        present = s.notna().to_numpy()
        if f in TEXT_FIELDS:
            out[f] = s
        elif f in ("responded_at", "occurred_at"):
            ts, dnotes = parse_datetimes(s, date_format, f, raw.timezones.get(col))
            conversions += dnotes
            rej.add(present & ts.isna().to_numpy(), col, s, "not a date")
            out[f] = ts
        elif f == "revenue":
            num = parse_decimal(s, f, conversions)
            rej.add(present & num.isna().to_numpy(), col, s, "not a number")
            rej.add(present & (num.abs() >= REVENUE_LIMIT).to_numpy(), col, s, "too large")
            out[f] = num.round(2)
        else:
            out[f] = _score(f, col, raw.labels.get(col, ""), s, present, options, ces_direction,
                            rej, conversions)

    for f in mp.REQUIRED[kind]:
        col = mapping.get(f)
        if col is None:
            rej.add(np.ones(n, dtype=bool), None, None, f"no column for {f} (required)")
        else:
            rej.add(src[col].isna().to_numpy(), col, None, f"{f} missing (required)")
    if kind == "responses":
        scores = [f for f in SCORE_RANGES if f in out]
        if scores:
            none = np.ones(n, dtype=bool)
            for f in scores:
                none &= out[f].isna().to_numpy()
            rej.add(none, None, None, "no score answered (" + ", ".join(scores) + " all empty)")
        else:
            rej.add(np.ones(n, dtype=bool), None, None, "no score column (nps, csat, ces...) mapped")

    id_field = mp.ID_FIELD[kind]
    if id_field in out:
        ids = out[id_field]
        live = pd.Series(~rej.rejected) & ids.notna()
        dup = ids.where(live).duplicated(keep="first") & live
        if dup.any():
            first = pd.Series(raw.lines).groupby(ids.where(live)).transform("first")
            reason = "duplicate id in the file, first on line " + first.astype("Int64").astype("str")
            rej.add(dup.to_numpy(), mapping[id_field], ids, reason)

    keep = ~rej.rejected
    missing = pd.Series(np.full(n, None, dtype=object), dtype="object")  # built once, not per field
    frame = pd.DataFrame({f: out[f] if f in out else missing for f in mp.FIELDS[kind]})
    frame["line"] = raw.lines
    frame = frame[keep].reset_index(drop=True)
    used = set(mapping.values())
    attributes = [c for c in raw.columns if c not in used]
    attr_frame = src.loc[keep, attributes].reset_index(drop=True)

    bad = pd.DataFrame([{"line": ln, "column": None, "value": text[:500],
                         "reason": f"expected {raw.expected_fields} fields, found {found}"}
                        for ln, found, text in raw.bad_rows],
                       columns=["line", "column", "value", "reason"])
    rejects = pd.concat([bad, *rej.parts], ignore_index=True) if (rej.parts or len(bad)) else bad
    rejects = rejects.astype({"line": "int64"}).sort_values("line", kind="stable").reset_index(drop=True)
    return Prepared(kind, mapping, options, _dedupe(conversions), frame, attributes, attr_frame,
                    rejects, n + len(raw.bad_rows))


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _score(f: str, col: str, label: str, s: pd.Series, present: np.ndarray, options: dict[str, str],
           ces_direction: str, rej: _Rejector, conversions: list[str]) -> pd.Series:
    num, implied = parse_score(s, f, conversions)
    rej.add(present & num.isna().to_numpy(), col, s, "not a number or a known label")
    rej.add((num.notna() & (num % 1 != 0)).to_numpy(), col, s, "not a whole number")
    lo, hi = SCORE_RANGES[f]
    scale = None
    if options.get(f"{f}.scale"):
        scale = _parse_scale(options[f"{f}.scale"])
        how = "as the import was told"
    elif (stated := scale_from_text(f"{col} {label}")) and stated in STANDARD_SCALES:
        scale, how = stated, f"as the question '{label or col}' states"
    else:
        valid = num[~rej.rejected & num.notna().to_numpy()]
        scale, how = detect_scale(f, valid), "from its values"
    a, b = scale
    out_of_range = (num.notna() & ((num < a) | (num > b))).to_numpy()
    rej.add(out_of_range, col, s, f"out of range {a}-{b}")
    if (a, b) != (lo, hi):
        table, sentence = convert_rule(f, (a, b))
        conversions.append(sentence.replace(" scale ", f" scale ({how}) ", 1))
        num = num.map(table).astype("float64")
    if f == "ces":
        source, why = mp.ces_source_direction(col, label, options, implied)
        if source is None:
            conversions.append(f"ces: taken as already in the data set's direction ({ces_direction}"
                               f"{', 1 = least effort' if ces_direction == 'effort' else ', 7 = easiest'}"
                               "); pass ces.direction=ease or effort if the export differs.")
        elif source != ces_direction:
            conversions.append(f"ces: source in the {source} direction ({why}), converted to the "
                               f"data set's {ces_direction} direction by 8 - x (1→7, 2→6, ... 7→1).")
            num = 8 - num
    # Rejected rows may hold anything (1e9, -3): blank them before the narrow cast.
    return num.where(~rej.rejected).round().astype("Int8")


def _parse_scale(text: str) -> tuple[int, int]:
    parts = text.replace("–", "-").split("-")
    try:
        a, b = int(parts[0]), int(parts[1])
    except (ValueError, IndexError) as exc:
        raise IngestError(f"a scale is written like 0-5 or 1-10, not {text!r}") from exc
    if b <= a:
        raise IngestError(f"a scale is written low-high, like 0-5 or 1-10, not {text!r}")
    return a, b
