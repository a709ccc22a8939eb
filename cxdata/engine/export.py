"""Tables out to Parquet, and DuckDB over those files.

``export_tables`` writes each table to a folder of its name: ``responses`` and ``interactions``
partitioned by month of their time column (``month=YYYY-MM/``, so an engine reading a period opens
only its months), the small tables as one file each. Paths never enter SQL: the rows leave DuckDB
as Arrow batches and pyarrow writes the files.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from ..db import default_memory_limit

PARTITION_COLUMN = "month"
# The raw tables: everything else is derived from them (cube.py, journeys.py).
RAW_TABLES = ("responses", "interactions", "imports", "stages", "settings")
# The derived tables a page reads: the count tables, the sidebar's values, the journey tables.
DERIVED_TABLES = ("kpi_monthly", "kpi_daily_core", "kpi_daily_touch", "kpi_daily", "kpi_daily_detail",
                  "filter_values", "attribute_counts", "journey_starts", "journey_events",
                  "journey_first_reach", "channel_keys", "customer_keys")
TIME_COLUMNS = {"responses": "responded_at", "interactions": "occurred_at"}
_BATCH_ROWS = 1_000_000


def export_tables(con, out: str | Path, tables: Iterable[str] = RAW_TABLES) -> dict[str, int]:
    """Write ``tables`` of the DuckDB connection ``con`` under ``out`` (each folder replaced);
    returns rows written per table."""

    known = set(RAW_TABLES) | set(DERIVED_TABLES)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in tables:
        if table not in known:
            raise ValueError(f"unknown table {table!r}")
        target = root / table
        if target.exists():
            shutil.rmtree(target)
        ts = TIME_COLUMNS.get(table)
        if ts:
            sql = (f"select *, strftime({ts}, '%Y-%m') as {PARTITION_COLUMN} "  # noqa: S608 - names from code
                   f"from {table} order by {ts}")
        else:
            sql = f"select * from {table}"  # noqa: S608 - table from RAW_TABLES / DERIVED_TABLES
        reader = con.cursor().sql(sql).to_arrow_reader(_BATCH_ROWS)
        written[table] = _write(reader, target, partitioned=ts is not None)
    return written


def _write(reader, target: Path, partitioned: bool) -> int:
    rows = 0

    def counted():
        nonlocal rows
        for batch in reader:
            rows += batch.num_rows
            yield batch


    source = pa.RecordBatchReader.from_batches(reader.schema, counted())
    ds.write_dataset(source, target, format="parquet", existing_data_behavior="overwrite_or_ignore",
                     partitioning=[PARTITION_COLUMN] if partitioned else None,
                     partitioning_flavor="hive" if partitioned else None,
                     basename_template="part-{i}.parquet",
                     max_rows_per_file=8_000_000, max_rows_per_group=1_000_000)
    if rows == 0 and not any(target.rglob("*.parquet")):
        # an empty table still needs its schema on disk, or no engine can read the folder
        target.mkdir(parents=True, exist_ok=True)

        schema = reader.schema.remove(reader.schema.get_field_index(PARTITION_COLUMN)) \
            if partitioned else reader.schema
        pq.write_table(schema.empty_table(), target / "part-0.parquet")
    return rows


def duckdb_on_parquet(directory: str | Path, tables: Iterable[str] | None = None):
    """An in-memory DuckDB connection with a view per table folder of ``directory`` (the month
    partition column dropped): the queries then run on the very files Spark reads."""

    root = Path(directory)
    con = duckdb.connect(":memory:")
    con.execute("set enable_progress_bar = false")
    _cap_memory(con)
    names = sorted(tables) if tables is not None else sorted(p.name for p in root.iterdir() if p.is_dir())
    for name in names:
        files = sorted(str(p) for p in (root / name).rglob("*.parquet"))
        rel = con.read_parquet(files, hive_partitioning=name in TIME_COLUMNS)
        if PARTITION_COLUMN in rel.columns and name in TIME_COLUMNS:
            rel = rel.select(*[f'"{c}"' for c in rel.columns if c != PARTITION_COLUMN])
        rel.create_view(name)
    return con


def _cap_memory(con) -> None:
    """Capped as the CLI's work is (``db.default_memory_limit``): the build's tables live in memory,
    and DuckDB's own cap, 80% of RAM, let a 2M/10M build reach 10 GB resident and evict every
    other process's pages on a shared machine; past the cap the work spills to a temp directory."""
    limit = default_memory_limit()
    if limit:
        con.execute(f"set memory_limit = '{limit}'")  # from code: digits and MB
        con.execute("set temp_directory = $d", {"d": str(Path(tempfile.gettempdir()) / "cxdata-duckdb")})
