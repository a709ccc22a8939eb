"""A tiny database from literal rows, the way most query tests start: rows inserted by hand, then
the derived tables refreshed by the one module that owns them (``cxdata.upkeep``), as an import
would have done."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cxdata
from cxdata import upkeep


def tiny_db(table: str = "responses", columns: Sequence[str] = (), rows: Iterable[Sequence] = (),
            con=None, values: str | None = None):
    """An in-memory database (or ``con``) holding ``rows`` in ``table`` (``responses`` or
    ``interactions``) under ``columns``; ``values`` replaces the ``(?, ?, ...)`` placeholders
    where a column needs an expression (``map(['tier'], [?])``)."""
    assert table in ("responses", "interactions")
    con = con if con is not None else cxdata.connect(":memory:")
    rows = list(rows)
    if rows:
        placeholders = values or "(" + ", ".join("?" for _ in columns) + ")"
        con.executemany(f"insert into {table} ({', '.join(columns)}) values {placeholders}", rows)
    upkeep.rebuild_all(con)  # rows inserted outside an import: refresh the derived tables
    return con
