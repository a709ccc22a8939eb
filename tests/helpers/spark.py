"""What the Spark test modules share: one classic ``local[2]`` session in UTC, a seeded demo file
with its tables exported to Parquet, DuckDB and Spark over the same files, and the comparison of
two results (counts and words exact, figures to 1e-9)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd

DEMO = {"responses": 20_000, "interactions": 100_000, "seed": 7}


def start_spark():
    """(the session, whether this call started it): a module stops only the session it started
    (``tests/test_spark.py`` and ``tests/test_spark_pages.py`` run in one process)."""
    from pyspark.sql import SparkSession

    from cxdata.engine.spark import spark_session

    started = SparkSession.getActiveSession() is None
    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    return session, started


def demo_export(root: Path) -> dict[str, Path]:
    """The seeded demo file under ``root``, its raw tables exported by the CLI (``raw``) and all its
    tables, derived ones included (``all``)."""
    from cxdata import db, demo
    from cxdata.cli import main
    from cxdata.engine import export_tables
    from cxdata.engine.export import DERIVED_TABLES, RAW_TABLES

    path = root / "demo.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, **DEMO)
    export_tables(con, root / "all", RAW_TABLES + DERIVED_TABLES)
    con.execute("checkpoint")
    con.close()
    assert main(["export", "--db", str(path), "--out", str(root / "raw")]) == 0
    return {"db": path, "raw": root / "raw", "all": root / "all"}


def both_engines(session, directory: Path):
    """(DuckDB, Spark) over the same Parquet files: every table of ``directory``."""
    from cxdata.engine import duckdb_on_parquet
    from cxdata.engine.spark import SparkConnection

    con = SparkConnection(session)
    con.register_parquet(directory)
    return duckdb_on_parquet(directory), con


def assert_same(a, b, where="result"):
    """Equal results: frames with rtol 1e-9, counts and words exactly, figures to 1e-9; lists,
    tuples, dicts and dataclasses item by item."""
    if isinstance(a, pd.DataFrame):
        assert list(a.columns) == list(b.columns), where
        assert len(a) == len(b) and len(a) > 0, where
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                      check_dtype=False, rtol=1e-9, obj=where)
    elif dataclasses.is_dataclass(a):
        assert_same(dataclasses.asdict(a), dataclasses.asdict(b), where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), (where, a.keys(), b.keys())
        for k in a:
            assert_same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and not isinstance(b, bool):
        assert b is not None and (math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
                                  or math.isnan(a) and math.isnan(b)), (where, a, b)
    else:
        assert a == b and type(a) is type(b), (where, a, b)
