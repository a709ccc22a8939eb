"""Timings behind docs/scale.md, printed as Markdown rows (figures live here, never in a test).

    python -m cxdata.engine.bench walk    --db FILE.duckdb   # the funnel's events path: walk vs ASOF
    python -m cxdata.engine.bench engines --parquet DIR      # page calls: DuckDB vs Spark local[2]
    python -m cxdata.engine.bench chain   --db FILE.duckdb   # journey step times: ASOF vs lists, DuckDB
    python -m cxdata.engine.bench chain   --parquet DIR --out SCRATCH  # the same on DuckDB and Spark
    python -m cxdata.engine.bench build   --parquet DIR      # build: DuckDB vs Spark; served sizes

Each figure is the median of ``--runs`` runs after one warm-up run; the walk's counts are checked
equal to the ASOF chain's on every run.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from datetime import date
from pathlib import Path

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


def bench_chain(db_path: str, runs: int) -> None:
    """The journey chain (``journeys.chain_sql``) as ``upkeep``'s full rebuild runs it, into a temp
    table, with ASOF joins and in the list form (what Spark runs); rows checked equal first."""
    from ..journeys import chain_params, chain_sql

    con = duckdb.connect(db_path, read_only=True)
    con.execute("set enable_progress_bar = false")
    order = stages(con)
    params = chain_params(order)
    forms = {"ASOF joins": chain_sql(len(order), "true", True), "lists": chain_sql(len(order), "true", False)}
    same = [con.execute(f"select * from ({sql}) order by all", params).fetchall()  # noqa: S608 - from code
            for sql in forms.values()]
    assert same[0] == same[1], "the two forms differ"
    times = {name: _median(lambda sql=sql: con.execute(f"create or replace temp table c as {sql}", params), runs)
             for name, sql in forms.items()}
    print(f"journey starts: {len(same[0]):,} rows; median of {runs} runs after a warm-up")
    print("| form | median s |\n|---|---|")
    for name, t in times.items():
        print(f"| {name} | {t:.2f} |")
    print(f"lists / ASOF: {times['lists'] / times['ASOF joins']:.2f}x")


def bench_chain_engines(parquet: str, out: str, remote: str | None, asof: bool = True) -> None:
    """The chain over an export's raw Parquet, written to Parquet: DuckDB (ASOF and lists, in
    memory) and Spark (lists), one run each after Spark's start; row counts checked equal.
    ``asof=False``: not the ASOF form (at 50M events it takes minutes)."""
    from ..journeys import chain_params, chain_sql
    from .build import open_input

    warnings.filterwarnings("ignore", category=FutureWarning)
    duck = open_input("duckdb", parquet)
    order = stages(duck)
    params = chain_params(order)
    seconds, rows = {}, {}
    for name, form in (("DuckDB, ASOF joins", True), ("DuckDB, lists", False))[0 if asof else 1:]:
        t = time.perf_counter()
        duck.execute(f"create or replace table c as {chain_sql(len(order), 'true', form)}", params)  # noqa: S608
        seconds[name] = time.perf_counter() - t
        rows[name] = duck.execute("select count(*) from c").fetchone()[0]
        print(f"{name}: {seconds[name]:.1f} s, {rows[name]:,} rows", flush=True)
    t = time.perf_counter()
    spark = open_input("spark", parquet, remote=remote)
    print(f"Spark session start: {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    rows["Spark, lists"] = spark.save_parquet("journey_chain", chain_sql(len(order), "true", False), params, out)
    seconds["Spark, lists"] = time.perf_counter() - t
    print(f"Spark, lists: {seconds['Spark, lists']:.1f} s, {rows['Spark, lists']:,} rows")
    assert len(set(rows.values())) == 1, "the engines made different row counts"
    for name in seconds:
        if name.startswith("DuckDB"):
            print(f"Spark / {name}: {seconds['Spark, lists'] / seconds[name]:.1f}x")


def bench_build(parquet: str, out: str, remote: str | None) -> None:
    """``build`` on DuckDB then on Spark over the same export (one run each: minutes), and the
    size of what ``attach`` would serve, per million responses."""
    from .attach import attach
    from .build import build_tables, open_input

    warnings.filterwarnings("ignore", category=FutureWarning)
    rows: dict[str, dict[str, int]] = {}
    seconds = {}
    for engine in ("duckdb", "spark"):
        t = time.perf_counter()
        con = open_input(engine, parquet, remote=remote)
        rows[engine] = build_tables(con, f"{out}/{engine}")
        seconds[engine] = time.perf_counter() - t
        print(f"build on {engine}: {seconds[engine]:.1f} s (session start included)", flush=True)
    assert rows["duckdb"] == rows["spark"], "the engines built different row counts"
    print(f"Spark / DuckDB: {seconds['spark'] / seconds['duckdb']:.1f}x")
    responses = duckdb_on_parquet(parquet, ["responses"]).execute("select count(*) from responses").fetchone()[0]
    per_m = 1_000_000 / responses
    print("| table | rows | Parquet MB | rows per 1M responses | MB per 1M responses |\n|---|---|---|---|---|")
    for table, n in rows["duckdb"].items():
        mb = sum(p.stat().st_size for p in Path(f"{out}/duckdb/{table}").rglob("*.parquet")) / 1e6
        print(f"| {table} | {n:,} | {mb:.1f} | {n * per_m:,.0f} | {mb * per_m:.2f} |")
    serve = Path(out) / "serve.duckdb"
    serve.unlink(missing_ok=True)
    t = time.perf_counter()
    attach(serve, f"{out}/spark")
    mb = serve.stat().st_size / 1e6
    print(f"attach: {time.perf_counter() - t:.1f} s; the served file: {mb:.0f} MB for {responses:,} responses "
          f"({mb * per_m:.1f} MB per 1M responses)")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m cxdata.engine.bench")
    sub = p.add_subparsers(dest="what", required=True)
    w = sub.add_parser("walk")
    w.add_argument("--db", required=True)
    e = sub.add_parser("engines")
    e.add_argument("--parquet", required=True)
    e.add_argument("--spark-remote")
    c = sub.add_parser("chain")
    c.add_argument("--db", help="a DuckDB file: ASOF against lists on DuckDB")
    c.add_argument("--parquet", help="an export: DuckDB against Spark on its Parquet")
    c.add_argument("--out", help="a scratch folder for Spark's rows (with --parquet)")
    c.add_argument("--spark-remote")
    c.add_argument("--no-asof", action="store_true", help="with --parquet: leave out DuckDB's ASOF form")
    b = sub.add_parser("build")
    b.add_argument("--parquet", required=True)
    b.add_argument("--out", required=True, help="a scratch folder for both builds")
    b.add_argument("--spark-remote")
    for sp in (w, e, c):
        sp.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    if args.what == "walk":
        bench_walk(args.db, args.runs)
    elif args.what == "chain" and args.parquet:
        bench_chain_engines(args.parquet, args.out or f"{args.parquet}-chain", args.spark_remote, not args.no_asof)
    elif args.what == "chain":
        bench_chain(args.db, args.runs)
    elif args.what == "build":
        bench_build(args.parquet, args.out, args.spark_remote)
    else:
        bench_engines(args.parquet, args.runs, args.spark_remote)


if __name__ == "__main__":
    main()
