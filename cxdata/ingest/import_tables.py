"""The tables an import writes and the temp tables it works in, with the two DuckDB habits both
the load and the undo need: the live imports of a source, and cleaning up without hiding the first
error.

SQL identifiers come from these allowlists or are generated; source column names only ever reach
SQL as bound values.
"""

from __future__ import annotations

import duckdb

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


def source_imports(con, source: str, but: int | None = None) -> list[int]:
    """The live (done) imports of ``source``."""
    return [r[0] for r in con.execute(
        "select import_id from imports where source = $src and status = 'done' and import_id <> $but",
        {"src": source, "but": -1 if but is None else int(but)}).fetchall()]


def unregister(con, name: str) -> None:
    """Drop a registered frame; after a failed statement (out of memory, say) the transaction is
    aborted and DuckDB refuses even this until the rollback, which drops it: the first error is
    the one to report."""
    try:
        con.unregister(name)
    except duckdb.TransactionException:
        pass


def rollback(con) -> None:
    try:
        con.execute("rollback")
    except Exception:  # noqa: BLE001 - the transaction may already be gone; the first error matters
        pass
