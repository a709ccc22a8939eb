"""From source text to canonical values: every row either gets typed values or one reject
(line, column, value, reason). Column-at-a-time pandas; the first failing check of a row wins.

Nothing here guesses a number. The import stops (``MappingProblem``, nothing written) when:

- a required field has no column and no constant (``set:FIELD``), or no score column is mapped;
- a score column holds labels nobody told us the meaning of (each label, its rows and the
  ``FIELD.value:LABEL`` option that maps it are listed), or does not fit its scale;
- more than 1% of the rows, and more than one, would be rejected for one reason (rejects are
  for broken rows, not for a class of answers), unless ``accept_rejects`` is on.

Category values (channel, segment, region, product, touchpoint, stage) are trimmed, matched
case-folded through the synonyms (``Telefono`` -> ``phone``) or the caller's value map, and
spellings that differ only in case or punctuation stored as the commonest one; every change is
listed. Personal-data columns are left out of the attributes unless kept (``keep:COLUMN``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..schema import SCORE_RANGES
from . import mapping as mp
from .dates import parse_datetimes
from .model import IngestError
from .read import RawTable
from .scales import convert_rule, norm_text, parse_decimal, read_score
from .synonyms import VALUES

TEXT_FIELDS = ("response_id", "event_id", "customer_id", "channel", "touchpoint", "journey_stage",
               "stage", "segment", "region", "product", "comment", "session_id")
REVENUE_LIMIT = 10 ** 12  # decimal(14, 2)
REJECT_SHARE = 0.01  # more than this share of rows rejected for one reason stops the import
_LISTED_CHANGES = 30  # value changes listed per field in the conversions


class MappingProblem(IngestError):
    """The import stops before anything is written. ``problems``: one sentence each; ``fixes``:
    option keys that would settle them, with an example value; ``mapping`` and ``mapping_how``:
    the mapping as it stood, so a page can show it beside the problems."""

    def __init__(self, message: str, problems: list[str], fixes: dict[str, str],
                 mapping: dict[str, str], mapping_how: dict[str, str]):
        super().__init__(message)
        self.problems = problems
        self.fixes = fixes
        self.mapping = mapping
        self.mapping_how = mapping_how


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
    # field -> how its column was chosen ("its name is the synonym 'recordeddate'; runner-ups:
    # 'StartDate' (...)"), or the constant every row got
    mapping_how: dict[str, str] = field(default_factory=dict)
    # field -> why a column that seemed to offer it was not used ("column 'Ease' ... 0-5 scale")
    not_mapped: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # source columns not stored at all
    left_out_reasons: dict[str, str] = field(default_factory=dict)  # column -> why
    # category values stored differently from the source: field, value, stored, rows
    value_changes: list[dict] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)  # field -> value set for every row


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
            notes: list[str], date_format: str | None, ces_direction: str,
            known: dict[str, list[str]] | None = None) -> Prepared:
    """The typed rows and the rejects; ``known``: category values already in the database, per
    field, the first spelling a value of the same words takes (next month's file joins them)."""
    src = raw.frame
    n = len(src)
    name = raw.file_name
    rej = _Rejector(raw.lines)
    conversions: list[str] = list(notes)
    out: dict[str, pd.Series] = {}
    how = dict(getattr(options, "how", {}))
    not_mapped = dict(getattr(options, "not_mapped", {}))
    mp.parse_options(kind, raw.columns, options, name)
    value_map = mp.value_maps(options)
    consts = mp.constants(options)
    problems: list[str] = []
    fixes: dict[str, str] = {}
    changes: list[dict] = []

    _check_required(kind, mapping, consts, not_mapped, problems, fixes)
    conversions += [f"{f}: not mapped: {why}" for f, why in not_mapped.items()]
    for f in mp.FIELDS[kind]:
        if f not in mapping:
            continue
        col = mapping[f]
        s = src[col]
        present = s.notna().to_numpy()
        if f in mp.CATEGORY_FIELDS:
            out[f], changed = canonical_values(f, s, value_map.get(f, {}), (known or {}).get(f, ()))
            changes += changed
        elif f in TEXT_FIELDS:
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
            out[f] = _score(f, col, raw.labels.get(col, ""), s, options, ces_direction, rej,
                            conversions, value_map.get(f, {}), problems, fixes)
    for f, value in consts.items():
        out[f] = _constant(f, value, n, date_format, problems, changes)
    for ch in changes:
        conversions.append(f"{ch['field']}: '{ch['value']}' -> "
                           f"{'no value' if ch['stored'] is None else repr(ch['stored'])} "
                           f"({ch['rows']} row{'s' if ch['rows'] != 1 else ''})")
    conversions = _cap_changes(conversions, changes)

    for f in mp.REQUIRED[kind]:
        col = mapping.get(f)
        if col is not None and f not in consts:
            rej.add(out[f].isna().to_numpy(), col, None, f"{f} missing (required)")
    if kind == "responses":
        scores = [f for f in SCORE_RANGES if f in out]
        if scores:
            none = np.ones(n, dtype=bool)
            for f in scores:
                none &= out[f].isna().to_numpy()
            rej.add(none, None, None, "no score answered (" + ", ".join(scores) + " all empty)")

    id_field = mp.ID_FIELD[kind]
    if id_field in out:
        ids = out[id_field]
        live = pd.Series(~rej.rejected) & ids.notna()
        dup = ids.where(live).duplicated(keep="first") & live
        if dup.any():
            # A row repeated whole (every column the same) is a duplicate inside the file, counted
            # as such by the load; the same id with other values is a conflict: rejected.
            same_row = pd.Series(pd.util.hash_pandas_object(src, index=False).to_numpy())
            first_row = same_row.groupby(ids.where(live)).transform("first")
            conflict = dup & (same_row != first_row)
            first = pd.Series(raw.lines).groupby(ids.where(live)).transform("first")
            reason = ("same id as line " + first.astype("Int64").astype("str")
                      + " with other values (a row repeated whole counts as a duplicate)")
            rej.add(conflict.to_numpy(), mapping[id_field], ids, reason)

    bad = pd.DataFrame([{"line": ln, "column": None, "value": text[:500],
                         "reason": f"expected {raw.expected_fields} fields, found {found}"}
                        for ln, found, text in raw.bad_rows],
                       columns=["line", "column", "value", "reason"])
    rejects = pd.concat([bad, *rej.parts], ignore_index=True) if (rej.parts or len(bad)) else bad
    rejects = rejects.astype({"line": "int64"}).sort_values("line", kind="stable").reset_index(drop=True)
    rows_read = n + len(raw.bad_rows)
    # Column problems first: their rows would only repeat them as a share of rejects.
    if not problems and not mp.is_on(options.get("accept_rejects")):
        _check_reject_share(rejects, rows_read, problems, fixes)
    if problems:
        raise MappingProblem(
            f"{name}: nothing was imported.\n" + "\n".join(f"- {p}" for p in problems),
            problems, fixes, dict(mapping), how)

    keep = ~rej.rejected
    missing = pd.Series(np.full(n, None, dtype=object), dtype="object")  # built once, not per field
    frame = pd.DataFrame({f: out[f] if f in out else missing for f in mp.FIELDS[kind]})
    frame["line"] = raw.lines
    frame = frame[keep].reset_index(drop=True)
    used = set(mapping.values())
    kept = mp.kept_columns(options)
    left_out = {c: why for c in raw.columns if c not in used and c not in kept
                and (why := mp.personal_reason(c))}
    for c, why in left_out.items():
        conversions.append(f"column '{c}' left out: {why}, personal data (keep it with "
                           f"--keep-column, option keep:{c}=yes).")
    attributes = [c for c in raw.columns if c not in used and c not in left_out]
    attr_frame = src.loc[keep, attributes].reset_index(drop=True)
    return Prepared(kind, mapping, options, _dedupe(conversions), frame, attributes, attr_frame,
                    rejects, rows_read, mapping_how=how, not_mapped=not_mapped,
                    left_out=list(left_out), left_out_reasons=left_out,
                    value_changes=changes, constants=consts)


def _check_required(kind: str, mapping: dict[str, str], consts: dict[str, str],
                    not_mapped: dict[str, str], problems: list[str], fixes: dict[str, str]) -> None:
    """One problem per required field with no column and no constant (never a reject per row)."""
    for f in mp.REQUIRED[kind]:
        if f not in mapping and f not in consts:
            why = f" ({not_mapped[f]})" if f in not_mapped else ""
            example = "2024-01-31" if f.endswith("_at") else "VALUE"
            problems.append(f"no column for {f}, which every row needs{why}: map one with "
                            f"--map {f}=COLUMN, or give every row a value with --set {f}={example}.")
            fixes[f"set:{f}"] = example
    if kind == "responses" and not any(f in mapping for f in SCORE_RANGES):
        refused = [f"{f}: {why}" for f, why in not_mapped.items() if f in SCORE_RANGES]
        problems.append("no score column (nps, csat, ces, needs_met, enjoyment, cx_level) is mapped"
                        + (": " + " ".join(refused) if refused else "; map one with --map nps=COLUMN."))


def _check_reject_share(rejects: pd.DataFrame, rows_read: int, problems: list[str],
                        fixes: dict[str, str]) -> None:
    if rejects.empty:
        return
    # Rows without any answer are not a misread class of answers: every KPI counts answered
    # responses only, so leaving them out biases nothing (support-ticket and partial-response
    # exports are mostly such rows). They are still listed as rejects, and counted.
    rejects = rejects[~rejects["reason"].astype("str").str.startswith("no score answered")]
    reason = (rejects["reason"].astype("str")
              .str.replace(r"^same id as line \d+ ", "same id as an earlier line ", regex=True))
    key = rejects["column"].fillna("").astype("str") + "\x1f" + reason
    for k, rows in rejects.groupby(key, sort=False)["line"]:
        count = len(rows)
        if count >= 2 and count > REJECT_SHARE * rows_read:
            col, why = k.split("\x1f", 1)
            lines = ", ".join(str(x) for x in rows.head(5))
            problems.append(f"{count} of {rows_read} rows ({100 * count / rows_read:.1f}%) would be "
                            f"rejected{' for ' + repr(col) if col else ''}: {why} (lines {lines}"
                            f"{', ...' if count > 5 else ''}). Rejects are for a few broken rows: fix "
                            "the file or the mapping, or load the other rows deliberately with "
                            "--accept-rejects.")
            fixes["accept_rejects"] = "yes"


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
    table = VALUES.get(f, {})
    in_db = {}
    for v in known:
        in_db.setdefault(norm_text(v) or v.casefold(), v)
    stored: dict[str, str | None] = {}
    groups: dict[str, list[str]] = {}
    for v in counts.index:
        k = norm_text(v) or v.casefold()
        if k in value_map:
            stored[v] = value_map[k]
        elif k in in_db:
            stored[v] = in_db[k]
        elif k in table:
            stored[v] = table[k]
        else:
            groups.setdefault(k, []).append(v)
    for variants in groups.values():
        for v in variants:
            stored[v] = variants[0]
    changed = {v: t for v, t in stored.items() if t != v}
    if not changed:
        return s, []
    result = s.astype("object").map(lambda v: changed.get(v, v) if isinstance(v, str) else None)
    return result, [{"field": f, "value": v, "stored": t, "rows": int(counts[v])}
                    for v, t in changed.items()]


def _cap_changes(conversions: list[str], changes: list[dict]) -> list[str]:
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
                out.append(f"{f}: and {per[f] - _LISTED_CHANGES} more values changed.")
            if seen[f] > _LISTED_CHANGES:
                continue
        out.append(c)
    return out


def _constant(f: str, value: str, n: int, date_format: str | None, problems: list[str],
              changes: list[dict]) -> pd.Series:
    """Every row's value of a ``set:FIELD`` option."""
    if f in ("responded_at", "occurred_at"):
        ts, _ = parse_datetimes(pd.Series([value], dtype="str"), date_format, f)
        if ts.isna().iloc[0]:
            problems.append(f"set:{f}: {value!r} is not a date (write it like 2024-01-31).")
        return pd.Series(np.repeat(ts.to_numpy()[:1], n), dtype="datetime64[us]")
    stored = value
    if f in mp.CATEGORY_FIELDS:
        stored = VALUES.get(f, {}).get(norm_text(value), value)
        if stored != value:
            changes.append({"field": f, "value": value, "stored": stored, "rows": n})
    return pd.Series([stored] * n, dtype="object")


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _score(f: str, col: str, label: str, s: pd.Series, options: dict[str, str],
           ces_direction: str, rej: _Rejector, conversions: list[str],
           value_map: dict[str, str | None], problems: list[str], fixes: dict[str, str]) -> pd.Series:
    numbers = {k: (None if v is None else float(v)) for k, v in value_map.items()}
    read = read_score(s, f, conversions, numbers)
    num, implied = read.num, read.direction
    present = (s.notna() & ~read.blanked).to_numpy()
    if read.unknown:
        unread = int(sum(read.unknown.values()))
        as_labels = read.labelled or unread * 2 > int(present.sum()) \
            or max(read.unknown.values()) >= 2
        if as_labels:
            problems.append(_unknown_labels(f, col, s, read.unknown, fixes))
        else:  # a stray word in a column of numbers: a broken row
            rej.add(present & num.isna().to_numpy(), col, s, "not a number or a known label")
    rej.add((num.notna() & (num % 1 != 0)).to_numpy(), col, s, "not a whole number")
    lo, hi = SCORE_RANGES[f]
    if options.get(f"{f}.scale"):
        a, b = _parse_scale(options[f"{f}.scale"])
        how = "as the import was told"
    else:
        a, b = lo, hi
        misfit = mp.score_misfit(f, col, label, num)
        if misfit:  # the whole column is the problem, not its rows
            problems.append(f"{f}: column '{col}' does not fit: {misfit}.")
            fixes.setdefault(f"{f}.scale", misfit.split(f"{f}.scale=")[1].split()[0]
                             if f"{f}.scale=" in misfit else "LOW-HIGH")
            return pd.Series(pd.NA, index=s.index, dtype="Int8")
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


def _unknown_labels(f: str, col: str, s: pd.Series, unknown: dict[str, int],
                    fixes: dict[str, str]) -> str:
    """The sentence that lists a score column's unknown labels and the options that map them."""
    lo, hi = SCORE_RANGES[f]
    listed = "; ".join(f"'{label}' ({rows} row{'s' if rows != 1 else ''}): "
                       f"--map-value {f}:{_quoted(label)}=N" for label, rows in unknown.items())
    for label in unknown:
        fixes[f"{f}.value:{label}"] = ""
    distinct = s.dropna().nunique()
    binary = ""
    if distinct == 2 and f in ("csat", "needs_met", "enjoyment"):
        binary = (f" The column has two answers only: {f.upper() if f == 'csat' else f} counts the "
                  f"share of 4 and 5, so map the positive answer to 5 and the other to 1 or 2 (a "
                  "'neutral or dissatisfied' answer is not satisfied).")
    return (f"{f}: column '{col}' holds labels with no known score on its {lo}-{hi} scale: "
            f"{listed}. Give each one a number (or nothing, for 'no answer'); no row was "
            f"dropped in their place.{binary}")


def _quoted(label: str) -> str:
    return f'"{label}"' if re.search(r"[\s=:\"']", label) else label


def _parse_scale(text: str) -> tuple[int, int]:
    parts = text.replace("–", "-").split("-")
    try:
        a, b = int(parts[0]), int(parts[1])
    except (ValueError, IndexError) as exc:
        raise IngestError(f"a scale is written like 0-5 or 1-10, not {text!r}") from exc
    if b <= a:
        raise IngestError(f"a scale is written low-high, like 0-5 or 1-10, not {text!r}")
    return a, b
