"""The record of imports: every import with the rows it shares with others of its source, one
import's rejects, and the live imports of a file with the same content."""

from __future__ import annotations

import pandas as pd

from .fields import ID_FIELD
from .import_tables import HELD_TABLES, TABLES


def same_content(con, content_hash: str) -> list[tuple]:
    """The live imports of a file with this content: (import_id, started_at, mapping, source)."""
    return con.execute("select import_id, started_at, mapping, source from imports "
                       "where content_hash = $h and status = 'done' order by import_id",
                       {"h": content_hash}).fetchall()


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
        id_field = ID_FIELD[kind]
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
