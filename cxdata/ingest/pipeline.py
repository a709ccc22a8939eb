"""``import_file`` and ``preview_file``: read, map, validate, then (for an import) write.

The last file read and checked is kept for the import that usually follows its preview on the
Upload page (reading and checking a 1M-row file takes 3-4 s): one slot for the whole process,
keyed on the file's content and every choice that changes the result (kind, mapping, date
format, CES direction). Another file replaces it; an import empties it.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from .. import i18n
from ..i18n import _
from ..settings import get_setting, stages
from . import identity, load
from .automap import detect_kind
from .dates import is_ambiguous, read_order
from .fields import KINDS
from .model import ImportResult, IngestError, Preview, Reject
from .overrides import resolve
from .prepared import MappingProblem, Prepared
from .read import RawTable, memory_cap, open_source, read_raw
from .saved_mappings import load_mapping
from .validate import nothing_imported, prepare


def _prepare(raw: RawTable, *, kind: str | None, mapping: dict | None, date_format: str | None,
             ces_direction: str, known: dict[str, list[str]] | None = None) -> Prepared:
    if kind is not None and kind not in KINDS:
        raise IngestError(_("{file}: kind is 'responses' or 'interactions', not {kind}.").format(
            file=raw.file_name, kind=repr(kind)))
    kind = kind or detect_kind(raw.columns, raw.labels, raw.frame, raw.file_name)
    fields, options, notes = resolve(kind, raw.columns, raw.labels, raw.frame, mapping,
                                        raw.file_name)
    return prepare(raw, kind, fields, options, [*raw.notes, *notes], date_format, ces_direction, known)


def known_values(con) -> dict[str, list[str]]:
    """The category values already in the database, per import field (from ``filter_values``)."""
    if con is None:
        return {}
    out: dict[str, list[str]] = {}
    for field, value in con.execute("select distinct field, value from filter_values order by all").fetchall():
        for f in ("journey_stage", "stage") if field == "stage" else (field,):
            out.setdefault(f, []).append(value)
    return out


_last: list[tuple[tuple, str | None, RawTable, Prepared]] = []  # (key, kind asked for, raw, prepared)
_last_lock = threading.Lock()


def _read_and_check(path: str | Path | bytes, *, file_name: str | None, kind: str | None,
                    overrides: dict, date_format: str | None, direction: str,
                    report: Callable[[float, str], None] = lambda f, m: None,
                    known: dict[str, list[str]] | None = None,
                    cap: int | None = None) -> tuple[RawTable, Prepared]:
    report(0.0, _("Reading the file"))
    src = open_source(path, file_name, cap)
    # the language too: the sentences kept are in it
    key = (i18n.get_lang(), src.sha256, src.name, json.dumps(overrides, sort_keys=True, default=str),
           date_format, direction, json.dumps(known or {}, sort_keys=True))
    with _last_lock:
        if _last:
            kept, asked, raw, prepared = _last[0]
            # the kind asked for, or the one found when none was asked both times (the page
            # previews with the kind found and imports with it named)
            if kept == key and (kind == prepared.kind or kind is None and asked is None):
                report(0.45, _("Rows read and checked for the preview"))
                return raw, prepared
    raw = read_raw(src)
    report(0.2, _("Checking the rows"))
    prepared = _prepare(raw, kind=kind, mapping=overrides, date_format=date_format, ces_direction=direction,
                        known=known)
    with _last_lock:
        _last[:] = [(key, kind, raw, prepared)]
    return raw, prepared


def _choices(con, kind: str | None, mapping: dict | None,
             mapping_name: str | None) -> tuple[str | None, dict, str]:
    """(kind, mapping overrides, CES direction) from the caller's choices, a saved mapping and the
    data set's setting (``con`` may be None for a preview without a database)."""
    overrides: dict = {}
    if mapping_name and con is not None:
        saved_kind, saved = load_mapping(con, mapping_name)
        kind = kind or saved_kind
        overrides |= saved
    overrides |= mapping or {}
    direction = (get_setting(con, "ces_direction") if con is not None else None) or "effort"
    return kind, overrides, direction


def forget_last() -> None:
    """Drop the file kept from the last preview or import."""
    with _last_lock:
        _last.clear()


def _rejects(frame: pd.DataFrame) -> list[Reject]:
    return [Reject(int(r.line), r.column if isinstance(r.column, str) else None,
                   r.value if isinstance(r.value, str) else None, r.reason)
            for r in frame.itertuples(index=False)]


