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

This module assembles the ``Prepared``; the work is in ``field_values`` (each field typed, with
``categories`` and ``score_values``), ``row_checks`` and ``findings`` (what was found beside the
values). The names callers import from here stay importable from here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import _
from .categories import canonical_values, cap_changes, change_sentences
from .columns import personal_reason
from .field_values import REVENUE_LIMIT, TEXT_FIELDS, constant_values, typed_values
from .fields import FIELDS
from .findings import Findings, Rejector
from .options import constants, is_on, kept_columns, parse_options
from .prepared import MappingProblem, Prepared
from .read import RawTable
from .row_checks import (
    REJECT_SHARE,
    check_reject_share,
    check_required,
    reject_conflicting_ids,
    reject_incomplete,
    reject_tool_tests,
)

__all__ = ["REJECT_SHARE", "REVENUE_LIMIT", "TEXT_FIELDS", "MappingProblem", "Prepared",
           "canonical_values", "prepare"]


def prepare(raw: RawTable, kind: str, mapping: dict[str, str], options: dict[str, str],
            notes: list[str], date_format: str | None, ces_direction: str,
            known: dict[str, list[str]] | None = None) -> Prepared:
    """The typed rows and the rejects; ``known``: category values already in the database, per
    field, the first spelling a value of the same words takes (next month's file joins them)."""
    n = len(raw.frame)
    found = Findings(Rejector(raw.lines), list(notes))
    how = dict(getattr(options, "how", {}))
    not_mapped = dict(getattr(options, "not_mapped", {}))
    parse_options(kind, raw.columns, options, raw.file_name)
    consts = constants(options)

    check_required(kind, mapping, consts, not_mapped, found.problems, found.fixes)
    reject_tool_tests(raw, found.rejects)
    found.conversions += [_("{field}: not mapped: {why}").format(field=f, why=why) for f, why in not_mapped.items()]
    out = typed_values(raw, kind, mapping, options, date_format, ces_direction, known, found)
    out.update(constant_values(consts, n, date_format, found))
    found.conversions += change_sentences(found.changes)
    found.conversions = cap_changes(found.conversions, found.changes)
    reject_incomplete(kind, mapping, consts, out, n, found.rejects)
    reject_conflicting_ids(raw, kind, mapping, out, found.rejects)

    rejects = found.rejects.frame(raw.bad_rows, raw.expected_fields)
    rows_read = n + len(raw.bad_rows)
    # Column problems first: their rows would only repeat them as a share of rejects.
    if not found.problems and not is_on(options.get("accept_rejects")):
        check_reject_share(rejects, rows_read, found.problems, found.fixes)
    if found.problems:
        raise MappingProblem(
            nothing_imported(raw.file_name, found.problems),
            found.problems, found.fixes, dict(mapping), how)

    keep = ~found.rejects.rejected
    frame = _canonical_frame(kind, out, raw.lines, keep)
    left_out = _left_out(raw.columns, mapping, options)
    found.conversions += [_("column '{column}' left out: {why}, personal data (keep it with "
                            "--keep-column, option keep:{column}=yes).").format(column=c, why=_(why))
                          for c, why in left_out.items()]
    used = set(mapping.values())
    attributes = [c for c in raw.columns if c not in used and c not in left_out]
    attr_frame = raw.frame.loc[keep, attributes].reset_index(drop=True)
    return Prepared(kind, mapping, options, _dedupe(found.conversions), frame, attributes,
                    attr_frame, rejects, rows_read, mapping_how=how, not_mapped=not_mapped,
                    left_out=list(left_out), left_out_reasons=left_out,
                    value_changes=found.changes, constants=consts)


def nothing_imported(file_name: str, problems: list[str]) -> str:
    """The message of an import stopped before writing: the file, then one line per problem."""
    return _("{file}: nothing was imported.").format(file=file_name) + "\n" + "\n".join(f"- {p}" for p in problems)


def _canonical_frame(kind: str, out: dict[str, pd.Series], lines: np.ndarray,
                     keep: np.ndarray) -> pd.DataFrame:
    """Every field of the kind (missing ones as None) and ``line``, accepted rows only."""
    n = len(lines)
    missing = pd.Series(np.full(n, None, dtype=object), dtype="object")  # built once, not per field
    frame = pd.DataFrame({f: out[f] if f in out else missing for f in FIELDS[kind]})
    frame["line"] = lines
    return frame[keep].reset_index(drop=True)


def _left_out(columns: list[str], mapping: dict[str, str], options: dict[str, str]) -> dict[str, str]:
    """{column: why} of the personal-data columns no field uses and the caller did not keep."""
    used = set(mapping.values())
    kept = kept_columns(options)
    return {c: why for c in columns if c not in used and c not in kept
            and (why := personal_reason(c))}


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
