"""The engine layer: the same DuckDB SQL of the query modules, on DuckDB or on Apache Spark.

A query function takes ``con`` and calls ``con.execute(sql, params)`` (then ``.df()``,
``.fetchall()`` or ``.fetchone()``) and ``con.cursor()``. A DuckDB connection is such an object; so is
``SparkConnection`` (``spark.py``), which transpiles each statement with sqlglot plus the project's
rules (``rules.py``) and binds the parameters. No query module is forked per engine.

- ``open_duckdb(path)``: the DuckDB file (``cxdata.db.connect``);
- ``duckdb_on_parquet(directory)``: DuckDB in memory over an export's Parquet folders (the same
  files Spark reads: for comparing the two);
- ``spark_on_parquet(directory, remote=None)``: Spark over an export's Parquet folders.

``build.build_tables`` computes the derived tables from an export on either engine (the builders'
own selects) into Parquet; ``attach.attach`` loads them into a DuckDB file the dashboard serves.

pyspark is imported only by ``spark_on_parquet`` and ``spark.spark_session``.
"""

from __future__ import annotations

from pathlib import Path

from ..db import connect
from .export import RAW_TABLES, duckdb_on_parquet, export_tables
from .rules import RULES, to_spark

ENGINES = ("duckdb", "spark")

__all__ = ["ENGINES", "RAW_TABLES", "RULES", "duckdb_on_parquet", "export_tables", "open_duckdb",
           "spark_on_parquet", "to_spark"]


def open_duckdb(path: str | Path | None = None, read_only: bool = True):
    return connect(path, read_only=read_only)


def spark_on_parquet(directory: str | Path, remote: str | None = None, session=None):
    """A ``SparkConnection`` over the Parquet folders of ``directory`` (``session``: one made
    already, e.g. a test's; else one from ``spark.spark_session``)."""
    from .spark import SparkConnection, spark_session

    con = SparkConnection(session or spark_session(remote=remote))
    con.register_parquet(directory)
    return con
