"""Timings behind docs/scale.md, printed as Markdown rows (figures live here, never in a test).

    python -m cxdata.engine.bench walk    --db FILE.duckdb   # the funnel's events path: walk vs ASOF
    python -m cxdata.engine.bench engines --parquet DIR      # page calls: DuckDB vs Spark local[2]

Each figure is the median of ``--runs`` runs after one warm-up run; the walk's counts are checked
equal to the ASOF chain's on every run.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from datetime import date

import duckdb
import pandas as pd

from .. import cube, funnel, pyramid, queries
from ..db import stages
from ..filters import Filters
from ..funnel.per_customer import count_from_events_asof
from ..funnel.query import FunnelQuery
from ..funnel.walk import count_from_events
from .export import duckdb_on_parquet

WEB_JOURNEY = ("homepage", "product page", "checkout", "online bill", "review page")
YEAR = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
YEAR_WEB = Filters(**YEAR, channel=("web",))
HALF_SME = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30), segment=("SME",))
YEAR_TOUCH = Filters(**YEAR, touchpoint=WEB_JOURNEY)


def _median(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_walk(db_path: str, runs: int) -> None:

    con = duckdb.connect(db_path, read_only=True)
    con.execute("set enable_progress_bar = false")
    print("| events path of the funnel | walk, median s | ASOF chain, median s | ASOF / walk |")
    print("|---|---|---|---|")
    for name, f in (("touchpoints, one year", YEAR_TOUCH), ("touchpoints, all dates", Filters(touchpoint=WEB_JOURNEY)),
                    ("no filter (source=events)", Filters())):
        q = FunnelQuery.build(f, stages(con), 30, False)
        walk = count_from_events(con, q).sort_values("channel", ignore_index=True)
        pd.testing.assert_frame_equal(walk, count_from_events_asof(con, q).sort_values("channel", ignore_index=True),
                                      check_dtype=False)
        w = _median(lambda q=q: count_from_events(con, q), runs)
        a = _median(lambda q=q: count_from_events_asof(con, q), runs)
        print(f"| {name} | {w:.2f} | {a:.2f} | {a / w:.1f}x |")


CALLS = (
    ("kpi_set, no filter (count table)", lambda c: queries.kpi_set(c, Filters()), False),
    ("kpi_set, a year and a channel (responses)", lambda c: queries.kpi_set(c, YEAR_WEB), True),
    ("kpi_trend by week and segment, a half year (responses)",
     lambda c: queries.kpi_trend(c, HALF_SME, "week", "segment"), True),
    ("pyramid by segment and month, a year and a channel (responses)",
     lambda c: pyramid.pyramid_distribution(c, YEAR_WEB, 3, "segment", "month"), True),
    ("funnel, a half year and a segment (journey_starts)", lambda c: funnel.funnel_steps(c, HALF_SME), False),
    ("funnel, a year and 5 touchpoints (events walk)", lambda c: funnel.funnel_steps(c, YEAR_TOUCH), False),
)


def bench_engines(parquet: str, runs: int, remote: str | None) -> None:
    from .spark import SparkConnection, spark_session  # pyspark: optional, heavy

    warnings.filterwarnings("ignore", category=FutureWarning)
    t = time.perf_counter()
    session = spark_session("local[2]", remote=remote)
    print(f"Spark session start: {time.perf_counter() - t:.1f} s")
    spark = SparkConnection(session)
    spark.register_parquet(parquet)
    duck = duckdb_on_parquet(parquet)
    print("| call | DuckDB, median s | Spark, median s | Spark / DuckDB |")
    print("|---|---|---|---|")
    for name, fn, plain in CALLS:
        def run(con, fn=fn, plain=plain):
            if plain:
                with cube.plain_queries():
                    return fn(con)
            return fn(con)
        d = _median(lambda: run(duck), runs)
        s = _median(lambda: run(spark), runs)
        print(f"| {name} | {d:.3f} | {s:.2f} | {s / d:.0f}x |")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m cxdata.engine.bench")
    sub = p.add_subparsers(dest="what", required=True)
    w = sub.add_parser("walk")
    w.add_argument("--db", required=True)
    e = sub.add_parser("engines")
    e.add_argument("--parquet", required=True)
    e.add_argument("--spark-remote")
    for sp in (w, e):
        sp.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    if args.what == "walk":
        bench_walk(args.db, args.runs)
    else:
        bench_engines(args.parquet, args.runs, args.spark_remote)


if __name__ == "__main__":
    main()
