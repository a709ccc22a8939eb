"""Writing an import: one transaction that stages the accepted rows, sorts them into new rows, rows
their source holds already and rows repeated inside the file, inserts them with their ``import_id``,
records the import and its rejects, and has ``upkeep`` refresh the derived tables; or, on any
failure, rolls all of it back. Undo (``undo``) is the same in reverse, and leaves the database as if
the import had never happened; the record of imports is read in ``import_history``.

Row identity is scoped to a *source* (the survey or export stream an import belongs to): a row's
key is the file's id column where it has one (``id:<column>``), else ``'h:'`` + sha1 of the whole
raw row, every source column (``row-hash``), with ``:2``, ``:3``... for the second and third
identical row of the same file, so re-importing an overlapping export loads no row twice while
identical answers within one file are all kept. The same key in two sources is two rows. A row
whose key its source holds already is kept in ``<table>_held`` under the new import: an undo of the
owner hands the key to the earliest surviving import that delivered it, with that import's values.

SQL identifiers below come from ``schema`` field tuples or are generated (``a0``, ``c0``...): source
column names only ever reach SQL as bound values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import pyarrow as pa

from .. import i18n, upkeep
from ..i18n import _
from .fields import FIELDS, ID_FIELD
from .import_history import import_rejects, list_imports, same_content, shared_rows
from .import_tables import (
    HELD,
    HELD_TABLES,
    NEW,
    PROMOTE,
    RAW_SRC,
    SQL_TYPES,
    STAGE_SRC,
    STAGED,
    TABLES,
    rollback,
    source_imports,
    unregister,
)
from .prepared import Prepared
from .saved_mappings import save_mapping
from .undo import undo_import, undo_in_transaction

# The names callers import from here: the record of imports and the undo live beside it.
__all__ = ["CHUNK_ROWS", "HELD_TABLES", "SQL_TYPES", "STAGED", "TABLES", "Written", "import_rejects",
           "list_imports", "raw_rows_table", "same_content", "shared_rows", "stage", "staging_rows",
           "undo_import", "write_import"]

CHUNK_ROWS = 250_000
ROW_HASH = "row_hash"


def staging_rows(prepared: Prepared) -> pa.Table:
    """The accepted rows as ``stage`` reads them: canonical columns, ``line``, ``a0``..``aN``."""
    cols = {}
    for f in FIELDS[prepared.kind]:
        s = prepared.frame[f]
        if f in SQL_TYPES and SQL_TYPES[f] == "tinyint":
            cols[f] = pa.array(s.astype("Int8"), type=pa.int8(), from_pandas=True)
        elif f in SQL_TYPES and SQL_TYPES[f] == "timestamp":
            cols[f] = pa.array(s.astype("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True)
        elif f == "revenue":
            cols[f] = pa.array(pd.to_numeric(s, errors="coerce"), type=pa.float64(), from_pandas=True)
        elif s.dtype == "str":
            cols[f] = pa.array(s.array)
        else:
            cols[f] = pa.array(s.astype("object").where(s.notna(), None), type=pa.string())
    cols["line"] = pa.array(prepared.frame["line"].to_numpy(), type=pa.int64())
    for i, c in enumerate(prepared.attributes):
        s = prepared.attr_frame[c]
        cols[f"a{i}"] = (pa.array(s.array) if s.dtype == "str" else
                         pa.array(s.astype("object").where(s.notna(), None), type=pa.string()))
    return pa.table(cols)


def raw_rows_table(frame: pd.DataFrame, lines) -> pa.Table:
    """The raw rows as ``line`` + ``c0``..``cN`` (every source column as text), for the row hash."""
    cols = {"line": pa.array(lines, type=pa.int64())}
    for i, c in enumerate(frame.columns):
        s = frame[c]
        cols[f"c{i}"] = (pa.array(s.array) if s.dtype == "str" else
                         pa.array(s.astype("object").where(s.notna(), None), type=pa.string()))
    return pa.table(cols)


def stage(con, prepared: Prepared, raw_rows: pa.Table | None = None, *,
          rows: list[pa.Table | None] | None = None) -> int:
    """Create temp table ``ingest_staged``: canonical columns with each row's key and the attributes
    map, ``occurrence`` (> 1: the key repeats an earlier line of the file), in the order of the source
    lines. The key of a row without an id is the hash of ``raw_rows`` (every source column), or of
    its canonical values and attributes when no raw rows are given. Returns its row count.

    ``rows`` (instead of ``prepared``'s frames and ``raw_rows``): ``[staging_rows(prepared),
    raw_rows]``, handed over: emptied here, so that once the staged table is built no Python copy
    of the file's rows is left. Call it outside a transaction: DuckDB keeps what was registered in
    a transaction until the transaction ends."""
    rows = rows if rows is not None else [staging_rows(prepared), raw_rows]
    raw_columns = None if rows[1] is None else rows[1].column_names
    con.register(STAGE_SRC, rows[0])
    rows[0] = None
    try:
        if raw_columns is not None:
            _take_in(con, _raw_hash_sql(raw_columns, ID_FIELD[prepared.kind]), f"{RAW_SRC}_arrow", rows, 1)
        count = _staged(con, prepared, raw_columns)
    finally:
        unregister(con, STAGE_SRC)
        con.execute(f"drop table if exists {RAW_SRC}")  # noqa: S608 - constant
    pa.default_memory_pool().release_unused()
    return count


def _take_in(con, sql: str, name: str, rows: list, i: int) -> None:
    """Run ``sql`` over ``rows[i]`` registered as ``name``, and let go of it."""
    table, rows[i] = rows[i], None
    con.register(name, table)
    try:
        con.execute(sql)
    finally:
        unregister(con, name)


def _staged(con, prepared: Prepared, raw_columns: list[str] | None) -> int:
    """``stage``'s query, over the staged rows and the raw rows' hashes; the staged row count."""
    kind = prepared.kind
    fields = FIELDS[kind]
    id_field = ID_FIELD[kind]
    attrs, params = _attributes_sql(prepared.attributes)
    typed = [f"cast({f} as {SQL_TYPES.get(f, 'varchar')}) as {f}" for f in fields if f != id_field]
    row_hash, join = _row_hash_sql(fields, id_field, len(prepared.attributes), raw_columns)
    sql = f"""
        create or replace temp table {STAGED} as
        with src as (
            select s.*, coalesce(cast(s.{id_field} as varchar),
                                 'h:' || {row_hash}) as row_key
            from {STAGE_SRC} s {join}
        ),
        numbered as (
            select *, row_number() over (partition by row_key order by line) as occurrence
            from src
        )
        select case when {id_field} is null and occurrence > 1
                    then row_key || ':' || cast(occurrence as varchar) else row_key end as {id_field},
               {', '.join(typed)}, {attrs} as attributes, line,
               case when {id_field} is null then 1 else occurrence end as occurrence
        from numbered order by line
    """  # noqa: S608 - identifiers from schema field tuples and generated names
    con.execute(sql, params)
    return con.execute(f"select count(*) from {STAGED}").fetchall()[0][0]  # noqa: S608 - constant


def _attributes_sql(attributes: list[str]) -> tuple[str, dict[str, str]]:
    """The attributes map of a staged row, as SQL over ``a0``..``aN``, and its bound names."""
    params: dict = {}
    entries = []
    for i, c in enumerate(attributes):
        params[f"k{i}"] = c
        entries.append(f"{{'k': $k{i}, 'v': a{i}}}")
    attrs = (f"map_from_entries(list_filter([{', '.join(entries)}], lambda e: e.v is not null))"
             if entries else "cast(null as map(varchar, varchar))")
    return attrs, params


def _row_hash_sql(fields, id_field: str, n_attributes: int,
                  raw_columns: list[str] | None) -> tuple[str, str]:
    """(the hash of a row without an id, the join that brings it): the raw row's, hashed as the
    raw rows were taken in (``_raw_hash_sql``), when there are raw rows; else one of its canonical
    values and attributes."""
    if raw_columns is not None:
        return f"r.{ROW_HASH}", f"left join {RAW_SRC} r using (line)"
    content = ", ".join([*(f"coalesce(cast(s.{f} as varchar), '')" for f in fields if f != id_field),
                         *(f"coalesce(s.a{i}, '')" for i in range(n_attributes))])
    return f"sha1(concat_ws(chr(31), {content}))", ""


def _raw_hash_sql(raw_columns: list[str], id_field: str) -> str:
    """The temp table of (line, hash of the whole raw row) of the staged rows without an id: all
    the staging needs of the raw rows, far smaller than the rows themselves."""
    content = ", ".join(f"coalesce({c}, '')" for c in raw_columns if c != "line") or "''"
    return (f"create or replace temp table {RAW_SRC} as "  # noqa: S608 - generated names
            f"select line, sha1(concat_ws(chr(31), {content})) as {ROW_HASH} from {RAW_SRC}_arrow "
            f"where line in (select line from {STAGE_SRC} where {id_field} is null)")


def _split_new(con, kind: str, source: str) -> tuple[int, int, int]:
    """Temp tables ``ingest_new`` (staged rows whose key the source does not hold yet) and
    ``ingest_held`` (rows it holds: kept aside under this import). (new, in source, in file)."""
    table, id_field = TABLES[kind], ID_FIELD[kind]
    params = {"ids": source_imports(con, source)}
    held = f"""exists (select 1 from {table} t where t.{id_field} = s.{id_field}
                       and list_contains($ids, t.import_id))"""  # noqa: S608 - identifiers from allowlists
    con.execute(f"create or replace temp table {NEW} as select s.* from {STAGED} s "  # noqa: S608
                f"where s.occurrence = 1 and not {held}", params)
    con.execute(f"create or replace temp table {HELD} as select s.* from {STAGED} s "  # noqa: S608
                f"where s.occurrence = 1 and {held}", params)
    new, in_source, in_file = con.execute(
        f"select (select count(*) from {NEW}), (select count(*) from {HELD}), "  # noqa: S608 - constants
        f"(select count(*) from {STAGED} where occurrence > 1)").fetchone()
    return new, in_source, in_file


def _owners(con, kind: str, source: str) -> dict[int, int]:
    """The imports of the source that hold the rows of ``ingest_held``, and how many each."""
    table, id_field = TABLES[kind], ID_FIELD[kind]
    rows = con.execute(f"select t.import_id, count(*) from {table} t join {HELD} h using ({id_field}) "  # noqa: S608
                       "where list_contains($ids, t.import_id) group by all order by 1",
                       {"ids": source_imports(con, source)}).fetchall()
    return {int(i): int(n) for i, n in rows}


def _insert_chunk(con, kind: str, first: int, last: int, import_id: int) -> None:
    """Insert the rows of ``ingest_new`` from source lines ``first..last``; the seam tests break."""
    fields = ", ".join(FIELDS[kind])
    con.execute(
        f"insert into {TABLES[kind]} ({fields}, attributes, import_id) "  # noqa: S608 - allowlists
        f"select {fields}, attributes, $import_id from {NEW} where line between $first and $last",
        {"import_id": import_id, "first": first, "last": last},
    )


def _drop_temp(con) -> None:
    for t in (STAGED, NEW, HELD, PROMOTE, RAW_SRC):
        con.execute(f"drop table if exists {t}")  # noqa: S608 - constant names


@dataclass
class Written:
    """What ``write_import`` did."""

    import_id: int | None
    loaded: int
    in_source: int  # rows whose key the source held already (kept aside, see ``<table>_held``)
    in_file: int  # rows whose id repeats an earlier line of the same file (not stored)
    replaced: list[int]
    owners: dict[int, int] = field(default_factory=dict)  # import -> rows of this file it holds

    @property
    def duplicates(self) -> int:
        return self.in_source + self.in_file


def write_import(con, prepared: Prepared, *, file_name: str, content_hash: str,
                 imported_by: str | None, dry_run: bool, save_mapping_as: str | None,
                 progress: Callable[[float, str], None] | None, source: str = "default",
                 row_key: str = "row-hash", signature: str | None = None,
                 raw_rows: pa.Table | None = None, replace: list[int] | None = None,
                 rows: list[pa.Table | None] | None = None) -> Written:
    """Write one import into ``source``, after undoing the imports ``replace`` (same
    transaction). Rolled back on any error or a dry run. ``rows``: see ``stage``."""
    report = progress or (lambda f, m: None)
    kind = prepared.kind
    replace = list(replace or [])
    try:
        report(0.45, _("Keying the rows"))
        stage(con, prepared, raw_rows, rows=rows)  # before the transaction: see ``stage``
        con.execute("begin transaction")
        for earlier in replace:
            report(0.45, _("Undoing import {id}, which this one replaces").format(id=earlier))
            undo_in_transaction(con, earlier, note=_("replaced by a new import of {file}").format(file=file_name))
        report(0.5, _("Checking for rows already imported"))
        new, in_source, in_file = _split_new(con, kind, source)
        con.execute(f"drop table {STAGED}")  # noqa: S608 - constant; split into NEW and HELD
        owners = _owners(con, kind, source) if in_source else {}
        if dry_run:
            con.execute("rollback")
            _drop_temp(con)
            return Written(None, new, in_source, in_file, replace, owners)
        import_id = _record_import(con, prepared, file_name=file_name, content_hash=content_hash,
                                   imported_by=imported_by, source=source, row_key=row_key,
                                   signature=signature)
        _record_rejects(con, prepared.rejects, import_id)
        if new:
            _insert_new(con, kind, import_id, report)
        if in_source:
            fields = ", ".join(FIELDS[kind])
            con.execute(f"insert into {HELD_TABLES[kind]} ({fields}, attributes, import_id) "  # noqa: S608
                        f"select {fields}, attributes, $id from {HELD}", {"id": import_id})
        _record_counts(con, import_id, new, in_source, in_file, len(prepared.rejects))
        if save_mapping_as:
            save_mapping(con, save_mapping_as, prepared.mapping | prepared.options, kind)
        report(0.96, _("Updating the daily counts and journeys"))
        upkeep.refresh(con, kind, added=[import_id] if new else [])
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    finally:
        _drop_temp(con)
    report(1.0, _("Done"))
    return Written(import_id, new, in_source, in_file, replace, owners)


def _record_import(con, prepared: Prepared, *, file_name: str, content_hash: str,
                   imported_by: str | None, source: str, row_key: str,
                   signature: str | None) -> int:
    """A new import, 'running' until its counts are recorded; its id."""
    import_id = con.execute("select nextval('import_id_seq')").fetchone()[0]
    stored_mapping = json.dumps(prepared.mapping | prepared.options, ensure_ascii=False)
    con.execute(
        "insert into imports (import_id, file_name, content_hash, kind, imported_by, rows_read, "
        "started_at, status, mapping, message, source, row_key, header_signature) values ($id, $file, "
        "$hash, $kind, $by, $read, $started, 'running', $mapping, $message, $source, $key, $sig)",
        {"id": import_id, "file": file_name, "hash": content_hash, "kind": prepared.kind,
         "by": imported_by, "read": prepared.rows_read, "started": datetime.now(),
         "mapping": stored_mapping, "message": "\n".join(prepared.conversions) or None,
         "source": source, "key": row_key, "sig": signature},
    )
    return import_id


def _record_rejects(con, rejects: pd.DataFrame, import_id: int) -> None:
    if not len(rejects):
        return
    rej = rejects.assign(import_id=import_id)[["import_id", "line", "column", "value", "reason"]]
    con.register("ingest_rejects_src", rej)
    try:
        con.execute('insert into import_rejects (import_id, line, "column", value, reason) '
                    "select import_id, line, \"column\", cast(value as varchar), reason "
                    "from ingest_rejects_src")
    finally:
        unregister(con, "ingest_rejects_src")


def _insert_new(con, kind: str, import_id: int, report: Callable[[float, str], None]) -> None:
    """The new rows in chunks of source lines, so that progress can be reported."""
    lo, hi = con.execute(f"select min(line), max(line) from {NEW}").fetchone()  # noqa: S608
    for first in range(lo, hi + 1, CHUNK_ROWS):
        last = min(first + CHUNK_ROWS - 1, hi)
        _insert_chunk(con, kind, first, last, import_id)
        report(0.5 + 0.45 * (last - lo + 1) / (hi - lo + 1),
               _("Loaded lines {first} to {last} of {total}").format(
                   first=i18n.count(first), last=i18n.count(last), total=i18n.count(hi)))


def _record_counts(con, import_id: int, new: int, in_source: int, in_file: int,
                   rejected: int) -> None:
    con.execute(
        "update imports set loaded = $loaded, duplicates = $dup, rejected = $rej, "
        "duplicates_in_source = $in_source, duplicates_in_file = $in_file, "
        "finished_at = $now, status = 'done' where import_id = $id",
        {"loaded": new, "dup": in_source + in_file, "rej": rejected, "now": datetime.now(),
         "id": import_id, "in_source": in_source, "in_file": in_file},
    )
