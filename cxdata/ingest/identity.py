"""Which source an import belongs to, which key identifies its rows, and which dates are plausible.

- **Source**: the survey or export stream (``--source NAME``). Without one, the source of the
  latest import whose file had the same columns (its *header signature*: the kind and the set of
  column names, case and spacing aside), so next month's export of the same survey joins it; a file
  with columns never seen before starts a new source named after the file and its signature.
- **Key**: the column mapped to the id field (``id:<column>``) when there is one, else a hash of
  the whole raw row (``row-hash``); see ``load`` for how keys are compared.
- **Plausible dates**: from 1900-01-01 to one day after the import; ``min_date`` / ``max_date``
  widen the window for a deliberate back-fill or a forecast file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import _
from .fields import ID_FIELD
from .model import IngestError
from .prepared import Prepared

EARLIEST = date(1900, 1, 1)
SOURCE_NAME = re.compile(r"^[\w][\w .:@/+-]{0,79}$")


@dataclass(frozen=True)
class Identity:
    source: str
    source_reason: str  # one sentence: why this source
    signature: str
    key: str  # 'id:<column>' or 'row-hash'
    key_reason: str


def header_signature(kind: str, columns: list[str]) -> str:
    names = sorted({re.sub(r"\s+", " ", c).strip().casefold() for c in columns})
    return hashlib.sha1("\x1f".join([kind, *names]).encode()).hexdigest()[:12]


def _slug(file_name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name.rsplit("/", 1)[-1])
    stem = re.sub(r"[\d_\-. ]*\d[\d_\-. ]*", "-", stem)  # dates and numbers: monthly files share it
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    return stem[:40] or "file"


def identify(con, prepared: Prepared, columns: list[str], file_name: str,
             source: str | None) -> Identity:
    kind = prepared.kind
    signature = header_signature(kind, columns)
    if source is not None:
        source = source.strip()
        if not SOURCE_NAME.match(source):
            raise IngestError(_("{file}: source {source}: use 1-80 letters, digits, spaces or . _ - : @ / +, "
                                "starting with a letter or digit.").format(file=file_name, source=repr(source)))
        kinds = {r[0] for r in con.execute("select distinct kind from imports where source = $s",
                                           {"s": source}).fetchall()}
        if kinds - {kind}:
            raise IngestError(_("{file}: source {source} holds {kinds}, not {kind}: name another source.").format(
                file=file_name, source=repr(source), kinds=", ".join(sorted(kinds)), kind=kind))
        reason = _("given with --source")
    else:
        row = con.execute("select source, import_id from imports where header_signature = $sig "
                          "and status = 'done' order by import_id desc limit 1", {"sig": signature}).fetchone()
        if row:
            source, reason = row[0], _("the source of import {id}, a file with the same columns").format(id=row[1])
        else:
            source = f"{_slug(file_name)}-{signature[:6]}"
            reason = _("a new source: no earlier file had these columns (name one with --source)")
    id_field = ID_FIELD[kind]
    id_col = prepared.mapping.get(id_field)
    if id_col:
        missing = int(prepared.frame[id_field].isna().sum())
        key = f"id:{id_col}"
        key_reason = _("column {column} is mapped to {field}: a row is (source, {name})").format(
            column=repr(id_col), field=id_field, name=id_col)
        if missing:
            key_reason += _("; {n} rows without one are keyed by a hash of the whole row").format(n=i18n.count(missing))
    else:
        key = "row-hash"
        key_reason = _("no column is mapped to {field}: a row is keyed by a hash of all its {n} columns, and "
                       "identical rows in the file are all kept").format(field=id_field, n=len(columns))
    return Identity(source, reason, signature, key, key_reason)


def check_dates(prepared: Prepared, raw_frame: pd.DataFrame, raw_lines: np.ndarray,
                min_date: date | None, max_date: date | None,
                now: datetime | None = None) -> Prepared:
    """``prepared`` with the rows dated outside the plausible window moved to its rejects."""
    field = "responded_at" if prepared.kind == "responses" else "occurred_at"
    if field not in prepared.frame.columns:
        return prepared
    lo = pd.Timestamp(min_date or EARLIEST)
    latest = max_date or ((now or datetime.now()) + timedelta(days=1)).date()
    hi = pd.Timestamp(latest) + pd.Timedelta(days=1)  # the whole last day
    when = prepared.frame[field]
    early, late = (when < lo).fillna(False).to_numpy(bool), (when >= hi).fillna(False).to_numpy(bool)
    bad = early | late
    if not bad.any():
        return prepared
    column = prepared.mapping.get(field)
    lines = prepared.frame["line"].to_numpy()[bad]
    if column is not None and column in raw_frame.columns:
        values = pd.Series(raw_frame[column].to_numpy(), index=raw_lines).reindex(lines).astype("object")
    else:
        values = pd.Series([None] * len(lines))
    window = "--min-date" if min_date is None else _("--min-date (now {date})").format(date=min_date)
    reasons = np.where(early[bad], _("date before {date}: a typo? ({option} widens the window)").format(
                           date=lo.date(), option=window),
                       _("date in the future (after {date}): a typo? (--max-date widens the window)").format(date=latest))
    rejects = pd.DataFrame({"line": lines, "column": column, "value": values.to_numpy(), "reason": reasons})
    merged = (pd.concat([prepared.rejects, rejects], ignore_index=True)
              .astype({"line": "int64"}).sort_values("line", kind="stable").reset_index(drop=True))
    keep = ~bad
    return dataclasses.replace(prepared, frame=prepared.frame[keep].reset_index(drop=True),
                               attr_frame=prepared.attr_frame[keep].reset_index(drop=True),
                               rejects=merged)