def import_file(con, path: str | Path | bytes, *, kind: str | None = None, mapping: dict | None = None,
                mapping_name: str | None = None, save_mapping_as: str | None = None,
                date_format: str | None = None, dry_run: bool = False,
                imported_by: str | None = None, file_name: str | None = None,
                progress: Callable[[float, str], None] | None = None, source: str | None = None,
                replace: bool = False, min_date: date | None = None,
                max_date: date | None = None) -> ImportResult:
    """Import one CSV export into ``responses`` or ``interactions`` in one transaction.

    ``mapping`` ({field: source column}, plus ``field.option`` keys) overrides the automatic
    mapping and a saved one (``mapping_name``); ``date_format`` is a strptime format or
    ``'dayfirst'``/``'monthfirst'``. ``source`` names the survey or export stream (default: see
    ``identity``); a file whose content a live import holds already is refused unless ``replace``,
    which undoes that import and imports the file again in the same transaction. Rows dated before
    1900 or after tomorrow are rejected (``min_date``/``max_date`` widen the window). Every row is
    loaded, counted as a duplicate (its key already in the source, or repeated in the file), or
    rejected with its line and reason: ``rows_read == loaded + duplicates + rejected``.
    ``IngestError`` for a file that cannot be imported at all.
    """
    report = progress or (lambda f, m: None)
    raw, prepared = _checked(con, path, file_name=file_name, kind=kind, mapping=mapping,
                             mapping_name=mapping_name, date_format=date_format, source=source,
                             min_date=min_date, max_date=max_date, report=report)
    who = identity.identify(con, prepared, raw.columns, raw.file_name, source)
    conversions = list(prepared.conversions)
    replaced = _to_replace(con, raw, replace, dry_run, conversions)
    rows, raw, prepared = _handed_over(raw, prepared)
    written = load.write_import(
        con, prepared, file_name=raw.file_name, content_hash=raw.content_hash,
        imported_by=imported_by, dry_run=dry_run, save_mapping_as=save_mapping_as, progress=report,
        source=who.source, row_key=who.key, signature=who.signature, replace=replaced, rows=rows)
    if written.owners:
        conversions.append(_held_elsewhere(written, who.source, dry_run))
    result = ImportResult(
        import_id=written.import_id, file_name=raw.file_name, kind=prepared.kind,
        rows_read=prepared.rows_read, loaded=written.loaded, duplicates=written.duplicates,
        rejected=len(prepared.rejects), rejects=_rejects(prepared.rejects),
        mapping=dict(prepared.mapping), conversions=conversions,
        status="dry run" if dry_run else "done", encoding=raw.encoding, delimiter=raw.delimiter,
        header_style=raw.header_style, blank_lines=raw.blank_lines, source=who.source,
        source_reason=who.source_reason, key=who.key, key_reason=who.key_reason,
        duplicates_in_source=written.in_source, duplicates_in_file=written.in_file,
        replaced=list(written.replaced), **_explained(prepared),
    )
    assert result.rows_read == result.loaded + result.duplicates + result.rejected, result.as_dict()
    return result


def _handed_over(raw: RawTable, prepared: Prepared) -> tuple[list, RawTable, Prepared]:
    """The rows the load copies into DuckDB (``load.stage``'s ``rows``), and ``raw`` and
    ``prepared`` without their frames: from here on, while DuckDB writes within its memory limit,
    the process holds no other copy of the file's rows (the kept preview goes too)."""
    forget_last()
    rows = [load.staging_rows(prepared), load.raw_rows_table(raw.frame, raw.lines)]
    raw = dataclasses.replace(raw, frame=_empty_like(raw.frame), lines=np.zeros(0, dtype=np.int64))
    prepared = dataclasses.replace(prepared, frame=_empty_like(prepared.frame),
                                   attr_frame=_empty_like(prepared.attr_frame))
    pa.default_memory_pool().release_unused()
    return rows, raw, prepared


def _empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    """No rows, the same columns and types, and (unlike ``frame.iloc[:0]``, a view that keeps
    Arrow's buffers alive) no tie to ``frame``'s memory."""
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in frame.dtypes.items()})


