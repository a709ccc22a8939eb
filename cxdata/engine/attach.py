"""A DuckDB file that serves derived tables built elsewhere (``build``, on Spark or DuckDB).

``attach(db_path, directory)`` loads every derived table of a build's output (the count tables,
the sidebar's values, the journey tables) and its ``stages``, ``imports`` and ``settings`` into
the DuckDB file at ``db_path`` (created with the dashboard's schema if new), in one transaction,
each in the order the builders write them (day order, ``journeys.STARTS_ORDER``...: the zone maps
a date range skips by). ``responses`` and ``interactions`` stay empty: the file is marked
``served`` (setting ``served_from``), and ``raw_rows_needed`` says what a page asked for that
only the raw rows answer.

Loaded, not views on the Parquet: a query on DuckDB's own storage reads only the row groups and
columns it needs with zone maps in the order written, the file is self-contained (the Parquet
folder can go), and loading costs seconds per million rows (``docs/scale.md``).
"""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

from .. import cube, journeys
from ..db import connect
from ..settings import bump_data_version, get_setting, transaction
from .build import COPIED
from .export import DERIVED_TABLES

SERVED_KEY = "served_from"
# table -> the order its rows are written in (as the builders write them)
ORDER = {"journey_starts": journeys.STARTS_ORDER, "journey_events": journeys.EVENTS_ORDER,
         "kpi_monthly": "month", **{t: "day" for t in cube.CUBE_TABLES if t != cube.MONTHLY}}
ATTACHED = (*DERIVED_TABLES, *COPIED, "settings")


class AttachError(ValueError):
    """The folder is not a build's output, or the database holds raw rows."""


def attach(db_path: str | Path, directory: str | Path) -> dict[str, int]:
    """Load the build in ``directory`` into ``db_path``; returns rows per table."""
    root = Path(directory)
    missing = [t for t in ATTACHED if not any((root / t).rglob("*.parquet"))]
    if missing:
        raise AttachError(f"{root} is not the output of python -m cxdata build: no Parquet for "
                          f"{', '.join(missing)}.")
    con = connect(db_path)
    try:
        raw = con.execute("select (select count(*) from responses) + (select count(*) from interactions)").fetchone()[0]
        if raw:
            raise AttachError(f"{db_path} holds {raw:,} raw rows: attach makes a serving file; give a new path.")
        with transaction(con):
            loaded = {table: _load(con, table, root / table) for table in ATTACHED}
            con.execute("insert or replace into settings values ($k, $v)", {"k": SERVED_KEY, "v": str(root)})
            bump_data_version(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return loaded


def _load(con, table: str, folder: Path) -> int:
    """Replace ``table``'s rows by the folder's, by column name (a build writes the journey
    starts with the stages' step columns only: the others stay NULL)."""
    files = sorted(str(p) for p in folder.rglob("*.parquet"))
    con.execute(f"delete from {table}")  # noqa: S608 - table from ATTACHED
    order = f" order by {ORDER[table]}" if table in ORDER else ""
    con.execute(f"insert into {table} by name select * from read_parquet($files){order}",  # noqa: S608 - from code
                {"files": files})
    return con.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608 - from code


def served_from(con) -> str | None:
    """The build folder a served database was attached from, or None for a database of raw rows."""
    return get_setting(con, SERVED_KEY)


def served_date_bounds(con):
    """(first, last) day of the responses a served database's daily count table holds, as
    timestamps at midnight (its raw rows, which ``lookups.date_bounds`` reads, are not there);
    (None, None) when it holds none."""
    lo, hi = con.execute("select min(day), max(day) from kpi_daily_core").fetchone()
    return tuple(None if d is None else datetime.combine(d, time()) for d in (lo, hi))


# What a page asks that only the raw rows answer, and the sentence it shows on a served database.
NEEDS_RAW = {
    "attribute": "An attribute filter or an attribute breakdown reads the raw responses, which this "
                 "served database does not hold: run it where the raw data is (python -m cxdata kpis "
                 "--engine spark --parquet DIR --attr KEY:VALUE), or remove the attribute.",
    "events": "A funnel for a touchpoint or an attribute walks the raw events, which this served "
              "database does not hold: remove the touchpoint filter, or run the funnel on Spark "
              "(cxdata.funnel.funnel_steps on cxdata.engine.spark_on_parquet).",
    "rows": "The download of raw rows needs the raw responses, which this served database does not "
            "hold: export them from the raw data instead (python -m cxdata export).",
    "imports": "Imports are made and undone where the raw data is: this database is served from a "
               "build (python -m cxdata build, then attach); rebuild and attach again after an import.",
}


def raw_rows_needed(con, filters=None, what: str | None = None) -> str | None:
    """On a served database, the sentence a page shows instead of a figure it cannot compute:
    ``what`` names the need (a key of ``NEEDS_RAW``), or ``filters`` with an attribute filter
    (``Filters.attrs``) implies ``attribute``. None on a database of raw rows, or when nothing
    raw is needed."""
    if served_from(con) is None:
        return None
    if what is None and filters is not None and getattr(filters, "attrs", None):
        what = "attribute"
    return NEEDS_RAW.get(what) if what else None
