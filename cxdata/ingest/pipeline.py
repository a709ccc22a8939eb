"""``import_file`` and ``preview_file``: read, map, validate, then (for an import) write.

The last file read and checked is kept for the import that usually follows its preview on the
Upload page (reading and checking a 1M-row file takes 3-4 s): one slot for the whole process,
keyed on the file's content and every choice that changes the result (kind, mapping, date
format, CES direction). Another file replaces it; an import empties it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from ..db import get_setting
from . import load
from . import mapping as mp
from .model import ImportResult, IngestError, Preview, Reject
from .read import RawTable, load_bytes, read_raw
from .validate import Prepared, prepare


def _prepare(raw: RawTable, *, kind: str | None, mapping: dict | None, date_format: str | None,
             ces_direction: str) -> Prepared:
    if kind is not None and kind not in mp.KINDS:
        raise IngestError(f"{raw.file_name}: kind is 'responses' or 'interactions', not {kind!r}.")
    kind = kind or mp.detect_kind(raw.columns, raw.labels, raw.frame, raw.file_name)
    fields, options, notes = mp.resolve(kind, raw.columns, raw.labels, raw.frame, mapping,
                                        raw.file_name)
    return prepare(raw, kind, fields, options, [*raw.notes, *notes], date_format, ces_direction)


_last: list[tuple[tuple, str | None, RawTable, Prepared]] = []  # (key, kind asked for, raw, prepared)
_last_lock = threading.Lock()


def _read_and_check(path: str | Path | bytes, *, file_name: str | None, kind: str | None,
                    overrides: dict, date_format: str | None, direction: str,
                    report: Callable[[float, str], None] = lambda f, m: None) -> tuple[RawTable, Prepared]:
    report(0.0, "Reading the file")
    data, name = load_bytes(path, file_name)
    content_hash = hashlib.sha256(data).hexdigest()
    key = (content_hash, name, json.dumps(overrides, sort_keys=True, default=str), date_format, direction)
    with _last_lock:
        if _last:
            kept, asked, raw, prepared = _last[0]
            # the kind asked for, or the one found when none was asked both times (the page
            # previews with the kind found and imports with it named)
            if kept == key and (kind == prepared.kind or kind is None and asked is None):
                report(0.45, "Rows read and checked for the preview")
                return raw, prepared
    raw = read_raw(data, file_name=name, content_hash=content_hash)
    report(0.2, "Checking the rows")
    prepared = _prepare(raw, kind=kind, mapping=overrides, date_format=date_format, ces_direction=direction)
    with _last_lock:
        _last[:] = [(key, kind, raw, prepared)]
    return raw, prepared


def _choices(con, kind: str | None, mapping: dict | None,
             mapping_name: str | None) -> tuple[str | None, dict, str]:
    """(kind, mapping overrides, CES direction) from the caller's choices, a saved mapping and the
    data set's setting (``con`` may be None for a preview without a database)."""
    overrides: dict = {}
    if mapping_name and con is not None:
        saved_kind, saved = mp.load_mapping(con, mapping_name)
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
                progress: Callable[[float, str], None] | None = None) -> ImportResult:
    """Import one CSV export into ``responses`` or ``interactions`` in one transaction.

    ``mapping`` ({field: source column}, plus ``field.option`` keys) overrides the automatic
    mapping and a saved one (``mapping_name``); ``date_format`` is a strptime format or
    ``'dayfirst'``/``'monthfirst'``. Every row is loaded, counted as a duplicate of a row already
    in the database, or rejected with its line and reason: ``rows_read == loaded + duplicates +
    rejected``. ``IngestError`` for a file that cannot be read at all.
    """
    report = progress or (lambda f, m: None)
    kind, overrides, direction = _choices(con, kind, mapping, mapping_name)
    raw, prepared = _read_and_check(path, file_name=file_name, kind=kind, overrides=overrides,
                                    date_format=date_format, direction=direction, report=report)
    conversions = list(prepared.conversions)
    earlier = load.previous_import_of(con, raw.content_hash)
    if earlier is not None:
        conversions.append(f"The same file was imported before (import {earlier}): its rows count "
                           "as duplicates.")
    import_id, loaded, duplicates = load.write_import(
        con, prepared, file_name=raw.file_name, content_hash=raw.content_hash,
        imported_by=imported_by, dry_run=dry_run, save_mapping_as=save_mapping_as, progress=report)
    if not dry_run:
        forget_last()
    result = ImportResult(
        import_id=import_id, file_name=raw.file_name, kind=prepared.kind,
        rows_read=prepared.rows_read, loaded=loaded, duplicates=duplicates,
        rejected=len(prepared.rejects), rejects=_rejects(prepared.rejects),
        mapping=dict(prepared.mapping), conversions=conversions,
        status="dry run" if dry_run else "done", encoding=raw.encoding, delimiter=raw.delimiter,
        header_style=raw.header_style, blank_lines=raw.blank_lines,
    )
    assert result.rows_read == result.loaded + result.duplicates + result.rejected, result.as_dict()
    return result


def preview_file(path: str | Path | bytes, *, kind: str | None = None, mapping: dict | None = None,
                 date_format: str | None = None, rows: int = 20, file_name: str | None = None,
                 con=None, mapping_name: str | None = None) -> Preview:
    """What an import would do, writing nothing: the header and mapping found, the conversions,
    the rejects, and the first ``rows`` rows as they would be loaded. ``con`` (optional) supplies
    the CES direction setting and the saved mapping ``mapping_name``."""
    kind, overrides, direction = _choices(con, kind, mapping, mapping_name)
    raw, prepared = _read_and_check(path, file_name=file_name, kind=kind, overrides=overrides,
                                    date_format=date_format, direction=direction)
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
    return Preview(raw.file_name, raw.encoding, raw.delimiter, raw.header_style, raw.header_lines,
                   prepared.kind, raw.columns, raw.labels, dict(prepared.mapping),
                   list(prepared.conversions), frame, _rejects(prepared.rejects), prepared.rows_read)