def _checked(con, path, *, file_name, kind, mapping, mapping_name, date_format, source, min_date,
             max_date, report) -> tuple[RawTable, Prepared]:
    """The file read and checked as the import will load it: the caller's choices, the order its
    source's dates were read in when its own are ambiguous, the plausible dates, the stage order."""
    kind, overrides, direction = _choices(con, kind, mapping, mapping_name)
    known = known_values(con)
    cap = memory_cap(con)
    raw, prepared = _read_and_check(path, file_name=file_name, kind=kind, overrides=overrides,
                                    date_format=date_format, direction=direction, report=report, known=known,
                                    cap=cap)
    remembered = None if date_format or con is None else _remembered_order(con, prepared, raw, source)
    if remembered:
        del raw, prepared  # the file is read again: never two copies of its rows at once
        forget_last()
        raw, prepared = _read_and_check(path, file_name=file_name, kind=kind, overrides=overrides,
                                        date_format=remembered, direction=direction, report=report,
                                        known=known, cap=cap)
    prepared = identity.check_dates(prepared, raw.frame, raw.lines, min_date, max_date)
    if con is not None:
        check_stages(con, prepared, raw.file_name)
    return raw, prepared


def _to_replace(con, raw: RawTable, replace: bool, dry_run: bool, conversions: list[str]) -> list[int]:
    """The live imports of the same content that this import replaces; refused without
    ``replace`` (a dry run says so instead)."""
    earlier = load.same_content(con, raw.content_hash)
    if earlier and not replace:
        if not dry_run:
            raise IngestError(already_imported(raw.file_name, earlier))
        conversions.append(already_imported(raw.file_name, earlier, dry_run=True))
        return []
    if replace and not earlier:
        conversions.append(_("--replace: no earlier import of this file to replace."))
    return [e[0] for e in earlier]


def _held_elsewhere(written, source: str, dry_run: bool) -> str:
    """The sentence for rows the source held already: which imports hold them, and how to load
    them with this file's mapping instead."""
    held_by = ", ".join(_("import {id} ({n} rows)").format(id=i, n=i18n.count(n)) for i, n in written.owners.items())
    one = len(written.owners) == 1
    if dry_run:
        text = (_("{n} rows were already in source '{source}' ({held_by}): they keep the values that import "
                  "loaded, this file's mapping is not applied to them. To load them with this mapping, undo that "
                  "import first ({command}), then import this file again.") if one else
                _("{n} rows were already in source '{source}' ({held_by}): they keep the values that import "
                  "loaded, this file's mapping is not applied to them. To load them with this mapping, undo those "
                  "imports first ({command}), then import this file again."))
    else:
        text = (_("{n} rows were already in source '{source}' ({held_by}): they keep the values that import "
                  "loaded, this file's mapping is not applied to them. To load them with this mapping, undo that "
                  "import first ({command}), then import this file again with --replace.") if one else
                _("{n} rows were already in source '{source}' ({held_by}): they keep the values that import "
                  "loaded, this file's mapping is not applied to them. To load them with this mapping, undo those "
                  "imports first ({command}), then import this file again with --replace."))
    return text.format(n=i18n.count(written.in_source), source=source, held_by=held_by,
                       command="python -m cxdata undo " + " ".join(map(str, written.owners)))


def _explained(prepared: Prepared) -> dict:
    """How the mapping was made, for the result and the preview."""
    left_out = {c: prepared.left_out_reasons.get(c, "") for c in prepared.left_out}
    return {"mapping_how": dict(prepared.mapping_how), "not_mapped": dict(prepared.not_mapped),
            "left_out": left_out, "value_changes": list(prepared.value_changes)}


def _remembered_order(con, prepared: Prepared, raw: RawTable, source: str | None) -> str | None:
    """When this file's numeric dates are ambiguous (no day over 12: a week of answers), the
    order the latest earlier file of its source was read in ('dayfirst?' / 'monthfirst?', which
    ``dates`` applies only to ambiguous columns); else None. The trials found a weekly export
    read day-first after two of the same source read month-first: May's NPS n 22 for 160."""
    if not any(is_ambiguous(c) for c in prepared.conversions):
        return None
    who = identity.identify(con, prepared, raw.columns, raw.file_name, source)
    for (message,) in con.execute("select message from imports where source = $s and status = 'done' "
                                  "and message is not null order by import_id desc", {"s": who.source}).fetchall():
        for line in message.splitlines():
            order = read_order(line)
            if order:
                return f"{order}first?"
    return None


