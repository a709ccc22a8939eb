"""Writing an import: one transaction that stages the accepted rows, drops those already in the
database, inserts the rest with their ``import_id``, records the import and its rejects, and bumps
the data version; or, on any failure, rolls all of it back. Undo is the same in reverse.

Row identity: the source's id where there is one; else ``'h:'`` + sha1 of the row's canonical
values (``\\x1f``-separated, in field order), with ``:2``, ``:3``... for the second and third
identical row of the same file, so re-importing a file or an overlapping export loads no row twice
while identical answers within one file are all kept.

SQL identifiers below come from ``schema`` field tuples or are generated (``a0``, ``a1``...): source
column names only ever reach SQL as bound values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from .. import cube, journeys
from ..db import bump_data_version
from . import mapping as mp
from .model import IngestError
from .validate import Prepared

CHUNK_ROWS = 250_000
TABLES = {"responses": "responses", "interactions": "interactions"}
SQL_TYPES = {
    "responded_at": "timestamp", "occurred_at": "timestamp", "revenue": "decimal(14, 2)",
    "nps": "tinyint", "csat": "tinyint", "ces": "tinyint", "needs_met": "tinyint",
    "enjoyment": "tinyint", "cx_level": "tinyint",
}
STAGE_SRC = "ingest_src"
STAGED = "ingest_staged"
NEW = "ingest_new"


def _arrow(prepared: Prepared) -> pa.Table:
    cols = {}
    for f in mp.FIELDS[prepared.kind]:
        s = prepared.frame[f]
        if f in SQL_TYPES and SQL_TYPES[f] == "tinyint":
            cols[f] = pa.array(s.astype("Int8"), type=pa.int8(), from_pandas=True)
        elif f in SQL_TYPES and SQL_TYPES[f] == "timestamp":
            cols[f] = pa.array(s.astype("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
        elif f == "revenue":
            cols[f] = pa.array(pd.to_numeric(s, errors="coerce"), type=pa.float64(), from_pandas=True)
        elif s.dtype == "str":
            cols[f] = pa.array(s.array).cast(pa.string())
        else:
            cols[f] = pa.array(s.astype("object").where(s.notna(), None), type=pa.string())
    cols["line"] = pa.array(prepared.frame["line"].to_numpy(), type=pa.int64())
    for i, c in enumerate(prepared.attributes):
        s = prepared.attr_frame[c]
        cols[f"a{i}"] = (pa.array(s.array).cast(pa.string()) if s.dtype == "str" else
                         pa.array(s.astype("object").where(s.notna(), None), type=pa.string()))
    return pa.table(cols)


def stage(con, prepared: Prepared) -> int:
    """Create temp table ``ingest_staged``: canonical columns with ids and the attributes map, in
    the order of the source lines. Returns its row count."""
    kind = prepared.kind
    fields = mp.FIELDS[kind]
    id_field = mp.ID_FIELD[kind]
    params: dict = {}
    entries = []
    for i, c in enumerate(prepared.attributes):
        params[f"k{i}"] = c
        entries.append(f"{{'k': $k{i}, 'v': a{i}}}")
    attrs = (f"map_from_entries(list_filter([{', '.join(entries)}], lambda e: e.v is not null))"
             if entries else "cast(null as map(varchar, varchar))")
    typed = [f"cast({f} as {SQL_TYPES.get(f, 'varchar')}) as {f}" for f in fields if f != id_field]
    needs_hash = id_field not in prepared.mapping or bool(prepared.frame[id_field].isna().any())
    con.register(STAGE_SRC, _arrow(prepared))
    try:
        if needs_hash:
            content = ", ".join(f"coalesce(cast({f} as varchar), '')" for f in fields if f != id_field)
            sql = f"""
                create or replace temp table {STAGED} as
                with src as (
                    select *, 'h:' || sha1(concat_ws(chr(31), {content})) as content_key
                    from {STAGE_SRC}
                ),
                numbered as (
                    select *, row_number() over (partition by content_key order by line) as occurrence
                    from src
                )
                select coalesce(cast({id_field} as varchar),
                                content_key || case when occurrence > 1
                                                    then ':' || cast(occurrence as varchar) else '' end)
                           as {id_field},
                       {', '.join(typed)}, {attrs} as attributes, line
                from numbered order by line
            """  # noqa: S608 - identifiers from schema field tuples and generated names
        else:
            sql = f"""
                create or replace temp table {STAGED} as
                select cast({id_field} as varchar) as {id_field}, {', '.join(typed)},
                       {attrs} as attributes, line
                from {STAGE_SRC}
            """  # noqa: S608 - identifiers from schema field tuples and generated names
        con.execute(sql, params)
    finally:
        _unregister(con, STAGE_SRC)
    return con.execute(f"select count(*) from {STAGED}").fetchone()[0]  # noqa: S608 - constant


def _split_new(con, kind: str) -> int:
    """Temp table ``ingest_new``: staged rows whose id is not yet in the database."""
    table, id_field = TABLES[kind], mp.ID_FIELD[kind]
    con.execute(f"""
        create or replace temp table {NEW} as
        select s.*
        from {STAGED} s
        where not exists (select 1 from {table} t where t.{id_field} = s.{id_field})
    """)  # noqa: S608 - identifiers from allowlists
    return con.execute(f"select count(*) from {NEW}").fetchone()[0]  # noqa: S608 - constant


def _insert_chunk(con, kind: str, first: int, last: int, import_id: int) -> None:
    """Insert the rows of ``ingest_new`` from source lines ``first..last``; the seam tests break."""
    fields = ", ".join(mp.FIELDS[kind])
    con.execute(
        f"insert into {TABLES[kind]} ({fields}, attributes, import_id) "  # noqa: S608 - allowlists
        f"select {fields}, attributes, $import_id from {NEW} where line between $first and $last",
        {"import_id": import_id, "first": first, "last": last},
    )


def _drop_temp(con) -> None:
    for t in (STAGED, NEW):
        con.execute(f"drop table if exists {t}")  # noqa: S608 - constant names


def write_import(con, prepared: Prepared, *, file_name: str, content_hash: str,
                 imported_by: str | None, dry_run: bool, save_mapping_as: str | None,
                 progress: Callable[[float, str], None] | None) -> tuple[int | None, int, int]:
    """(import_id, loaded, duplicates). One transaction; rolled back on any error or a dry run."""
    report = progress or (lambda f, m: None)
    kind = prepared.kind
    rejected = len(prepared.rejects)
    con.execute("begin transaction")
    try:
        report(0.5, "Checking for rows already imported")
        stage(con, prepared)
        new = _split_new(con, kind)
        staged = len(prepared.frame)
        duplicates = staged - new
        if dry_run:
            con.execute("rollback")
            _drop_temp(con)
            return None, new, duplicates
        import_id = con.execute("select nextval('import_id_seq')").fetchone()[0]
        stored_mapping = json.dumps(prepared.mapping | prepared.options, ensure_ascii=False)
        con.execute(
            "insert into imports (import_id, file_name, content_hash, kind, imported_by, rows_read, "
            "started_at, status, mapping, message) values ($id, $file, $hash, $kind, $by, $read, "
            "$started, 'running', $mapping, $message)",
            {"id": import_id, "file": file_name, "hash": content_hash, "kind": kind,
             "by": imported_by, "read": prepared.rows_read, "started": datetime.now(),
             "mapping": stored_mapping, "message": "\n".join(prepared.conversions) or None},
        )
        if rejected:
            rej = prepared.rejects.assign(import_id=import_id)[["import_id", "line", "column", "value", "reason"]]
            con.register("ingest_rejects_src", rej)
            try:
                con.execute('insert into import_rejects (import_id, line, "column", value, reason) '
                            "select import_id, line, \"column\", cast(value as varchar), reason "
                            "from ingest_rejects_src")
            finally:
                _unregister(con, "ingest_rejects_src")
        if new:
            lo, hi = con.execute(f"select min(line), max(line) from {NEW}").fetchone()  # noqa: S608
            for first in range(lo, hi + 1, CHUNK_ROWS):
                last = min(first + CHUNK_ROWS - 1, hi)
                _insert_chunk(con, kind, first, last, import_id)
                report(0.5 + 0.45 * (last - lo + 1) / (hi - lo + 1),
                       f"Loaded lines {first:,} to {last:,} of {hi:,}")
        con.execute(
            "update imports set loaded = $loaded, duplicates = $dup, rejected = $rej, "
            "finished_at = $now, status = 'done' where import_id = $id",
            {"loaded": new, "dup": duplicates, "rej": rejected, "now": datetime.now(), "id": import_id},
        )
        if save_mapping_as:
            mp.save_mapping(con, save_mapping_as, prepared.mapping | prepared.options, kind)
        if new:
            report(0.96, "Updating the daily counts")
            cube.add_import(con, import_id)
        if kind == "interactions" and new:
            report(0.97, "Updating the journeys of the customers imported")
            journeys.mark_import(con, import_id)
            journeys.rebuild_marked(con)
        bump_data_version(con)
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    finally:
        _drop_temp(con)
    report(1.0, "Done")
    return import_id, new, duplicates


def _unregister(con, name: str) -> None:
    """Drop a registered frame; after a failed statement (out of memory, say) the transaction is
    aborted and DuckDB refuses even this until the rollback, which drops it: the first error is
    the one to report."""
    try:
        con.unregister(name)
    except duckdb.TransactionException:
        pass


def _rollback(con) -> None:
    try:
        con.execute("rollback")
    except Exception:  # noqa: BLE001 - the transaction may already be gone; the first error matters
        pass


def previous_import_of(con, content_hash: str) -> int | None:
    row = con.execute("select max(import_id) from imports where content_hash = $h and status = 'done'",
                      {"h": content_hash}).fetchone()
    return row[0] if row else None


def list_imports(con) -> pd.DataFrame:
    """Every import, newest first."""
    return con.execute(
        "select import_id, file_name, kind, imported_by, started_at, finished_at, status, "
        "rows_read, loaded, duplicates, rejected, mapping, message from imports "
        "order by started_at desc, import_id desc"
    ).df()


def import_rejects(con, import_id: int) -> pd.DataFrame:
    """The rejects of one import: line, column, value, reason, in line order."""
    return con.execute(
        'select line, "column", value, reason from import_rejects where import_id = $id '
        "order by line",
        {"id": import_id},
    ).df()


def undo_import(con, import_id: int) -> int:
    """Remove the rows of one import in one transaction and mark it 'undone'; rows removed."""
    row = con.execute("select kind, status from imports where import_id = $id",
                      {"id": import_id}).fetchone()
    if row is None:
        raise IngestError(f"there is no import {import_id}; list them with `python -m cxdata imports`.")
    kind, status = row
    if status == "undone":
        raise IngestError(f"import {import_id} is already undone.")
    if status != "done":
        raise IngestError(f"import {import_id} is {status}, not done: there is nothing to undo.")
    table = TABLES[kind]
    con.execute("begin transaction")
    try:
        if kind == "interactions":
            journeys.mark_import(con, import_id)
        removed = con.execute(f"delete from {table} where import_id = $id",  # noqa: S608 - allowlist
                              {"id": import_id}).fetchone()[0]
        if kind == "interactions":
            journeys.rebuild_marked(con)
        cube.remove_import(con, import_id)
        con.execute("update imports set status = 'undone', message = coalesce(message || chr(10), '') "
                    "|| $note where import_id = $id",
                    {"id": import_id, "note": f"undone at {datetime.now():%Y-%m-%d %H:%M:%S}, "
                                              f"{removed} rows removed"})
        bump_data_version(con)
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    return int(removed)
