"""The checks that span fields or rows: required fields, rows with no score, ids repeated with
other values, and a class of rejects too large to be broken rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import N_, _
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
            problems.append(_("no column for {field}, which every row needs{why}: map one with "
                              "--map {field}=COLUMN, or give every row a value with --set {field}={example}.").format(
                field=f, why=why, example=example))
            fixes[f"set:{f}"] = example
    if kind == "responses" and not any(f in mapping for f in SCORE_RANGES):
        refused = [f"{f}: {why}" for f, why in not_mapped.items() if f in SCORE_RANGES]
        problems.append(_("no score column (nps, csat, ces, needs_met, enjoyment, cx_level) is mapped: {refused}").format(
            refused=" ".join(refused)) if refused else
            _("no score column (nps, csat, ces, needs_met, enjoyment, cx_level) is mapped; map one with --map nps=COLUMN."))


# Survey tools mark their own test answers: Qualtrics' Status ('Survey Preview', 'Survey Test',
# 'Spam') and DistributionChannel ('preview', 'test'). They are not respondents.
_TOOL_STATUS_COLUMNS = {"status", "response type", "distributionchannel", "distribution channel"}
_NOT_RESPONDENTS = {"survey preview", "preview", "survey test", "test", "spam"}
NOT_A_RESPONDENT = N_("not a respondent")
NO_SCORE = N_("no score answered ({fields} all empty)")
SAME_ID = N_("same id as line {line} with other values (a row repeated whole counts as a duplicate)")
SAME_ID_EARLIER = N_("same id as an earlier line with other values (a row repeated whole counts as a duplicate)")


def reject_tool_tests(raw: RawTable, rej: Rejector) -> None:
    """Rows a survey tool marks as its preview, test or spam answers: listed as rejects, never in a
    figure (the trials counted 5 Qualtrics 'Survey Preview' rows as customers)."""
    for col in raw.columns:
        if col.strip().casefold() not in _TOOL_STATUS_COLUMNS:
            continue
        values = raw.frame[col]
        hit = values.str.strip().str.casefold().isin(_NOT_RESPONDENTS).fillna(False).to_numpy(bool)
        rej.add(hit, col, values, _("a survey tool's preview, test or spam answer, {why}").format(
            why=_(NOT_A_RESPONDENT)))


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
            rej.add(none, None, None, _(NO_SCORE).format(fields=", ".join(scores)))
    for f in REQUIRED[kind]:
        col = mapping.get(f)
        if col is not None and f not in consts:
            rej.add(out[f].isna().to_numpy(), col, None, _("{field} missing (required)").format(field=f))


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
        before, after = _(SAME_ID).split("{line}")
        reason = before + first.astype("Int64").astype("str") + after
        rej.add(conflict.to_numpy(), mapping[id_field], ids, reason)


def check_reject_share(rejects: pd.DataFrame, rows_read: int, problems: list[str],
                       fixes: dict[str, str]) -> None:
    if rejects.empty:
        return
    # Rows without any answer are not a misread class of answers: every KPI counts answered
    # responses only, so leaving them out biases nothing (support-ticket and partial-response
    # exports are mostly such rows). They are still listed as rejects, and counted.
    # (the tool's own preview and test answers likewise: a known class, not a misreading)
    # (the reasons are in the language of this run, as they were written)
    reason_text = rejects["reason"].astype("str")
    no_score = _(NO_SCORE).split("{fields}")[0]
    rejects = rejects[~(reason_text.str.startswith(no_score) | reason_text.str.endswith(_(NOT_A_RESPONDENT)))]
    same_id = "^" + r"\d+".join(re.escape(p) for p in _(SAME_ID).split("{line}")) + "$"
    reason = rejects["reason"].astype("str").str.replace(same_id, _(SAME_ID_EARLIER).replace("\\", "\\\\"),
                                                         regex=True)
    key = rejects["column"].fillna("").astype("str") + "\x1f" + reason
    for k, rows in rejects.groupby(key, sort=False)["line"]:
        count = len(rows)
        if count >= 2 and count > REJECT_SHARE * rows_read:
            col, why = k.split("\x1f", 1)
            lines = ", ".join(str(x) for x in rows.head(5))
            lines += ", ..." if count > 5 else ""
            share = i18n.number(100 * count / rows_read, 1)
            problems.append((_("{count} of {rows} rows ({share}%) would be rejected for {column}: {why} (lines "
                               "{lines}). Rejects are for a few broken rows: fix the file or the mapping, or "
                               "load the other rows deliberately with --accept-rejects.") if col else
                             _("{count} of {rows} rows ({share}%) would be rejected: {why} (lines {lines}). "
                               "Rejects are for a few broken rows: fix the file or the mapping, or load the "
                               "other rows deliberately with --accept-rejects.")).format(
                count=count, rows=rows_read, share=share, column=repr(col), why=why, lines=lines))
            fixes["accept_rejects"] = "yes"