def check_stages(con, prepared: Prepared, file_name: str) -> None:
    """Journey events whose stages are not in the funnel order stop the import (the funnel would
    not show them), with the stages, their counts and the two ways to fix it."""
    if prepared.kind != "interactions" or "stage" not in prepared.frame.columns:
        return
    order = stages(con)
    found = prepared.frame["stage"].dropna().value_counts()
    unknown = found[~found.index.isin(order)]
    if unknown.empty:
        return
    listed = ", ".join(_("{stage} ({n} rows)").format(stage=repr(s), n=i18n.count(n)) for s, n in unknown.items())
    example = unknown.index[0]
    problem = _("stages not in the funnel order ({order}): {listed}. Map each to a stage of the order "
                "(--map-value 'stage:{example}={stage}'), or put each in the order where it belongs in the "
                "journey: python -m cxdata stages followed by the whole order, every stage once (or the Upload "
                "page's Funnel stages).").format(order=" -> ".join(order), listed=listed, example=example,
                                                 stage=order[0] if order else "awareness")
    raise MappingProblem(nothing_imported(file_name, [problem]), [problem],
                         {f"stage.value:{s}": "" for s in unknown.index}, dict(prepared.mapping),
                         dict(prepared.mapping_how))


def already_imported(file_name: str, earlier: list[tuple], dry_run: bool = False) -> str:
    """The sentence for a file whose content a live import holds already (``dry_run``: what an
    import of it would do)."""
    import_id, started, stored_mapping, source = earlier[-1]
    try:
        pairs = json.loads(stored_mapping or "{}")
        shown = ", ".join(f"{k}={v}" for k, v in pairs.items() if "." not in k)
    except ValueError:
        shown = stored_mapping or ""
    text = (_("{file}: this file was imported as import {id} on {when} into source {source} (mapping "
              "{mapping}): an import of it would load nothing. Undo it first (`python -m cxdata undo {id}`), "
              "or import with --replace to undo it and import the file again in one step.") if dry_run else
            _("{file}: this file was imported as import {id} on {when} into source {source} (mapping "
              "{mapping}): nothing was loaded. Undo it first (`python -m cxdata undo {id}`), or import with "
              "--replace to undo it and import the file again in one step."))
    return text.format(file=file_name, id=import_id, when=f"{started:%Y-%m-%d %H:%M}", source=repr(source),
                       mapping=shown or _("automatic"))


def preview_file(path: str | Path | bytes, *, kind: str | None = None, mapping: dict | None = None,
                 date_format: str | None = None, rows: int = 20, file_name: str | None = None,
                 con=None, mapping_name: str | None = None, min_date: date | None = None,
                 max_date: date | None = None) -> Preview:
    """What an import would do, writing nothing: the header and mapping found, the conversions,
    the rejects, and the first ``rows`` rows as they would be loaded. ``con`` (optional) supplies
    the CES direction setting and the saved mapping ``mapping_name``."""
    raw, prepared = _checked(con, path, file_name=file_name, kind=kind, mapping=mapping,
                             mapping_name=mapping_name, date_format=date_format, source=None,
                             min_date=min_date, max_date=max_date, report=lambda f, m: None)
    head = prepared.frame.head(rows)
    scratch = duckdb.connect(":memory:")
    try:
        sub = Prepared(prepared.kind, prepared.mapping, prepared.options, prepared.conversions,
                       head, prepared.attributes, prepared.attr_frame.head(rows),
                       prepared.rejects.iloc[:0], len(head))
        load.stage(scratch, sub)
        frame = scratch.execute(f"select * exclude (line) from {load.STAGED} order by line").df()  # noqa: S608
    finally:
        scratch.close()
    earlier, source, key = [], "", ""
    if con is not None:
        earlier = [{"import_id": e[0], "started_at": e[1], "source": e[3],
                    "message": already_imported(raw.file_name, [e])}
                   for e in load.same_content(con, raw.content_hash)]
        who = identity.identify(con, prepared, raw.columns, raw.file_name, None)
        source, key = who.source, who.key
    return Preview(raw.file_name, raw.encoding, raw.delimiter, raw.header_style, raw.header_lines,
                   prepared.kind, raw.columns, raw.labels, dict(prepared.mapping),
                   list(prepared.conversions), frame, _rejects(prepared.rejects), prepared.rows_read,
                   earlier, source, key, **_explained(prepared))

