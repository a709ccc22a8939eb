"""Writing an import: one transaction that stages the accepted rows, sorts them into new rows, rows
their source holds already and rows repeated inside the file, inserts them with their ``import_id``,
records the import and its rejects, and has ``upkeep`` refresh the derived tables; or, on any
failure, rolls all of it back. Undo is the same in reverse, and leaves the database as if the import
had never happened.

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
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd
import pyarrow as pa

from .. import upkeep
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
HELD_TABLES = {"responses": "responses_held", "interactions": "interactions_held"}
STAGE_SRC = "ingest_src"
RAW_SRC = "ingest_raw"
STAGED = "ingest_staged"
NEW = "ingest_new"
HELD = "ingest_held"
PROMOTE = "undo_promote"


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


def raw_rows_table(frame: pd.DataFrame, lines) -> pa.Table:
    """The raw rows as ``line`` + ``c0``..``cN`` (every source column as text), for the row hash."""
    cols = {"line": pa.array(lines, type=pa.int64())}
    for i, c in enumerate(frame.columns):
        s = frame[c]
        cols[f"c{i}"] = (pa.array(s.array).cast(pa.string()) if s.dtype == "str" else
                         pa.array(s.astype("object").where(s.notna(), None), type=pa.string()))
    return pa.table(cols)


def stage(con, prepared: Prepared, raw_rows: pa.Table | None = None) -> int:
    """Create temp table ``ingest_staged``: canonical columns with each row's key and the attributes
    map, ``occurrence`` (> 1: the key repeats an earlier line of the file), in the order of the source
    lines. The key of a row without an id is the hash of ``raw_rows`` (every source column), or of
    its canonical values and attributes when no raw rows are given. Returns its row count."""
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
    if raw_rows is not None:
        raw_cols = [c for c in raw_rows.column_names if c != "line"]
        content = ", ".join(f"coalesce(r.{c}, '')" for c in raw_cols) or "''"
        join = f"left join {RAW_SRC} r using (line)"
    else:
        content = ", ".join([*(f"coalesce(cast(s.{f} as varchar), '')" for f in fields if f != id_field),
                             *(f"coalesce(s.a{i}, '')" for i in range(len(prepared.attributes)))])
        join = ""
    con.register(STAGE_SRC, _arrow(prepared))
    if raw_rows is not None:
        con.register(RAW_SRC, raw_rows)
    try:
        sql = f"""
            create or replace temp table {STAGED} as
            with src as (
                select s.*, coalesce(cast(s.{id_field} as varchar),
                                     'h:' || sha1(concat_ws(chr(31), {content}))) as row_key
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
    finally:
        _unregister(con, STAGE_SRC)
        if raw_rows is not None:
            _unregister(con, RAW_SRC)
    return con.execute(f"select count(*) from {STAGED}").fetchone()[0]  # noqa: S608 - constant


def _source_imports(con, source: str, but: int | None = None) -> list[int]:
    """The live (done) imports of ``source``."""
    return [r[0] for r in con.execute(
        "select import_id from imports where source = $src and status = 'done' and import_id <> $but",
        {"src": source, "but": -1 if but is None else int(but)}).fetchall()]


def _split_new(con, kind: str, source: str) -> tuple[int, int, int]:
    """Temp tables ``ingest_new`` (staged rows whose key the source does not hold yet) and
    ``ingest_held`` (rows it holds: kept aside under this import). (new, in source, in file)."""
    table, id_field = TABLES[kind], mp.ID_FIELD[kind]
    params = {"ids": _source_imports(con, source)}
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


def _insert_chunk(con, kind: str, first: int, last: int, import_id: int) -> None:
    """Insert the rows of ``ingest_new`` from source lines ``first..last``; the seam tests break."""
    fields = ", ".join(mp.FIELDS[kind])
    con.execute(
        f"insert into {TABLES[kind]} ({fields}, attributes, import_id) "  # noqa: S608 - allowlists
        f"select {fields}, attributes, $import_id from {NEW} where line between $first and $last",
        {"import_id": import_id, "first": first, "last": last},
    )


def _drop_temp(con) -> None:
    for t in (STAGED, NEW, HELD, PROMOTE):
        con.execute(f"drop table if exists {t}")  # noqa: S608 - constant names


@dataclass
class Written:
    """What ``write_import`` did."""

    import_id: int | None
    loaded: int
    in_source: int  # rows whose key the source held already (kept aside, see ``<table>_held``)
    in_file: int  # rows whose id repeats an earlier line of the same file (not stored)
    replaced: list[int]

    @property
    def duplicates(self) -> int:
        return self.in_source + self.in_file


def same_content(con, content_hash: str) -> list[tuple]:
    """The live imports of a file with this content: (import_id, started_at, mapping, source)."""
    return con.execute("select import_id, started_at, mapping, source from imports "
                       "where content_hash = $h and status = 'done' order by import_id",
                       {"h": content_hash}).fetchall()


def write_import(con, prepared: Prepared, *, file_name: str, content_hash: str,
                 imported_by: str | None, dry_run: bool, save_mapping_as: str | None,
                 progress: Callable[[float, str], None] | None, source: str = "default",
                 row_key: str = "row-hash", signature: str | None = None,
                 raw_rows: pa.Table | None = None, replace: list[int] | None = None) -> Written:
    """Write one import into ``source``, after undoing the imports ``replace`` (same
    transaction). Rolled back on any error or a dry run."""
    report = progress or (lambda f, m: None)
    kind = prepared.kind
    rejected = len(prepared.rejects)
    replace = list(replace or [])
    con.execute("begin transaction")
    try:
        for earlier in replace:
            report(0.45, f"Undoing import {earlier}, which this one replaces")
            _undo_in_transaction(con, earlier, note=f"replaced by a new import of {file_name}")
        report(0.5, "Checking for rows already imported")
        stage(con, prepared, raw_rows)
        new, in_source, in_file = _split_new(con, kind, source)
        if dry_run:
            con.execute("rollback")
            _drop_temp(con)
            return Written(None, new, in_source, in_file, replace)
        import_id = con.execute("select nextval('import_id_seq')").fetchone()[0]
        stored_mapping = json.dumps(prepared.mapping | prepared.options, ensure_ascii=False)
        con.execute(
            "insert into imports (import_id, file_name, content_hash, kind, imported_by, rows_read, "
            "started_at, status, mapping, message, source, row_key, header_signature) values ($id, $file, "
            "$hash, $kind, $by, $read, $started, 'running', $mapping, $message, $source, $key, $sig)",
            {"id": import_id, "file": file_name, "hash": content_hash, "kind": kind,
             "by": imported_by, "read": prepared.rows_read, "started": datetime.now(),
             "mapping": stored_mapping, "message": "\n".join(prepared.conversions) or None,
             "source": source, "key": row_key, "sig": signature},
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
        if in_source:
            fields = ", ".join(mp.FIELDS[kind])
            con.execute(f"insert into {HELD_TABLES[kind]} ({fields}, attributes, import_id) "  # noqa: S608
                        f"select {fields}, attributes, $id from {HELD}", {"id": import_id})
        con.execute(
            "update imports set loaded = $loaded, duplicates = $dup, rejected = $rej, "
            "duplicates_in_source = $in_source, duplicates_in_file = $in_file, "
            "finished_at = $now, status = 'done' where import_id = $id",
            {"loaded": new, "dup": in_source + in_file, "rej": rejected, "now": datetime.now(),
             "id": import_id, "in_source": in_source, "in_file": in_file},
        )
        if save_mapping_as:
            mp.save_mapping(con, save_mapping_as, prepared.mapping | prepared.options, kind)
        report(0.96, "Updating the daily counts and journeys")
        upkeep.refresh(con, kind, added=[import_id] if new else [])
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    finally:
        _drop_temp(con)
    report(1.0, "Done")
    return Written(import_id, new, in_source, in_file, replace)


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


def list_imports(con) -> pd.DataFrame:
    """Every import, newest first, with its source, key and ``shared_with``: the live imports of
    the same source that delivered some of the same rows (an undo hands those rows to them)."""
    frame = con.execute(
        "select import_id, file_name, kind, source, row_key as key, imported_by, started_at, "
        "finished_at, status, rows_read, loaded, duplicates, duplicates_in_source, "
        "duplicates_in_file, rejected, mapping, message from imports "
        "order by started_at desc, import_id desc"
    ).df()
    shared = shared_rows(con)
    frame["shared_with"] = [sorted(shared.get(int(i), {})) for i in frame["import_id"]]
    frame["shared_rows"] = [sum(shared.get(int(i), {}).values()) for i in frame["import_id"]]
    return frame


def shared_rows(con, import_id: int | None = None) -> dict[int, dict[int, int]]:
    """{import: {other import: rows both delivered}} among live imports of the same source (or
    just for ``import_id``)."""
    out: dict[int, dict[int, int]] = {}
    for kind, table in TABLES.items():
        id_field = mp.ID_FIELD[kind]
        rows = con.execute(f"""
            with live as (select import_id, source from imports where status = 'done' and kind = $kind),
            keyed as (
                select h.import_id, l.source, h.{id_field} as k from {HELD_TABLES[kind]} h join live l using (import_id)
            ),
            owners as (
                select t.import_id, l.source, t.{id_field} as k from {table} t join live l using (import_id)
                where t.{id_field} in (select k from keyed)
            ),
            everyone as (select * from keyed union all select * from owners)
            select a.import_id, b.import_id, count(*) from everyone a join everyone b
              on a.source = b.source and a.k = b.k and a.import_id <> b.import_id
            group by all
        """, {"kind": kind}).fetchall()  # noqa: S608 - identifiers from allowlists
        for a, b, n in rows:
            if import_id is None or a == import_id:
                out.setdefault(int(a), {})[int(b)] = int(n)
    return out


def import_rejects(con, import_id: int) -> pd.DataFrame:
    """The rejects of one import: line, column, value, reason, in line order."""
    return con.execute(
        'select line, "column", value, reason from import_rejects where import_id = $id '
        "order by line",
        {"id": import_id},
    ).df()


def _undo_in_transaction(con, import_id: int, note: str = "") -> int:
    """Undo one import inside the caller's transaction; the rows removed. Its rows that other live
    imports of its source delivered too stay, owned by the earliest of them, with its values."""
    row = con.execute("select kind, status, source from imports where import_id = $id",
                      {"id": import_id}).fetchone()
    if row is None:
        raise IngestError(f"there is no import {import_id}; list them with `python -m cxdata imports`.")
    kind, status, source = row
    if status == "undone":
        raise IngestError(f"import {import_id} is already undone.")
    if status != "done":
        raise IngestError(f"import {import_id} is {status}, not done: there is nothing to undo.")
    table, held, id_field = TABLES[kind], HELD_TABLES[kind], mp.ID_FIELD[kind]
    params = {"id": int(import_id), "others": _source_imports(con, source, but=import_id)}
    con.execute(f"delete from {held} where import_id = $id", {"id": int(import_id)})  # noqa: S608
    con.execute(f"""
        create or replace temp table {PROMOTE} as
        select h.* from {held} h
        where list_contains($others, h.import_id)
          and h.{id_field} in (select {id_field} from {table} where import_id = $id)
        qualify row_number() over (partition by h.{id_field} order by h.import_id) = 1
    """, params)  # noqa: S608 - identifiers from allowlists
    upkeep.mark_customers(con, kind, [import_id], f"select customer_id from {PROMOTE}")  # noqa: S608
    removed = con.execute(f"delete from {table} where import_id = $id",  # noqa: S608 - allowlist
                          {"id": int(import_id)}).fetchone()[0]
    con.execute(f"insert into {table} select * from {PROMOTE}")  # noqa: S608 - allowlist
    con.execute(f"delete from {held} h where exists (select 1 from {PROMOTE} p "  # noqa: S608
                f"where p.import_id = h.import_id and p.{id_field} = h.{id_field})")
    gained = dict(con.execute(f"select import_id, count(*) from {PROMOTE} group by all").fetchall())  # noqa: S608
    for other, n in gained.items():
        con.execute("update imports set loaded = loaded + $n, duplicates = duplicates - $n, "
                    "duplicates_in_source = duplicates_in_source - $n, "
                    "message = coalesce(message || chr(10), '') || $note where import_id = $other",
                    {"n": n, "other": other,
                     "note": f"{n} rows taken over from import {import_id} when it was undone"})
    con.execute(f"drop table {PROMOTE}")  # noqa: S608 - constant
    upkeep.refresh(con, kind, removed=[import_id], changed=sorted(gained))
    kept = f", {sum(gained.values())} rows kept for import(s) {', '.join(map(str, sorted(gained)))}" if gained else ""
    con.execute("update imports set status = 'undone', message = coalesce(message || chr(10), '') "
                "|| $note where import_id = $id",
                {"id": import_id, "note": f"undone at {datetime.now():%Y-%m-%d %H:%M:%S}, "
                                          f"{removed} rows removed{kept}" + (f" ({note})" if note else "")})
    return int(removed)


def undo_import(con, import_id: int) -> int:
    """Undo one import in one transaction, as if it had never been imported: its rows go, except
    those another live import of its source delivered too (that import owns them now); it is marked
    'undone'. Returns the rows removed from the import's table (rows handed over count as removed
    from it)."""
    con.execute("begin transaction")
    try:
        removed = _undo_in_transaction(con, import_id)
        con.execute("commit")
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.execute(f"drop table if exists {PROMOTE}")  # noqa: S608 - constant
    return removed
