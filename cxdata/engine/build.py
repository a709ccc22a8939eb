"""Derived tables from raw Parquet, on DuckDB or Spark, with the builders' own SQL.

``build_tables(engine, out)`` runs, in order, the selects that ``upkeep.rebuild_all`` inserts
(``cube.cell_selects`` and ``cube.value_selects``: the count tables, ``filter_values`` and
``attribute_counts``; ``journeys.keys_sql``, ``starts_sql``, ``events_sql`` and
``first_reach_sql``: the journey tables) and writes each table to a Parquet folder of its name
under ``out``, which later steps then read (the smaller count tables sum the detail table's
cells; ``journey_first_reach`` reads ``journey_starts``). ``settings`` (with the journey
dimensions ``journeys.constant_dimension_settings`` notes), ``stages`` and ``imports`` are
written too: ``attach`` makes a served database from the folder alone.

Both engines compute the journey chain in the same form: the step times from one list of each
stage's times per customer and channel (``journeys.chain_sql``, Spark has no ASOF join, and on
DuckDB the list form is the faster and smaller one: docs/scale.md). Every statement is the same,
transpiled for Spark.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import cube, journeys
from ..settings import stages as stored_stages
from .export import RAW_TABLES, _write, duckdb_on_parquet

# Raw tables the served database needs as they are (the funnel's order, the Imports page).
COPIED = ("stages", "imports")
VALUE_TABLES = ("filter_values", "attribute_counts")


def build_steps(con) -> list[tuple[str, str, dict]]:
    """(table, select, params) of every derived table, in the order they can be computed."""
    steps = [(table, select, {}) for table, select in cube.cell_selects("true", ordered=True)]
    values: dict[str, list[str]] = {t: [] for t in VALUE_TABLES}
    for kind in ("responses", "interactions"):
        for table, select in cube.value_selects("true", kind):
            values[table].append(f"select * from ({select})")  # noqa: S608 - from code
    steps += [(table, " union all ".join(selects), {}) for table, selects in values.items()]
    steps += [(table, journeys.keys_sql(table, col, key, "interactions", fresh=True), {})
              for table, col, key in journeys.KEY_TABLES]
    order = stored_stages(con)
    if order:
        n, params = len(order), journeys.chain_params(order)
        steps += [("journey_starts", journeys.starts_sql(n, "true"), params),
                  ("journey_events", journeys.events_sql("true"), {}),
                  ("journey_first_reach", journeys.first_reach_sql(n, "true"), {})]
    steps += [(table, f"select * from {table}", {}) for table in COPIED]  # noqa: S608 - from code
    return steps


def build_tables(con, out: str | Path, on_table=None) -> dict[str, int]:
    """Every derived table of the raw tables ``con`` reads (``duckdb_on_parquet`` or a
    ``SparkConnection``), written under ``out``; returns rows per table. ``on_table(name, rows)``
    is told after each one."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    save = con.save_parquet if hasattr(con, "save_parquet") else _duckdb_saver(con)
    written = {}
    for table, select, params in build_steps(con):
        written[table] = save(table, select, params, root)
        if on_table:
            on_table(table, written[table])
    written["settings"] = _write_settings(con, root)
    return written


def _duckdb_saver(con):
    def save(table: str, select: str, params: dict, root: Path) -> int:
        target = root / table
        if target.exists():
            shutil.rmtree(target)
        if table in RAW_TABLES:  # copied as it is
            return _write(con.cursor().sql(select).to_arrow_reader(1_000_000), target, partitioned=False)
        # a table, not a view: the later steps read it again
        con.execute(f"create or replace table {table} as {select}", params)  # noqa: S608 - from code
        reader = con.cursor().sql(f"select * from {table}").to_arrow_reader(1_000_000)  # noqa: S608
        return _write(reader, target, partitioned=False)
    return save


def _write_settings(con, root: Path) -> int:
    """The raw settings with the journey dimensions of the starts just built (a value each,
    computed by the engine; rows written by pyarrow, never as SQL text)."""
    rows = dict(con.execute("select key, value from settings").fetchall())
    if stored_stages(con):
        rows |= journeys.constant_dimension_settings(con)
    target = root / "settings"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    table = pa.table({"key": pa.array(list(rows), pa.string()), "value": pa.array(list(rows.values()), pa.string())})
    pq.write_table(table, target / "part-0.parquet")
    return len(rows)


def open_input(engine: str, directory: str | Path, remote: str | None = None, session=None):
    """The raw tables of an export on ``engine``: DuckDB (in memory, spilling to disk) or Spark."""
    tables = [t for t in RAW_TABLES if (Path(directory) / t).is_dir()]
    if engine == "duckdb":
        return duckdb_on_parquet(directory, tables)
    from .spark import SparkConnection, spark_session

    con = SparkConnection(session or spark_session(remote=remote))
    con.register_parquet(directory, tables)
    return con
