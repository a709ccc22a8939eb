"""``SparkConnection``: the methods of a DuckDB connection the query modules use, on Spark.

Each statement is DuckDB SQL; ``execute`` transpiles it (``rules.to_spark``) and runs it with its
parameters bound as Spark named parameters (``:name``): no value ever becomes statement text. Spark
4 binds every type the query modules bind (int, float, str, bool, None, date, naive datetime,
timedelta as a day-to-second interval, and lists of them, empty ones too: ``tests/test_spark.py``),
in the places they use them (``date_trunc``'s unit, ``limit``, a map key, an interval added to a
timestamp).

pyspark is imported only here and only when a Spark connection is made: it is an optional, heavy
dependency (and needs Java).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

# The tables a Parquet directory may hold, each in a folder of its name (``cxdata.engine.export``).
from .export import PARTITION_COLUMN
from .rules import CATALOG_VIEW, to_spark


class SparkResult:
    """What ``execute`` returns: ``df()``, ``fetchall()``, ``fetchone()``, ``fetchnumpy()`` like DuckDB's."""

    def __init__(self, frame):
        self._frame = frame
        self._rows: list[tuple] | None = None

    def df(self) -> pd.DataFrame:
        return self._frame.toPandas()

    def fetchall(self) -> list[tuple]:
        if self._rows is None:
            self._rows = [tuple(r) for r in self._frame.collect()]
        return self._rows

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def fetchnumpy(self) -> dict:
        """Column name -> numpy array, as DuckDB's (the key drivers' cells)."""
        frame = self.df()
        return {name: frame[name].to_numpy() for name in frame.columns}


class SparkConnection:
    """A Spark session that reads the project's tables and answers DuckDB statements."""

    def __init__(self, session):
        self.session = session
        self.tables: set[str] = set()

    # ---- tables -------------------------------------------------------------------------------
    def register_parquet(self, directory: str | Path, tables: Iterable[str] | None = None) -> list[str]:
        """Make every table folder of ``directory`` (or ``tables``) a view of its name; the month
        partition column the export adds is dropped (it is not a column of the table)."""
        root = Path(directory)
        names = sorted(tables) if tables is not None else sorted(p.name for p in root.iterdir() if p.is_dir())
        for name in names:
            frame = self.session.read.parquet(str(root / name))
            if PARTITION_COLUMN in frame.columns and name in ("responses", "interactions"):
                frame = frame.drop(PARTITION_COLUMN)
            frame.createOrReplaceTempView(name)
        self.tables.update(names)
        self._catalog()
        return names

    def _catalog(self) -> None:
        """The view ``information_schema.tables`` is read as (``rules.CATALOG_VIEW``): the tables
        registered so far, as DuckDB lists the tables of a file."""
        rows = [("main", name, "BASE TABLE") for name in sorted(self.tables)]
        schema = "table_schema string, table_name string, table_type string"
        self.session.createDataFrame(rows, schema).createOrReplaceTempView(CATALOG_VIEW)

    # ---- the DuckDB connection's methods ------------------------------------------------------
    def execute(self, sql: str, params: dict | None = None) -> SparkResult:
        statement = to_spark(sql)
        # the query modules pass a statement's parameters with others it does not use
        bound = {k: v for k, v in (params or {}).items() if f":{k}" in statement}
        return SparkResult(self.session.sql(statement, args=bound or None))

    def save_parquet(self, table: str, sql: str, params: dict | None, root: str | Path) -> int:
        """Write the rows of ``sql`` to the Parquet folder ``root/table`` (replaced), then read
        them as the view ``table`` (later statements read the written rows, not the plan again);
        returns their count."""
        target = Path(root) / table
        self.execute(sql, params)._frame.write.mode("overwrite").parquet(str(target))
        self.register_parquet(root, [table])
        # the files' footers hold the count: no Spark job for it
        return sum(pq.ParquetFile(p).metadata.num_rows for p in target.glob("*.parquet"))

    def cursor(self) -> SparkConnection:
        """Spark sessions take statements from several threads: the cursor is the connection."""
        return self

    def close(self) -> None:
        """The session belongs to whoever made it (``spark_session``): not stopped here."""


def spark_session(master: str = "local[2]", remote: str | None = None, app: str = "cxdata"):
    """A Spark session in UTC: ``remote`` (``sc://host:15002``, or ``local[N]`` for a Connect
    server started in this process) over Spark Connect, else a classic session on ``master``."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app)
    if remote:
        session = builder.remote(remote).getOrCreate()
    else:
        session = (builder.master(master)
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
                   .getOrCreate())
    local = (remote or master).startswith("local")
    for key, value in (SESSION_CONF | (LOCAL_CONF if local else {})).items():
        session.conf.set(key, value)
    return session


# Set on every session, classic or Connect (a cluster's other defaults stay as they are).
SESSION_CONF = {
    # naive timestamps are the data's own clock: Spark reads and writes them unshifted only in UTC
    "spark.sql.session.timeZone": "UTC",
    # a table of 36 month folders is listed by the driver, not by a job of 36 tasks
    "spark.sql.sources.parallelPartitionDiscovery.threshold": "10000",
}
# On this machine's cores only: 200 shuffle tasks (the default, for a cluster) would be mostly empty.
LOCAL_CONF = {"spark.sql.shuffle.partitions": "8"}
