"""The commands that move data between engines: ``export`` (raw tables to Parquet), ``build``
(the derived tables from that Parquet, on Spark or DuckDB), ``attach`` (a DuckDB file serving
them), and the ``--engine``/``--parquet`` form of ``kpis`` (the same figures from Parquet)."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path

from .. import cube
from ..engine import ENGINES
from ..engine.export import DERIVED_TABLES, RAW_TABLES
from .common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, _connect

NO_SPARK = ("Spark is not installed here: pip install pyspark==4.3.0 (and a Java 17 runtime, e.g. "
            "apt-get install openjdk-17-jre-headless), or use --engine duckdb.")


def add_engine_options(sp) -> None:
    """``--engine``, ``--parquet`` and ``--spark-remote`` of a reading command."""
    sp.add_argument("--engine", choices=ENGINES, default="duckdb",
                    help="duckdb (default) or spark; spark reads an export's Parquet (--parquet)")
    sp.add_argument("--parquet", metavar="DIR", help="read the tables of an export (python -m cxdata export) "
                                                     "instead of the DuckDB file")
    sp.add_argument("--spark-remote", metavar="URL",
                    help="a Spark Connect server, e.g. sc://host:15002 (default: Spark in this process, local[2])")


def add_export(sub, with_db) -> None:
    e = with_db(sub.add_parser("export", help="write the raw tables to Parquet, partitioned by month"))
    e.add_argument("--out", required=True, metavar="DIR", help="folder of one sub-folder per table")
    e.add_argument("--derived", action="store_true",
                   help="also the derived tables (count tables, journey tables) the pages read")


def cmd_export(args) -> int:
    from ..engine import export_tables

    con = _connect(args)
    t0 = time.perf_counter()
    tables = RAW_TABLES + (DERIVED_TABLES if args.derived else ())
    written = export_tables(con, args.out, tables)
    con.close()
    print(f"Exported {len(written)} tables to {args.out} in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{t} {n:,}" for t, n in written.items()))
    return EXIT_OK


def add_build(sub, with_db) -> None:
    """``build`` and ``attach``: derived tables made from an export, and a database serving them."""
    b = sub.add_parser("build", help="compute the derived tables (count and journey tables) from an export's "
                                     "Parquet, on Spark or DuckDB, into Parquet")
    b.add_argument("--engine", choices=ENGINES, default="spark")
    b.add_argument("--input", required=True, metavar="DIR", help="an export (python -m cxdata export)")
    b.add_argument("--out", required=True, metavar="DIR2", help="folder of one sub-folder per derived table")
    b.add_argument("--spark-remote", metavar="URL", help="a Spark Connect server, e.g. sc://host:15002")
    a = with_db(sub.add_parser("attach", help="make a DuckDB file that serves the tables of a build"))
    a.add_argument("--from", dest="source", required=True, metavar="DIR2", help="the output of build")


def cmd_build(args) -> int:
    from ..engine.build import build_tables, open_input

    problem = _build_input_problem(args)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_INPUT
    t0 = time.perf_counter()
    try:
        con = open_input(args.engine, args.input, remote=args.spark_remote)
        written = build_tables(con, args.out, on_table=lambda t, n: print(
            f"  {t}: {n:,} rows ({time.perf_counter() - t0:.1f} s)", flush=True))
    except Exception as exc:  # a Spark failure (no Java, a lost server) is said in one line
        if args.engine != "spark":
            raise
        print(f"Spark failed: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return EXIT_FAIL
    print(f"Built {len(written)} tables on {args.engine} into {args.out} in {time.perf_counter() - t0:.1f} s; "
          f"serve them with: python -m cxdata attach --db SERVE.duckdb --from {args.out}")
    return EXIT_OK


def _build_input_problem(args) -> str | None:
    missing = [t for t in RAW_TABLES if not (Path(args.input) / t).is_dir()]
    if missing:
        return (f"{args.input} is not an export: no folder for {', '.join(missing)} "
                "(make one with python -m cxdata export --db PATH --out DIR).")
    if args.spark_remote and args.engine != "spark":
        return "--spark-remote needs --engine spark."
    return NO_SPARK if args.engine == "spark" and not _has_pyspark() else None


def cmd_attach(args) -> int:
    from ..engine.attach import AttachError, attach

    if not args.db:
        print("attach writes a new serving file: give it with --db SERVE.duckdb.", file=sys.stderr)
        return EXIT_INPUT
    t0 = time.perf_counter()
    try:
        loaded = attach(args.db, args.source)
    except AttachError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    print(f"Attached {len(loaded)} tables from {args.source} to {args.db} in {time.perf_counter() - t0:.1f} s "
          f"({sum(loaded.values()):,} rows). The pages that read raw rows (attribute filters, the funnel for "
          "a touchpoint, downloads of rows) say so on this database.")
    return EXIT_OK


def _has_pyspark() -> bool:
    try:
        import pyspark  # noqa: F401 - only to say clearly that it is missing
    except ImportError:
        return False
    return True


def open_for(args):
    """(connection, context) the reading command runs in: the DuckDB file, or DuckDB or Spark over
    ``--parquet``; the context reads ``responses`` itself when the export has no count tables."""
    if args.engine == "spark" and not args.parquet:
        raise _EngineInput("--engine spark reads Parquet: give --parquet DIR (made by python -m cxdata export).")
    if args.spark_remote and args.engine != "spark":
        raise _EngineInput("--spark-remote needs --engine spark.")
    if not args.parquet:
        return _connect(args), nullcontext()
    root = Path(args.parquet)
    missing = [t for t in RAW_TABLES if not (root / t).is_dir()]
    if missing:
        raise _EngineInput(f"{root} is not an export: no folder for {', '.join(missing)} "
                           "(make one with python -m cxdata export --db PATH --out DIR).")
    context = nullcontext() if all((root / t).is_dir() for t in cube.CUBE_TABLES) else cube.plain_queries()
    if args.engine == "duckdb":
        from ..engine import duckdb_on_parquet

        return duckdb_on_parquet(root), context
    if not _has_pyspark():
        raise _EngineInput(NO_SPARK)
    from ..engine import spark_on_parquet

    return spark_on_parquet(root, remote=args.spark_remote), context


class _EngineInput(Exception):
    """A reading command's engine options do not fit together (exit code 2)."""


def _refuse_raw_on_served(con, args) -> None:
    """On a database made by ``attach`` (no raw rows), a question only raw rows answer is said,
    not answered with zeros."""
    from ..engine.attach import raw_rows_needed
    from .common import filters_from_args

    need = raw_rows_needed(con, filters_from_args(args))
    if need:
        raise _EngineInput(need)


def run_reading(args, body) -> int:
    """``body(con)`` on the connection ``open_for(args)`` gives, inside its context."""
    try:
        con, context = open_for(args)
        if not args.parquet:
            _refuse_raw_on_served(con, args)
        with context:
            return body(con)
    except _EngineInput as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # a Spark failure (no Java, a lost server) is said in one line
        if args.engine != "spark":
            raise
        print(f"Spark failed: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return EXIT_FAIL
