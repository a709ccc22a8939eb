"""The checks that span fields or rows: required fields, rows with no score, ids repeated with
other values, and a class of rejects too large to be broken rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import SCORE_RANGES
from .fields import ID_FIELD, REQUIRED
from .findings import Rejector
from .read import RawTable

REJECT_SHARE = 0.01  # more than this share of rows rejected for one reason stops the import


def check_required(kind: str, mapping: dict[str, str], consts: dict[str, str],
                   not_mapped: dict[str, str], problems: list[str], fixes: dict[str, str]) -> None:
    """One problem per required field with no column and no constant (never a reject per row)."""
    for f in REQUIRED[kind]:
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


# Survey tools mark their own test answers: Qualtrics' Status ('Survey Preview', 'Survey Test',
# 'Spam') and DistributionChannel ('preview', 'test'). They are not respondents.
_TOOL_STATUS_COLUMNS = {"status", "response type", "distributionchannel", "distribution channel"}
_NOT_RESPONDENTS = {"survey preview", "preview", "survey test", "test", "spam"}
NOT_A_RESPONDENT = "not a respondent"


def reject_tool_tests(raw: RawTable, rej: Rejector) -> None:
    """Rows a survey tool marks as its preview, test or spam answers: listed as rejects, never in a
    figure (the trials counted 5 Qualtrics 'Survey Preview' rows as customers)."""
    for col in raw.columns:
        if col.strip().casefold() not in _TOOL_STATUS_COLUMNS:
            continue
        values = raw.frame[col]
        hit = values.str.strip().str.casefold().isin(_NOT_RESPONDENTS).fillna(False).to_numpy(bool)
        rej.add(hit, col, values, f"a survey tool's preview, test or spam answer, {NOT_A_RESPONDENT}")


def reject_incomplete(kind: str, mapping: dict[str, str], consts: dict[str, str],
                      out: dict[str, pd.Series], n: int, rej: Rejector) -> None:
    """Responses with no score answered, then rows missing a required field. In that order: a
    support ticket nobody rated often has no response time either, and it is an unanswered row
    (which never stops an import), not a broken one."""
    if kind == "responses":
        scores = [f for f in SCORE_RANGES if f in out]
        if scores:
            none = np.ones(n, dtype=bool)
            for f in scores:
                none &= out[f].isna().to_numpy()
            rej.add(none, None, None, "no score answered (" + ", ".join(scores) + " all empty)")
    for f in REQUIRED[kind]:
        col = mapping.get(f)
        if col is not None and f not in consts:
            rej.add(out[f].isna().to_numpy(), col, None, f"{f} missing (required)")


def reject_conflicting_ids(raw: RawTable, kind: str, mapping: dict[str, str],
                           out: dict[str, pd.Series], rej: Rejector) -> None:
    id_field = ID_FIELD[kind]
    if id_field not in out:
        return
    ids = out[id_field]
    live = pd.Series(~rej.rejected) & ids.notna()
    dup = ids.where(live).duplicated(keep="first") & live
    if dup.any():
        # A row repeated whole (every column the same) is a duplicate inside the file, counted
        # as such by the load; the same id with other values is a conflict: rejected.
        same_row = pd.Series(pd.util.hash_pandas_object(raw.frame, index=False).to_numpy())
        first_row = same_row.groupby(ids.where(live)).transform("first")
        conflict = dup & (same_row != first_row)
        first = pd.Series(raw.lines).groupby(ids.where(live)).transform("first")
        reason = ("same id as line " + first.astype("Int64").astype("str")
                  + " with other values (a row repeated whole counts as a duplicate)")
        rej.add(conflict.to_numpy(), mapping[id_field], ids, reason)


def check_reject_share(rejects: pd.DataFrame, rows_read: int, problems: list[str],
                       fixes: dict[str, str]) -> None:
    if rejects.empty:
        return
    # Rows without any answer are not a misread class of answers: every KPI counts answered
    # responses only, so leaving them out biases nothing (support-ticket and partial-response
    # exports are mostly such rows). They are still listed as rejects, and counted.
    # (the tool's own preview and test answers likewise: a known class, not a misreading)
    reason_text = rejects["reason"].astype("str")
    rejects = rejects[~(reason_text.str.startswith("no score answered") | reason_text.str.endswith(NOT_A_RESPONDENT))]
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
