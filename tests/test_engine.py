"""The engine layer without Spark: the rule table's SQL, the Parquet export read back, the funnel's
events walk against the ASOF chain it replaced, and the CLI's ``export`` and ``kpis --parquet``.
Running the same statements on Spark is ``tests/test_spark.py``."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from cxdata import db, demo, funnel
from cxdata.cli import main
from cxdata.engine import duckdb_on_parquet, export_tables, to_spark
from cxdata.engine.export import DERIVED_TABLES, RAW_TABLES
from cxdata.engine.rules import RULES, apply_rules
from cxdata.filters import Filters
from cxdata.funnel.per_customer import count_from_events_asof
from cxdata.funnel.query import FunnelQuery
from cxdata.funnel.walk import count_from_events


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine") / "demo.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=20_000, interactions=100_000, seed=7)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture(scope="module")
def con(demo_db):
    c = db.connect(demo_db)
    yield c
    c.close()


# ---- the rule table: DuckDB in, Spark out ---------------------------------------------------------
@pytest.mark.parametrize("duck, spark", [
    ("select epoch_us(occurred_at) from t", "SELECT UNIX_MICROS(CAST(occurred_at AS TIMESTAMP)) FROM t"),
    ("select list_reduce(l, lambda acc, x: acc + x, 1::bigint) from t",
     "SELECT AGGREGATE(l, CAST(1 AS BIGINT), (acc, x) -> acc + x) FROM t"),
    # nested: a rule's output is visited by the later rules, and its arguments by itself
    ("select list_reduce(list_sort(list(epoch_us(e.t) * 16 + e.k)), lambda a, x: a, 1) from e",
     "SELECT AGGREGATE(ARRAY_SORT(COLLECT_LIST(UNIX_MICROS(CAST(e.t AS TIMESTAMP)) * 16 + e.k)), 1, (a, x) -> a) FROM e"),
    ("select epoch_us(epoch_us_col) from t", "SELECT UNIX_MICROS(CAST(epoch_us_col AS TIMESTAMP)) FROM t"),
])
def test_each_rule_rewrites_its_construct(duck, spark):
    assert to_spark(duck) == spark


@pytest.mark.parametrize("duck, spark", [
    # what sqlglot does alone, that the queries rely on: parameters, list indexes, filter, casts
    ("select x from t where a >= $f_from and list_contains($f_channel, c)",
     "SELECT x FROM t WHERE a >= :f_from AND ARRAY_CONTAINS(:f_channel, c)"),
    ("select r[2] from t", "SELECT r[1] FROM t"),
    ("select count(*) filter (where nps >= 9), sum(x)::bigint from t",
     "SELECT COUNT(*) FILTER(WHERE nps >= 9), CAST(SUM(x) AS BIGINT) FROM t"),
    ("select arg_min(a, b) from t", "SELECT MIN_BY(a, b) FROM t"),
])
def test_what_sqlglot_translates_alone(duck, spark):
    assert to_spark(duck) == spark


def test_a_rule_leaves_other_functions_alone():
    import sqlglot

    tree = sqlglot.parse_one("select epoch_ms(t), list_reduce(l, lambda a, x: a) from t", read="duckdb")
    assert apply_rules(tree).sql(dialect="duckdb") == tree.sql(dialect="duckdb")
    assert {r.name for r in RULES} == {"epoch_us", "list_reduce", "list_position", "information_schema.tables",
                                       "decimal division", "quantile_cont", "greatest of one", "materialized",
                                       "min_by n", "generate_subscripts"}  # each run in tests/test_spark_pages.py


# ---- export ---------------------------------------------------------------------------------------
def test_export_partitions_by_month_and_reads_back_equal(con, tmp_path):
    written = export_tables(con, tmp_path, RAW_TABLES + DERIVED_TABLES)
    assert written["responses"] == 20_000 and written["interactions"] == 100_000
    months = sorted(p.name for p in (tmp_path / "responses").iterdir())
    assert months[0] == "month=2023-11" and months[-1] == "month=2026-10" and len(months) == 36
    back = duckdb_on_parquet(tmp_path)
    for table in ("responses", "interactions", "journey_starts", "settings", "stages"):
        cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        assert [r[0] for r in back.execute(f"describe {table}").fetchall()] == cols  # no month column
        sql = f"select * replace (cast(attributes as varchar) as attributes) from {table} order by all" \
            if "attributes" in cols else f"select * from {table} order by all"
        pd.testing.assert_frame_equal(con.execute(sql).df(), back.execute(sql).df(), check_dtype=False)


def test_an_empty_table_is_written_with_its_columns(tmp_path):
    con = db.connect(":memory:")
    export_tables(con, tmp_path)
    back = duckdb_on_parquet(tmp_path)
    assert back.execute("select count(*) from responses").fetchone() == (0,)
    assert "responded_at" in [r[0] for r in back.execute("describe responses").fetchall()]


# ---- the funnel's events path: the walk against the ASOF chain -------------------------------------
WEB_JOURNEY = ("homepage", "product page", "checkout", "online bill", "review page")


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(touchpoint=WEB_JOURNEY),
    Filters(date_from=date(2025, 1, 3), date_to=date(2025, 6, 17), touchpoint=WEB_JOURNEY),
    Filters(date_from=date(2025, 1, 1), segment=("SME",), channel=("web", "app")),
    Filters(date_to=date(2024, 12, 31), product=("Fibra",), region=("Lombardia",)),
    Filters(attrs=(("loyalty_tier", ("Gold",)),), channel=("store",)),
])
@pytest.mark.parametrize("window", [0, 7, 30])
def test_the_walk_counts_what_the_asof_chain_counts(con, filters, window):
    q = FunnelQuery.build(filters, db.stages(con), window, False)
    walk = count_from_events(con, q).sort_values("channel", ignore_index=True)
    chain = count_from_events_asof(con, q).sort_values("channel", ignore_index=True)
    pd.testing.assert_frame_equal(walk, chain, check_dtype=False)
    if filters == Filters(touchpoint=WEB_JOURNEY) and window == 30:
        assert walk["c1"].sum() > 0 and walk["c3"].sum() > 0


def test_the_funnel_reads_events_through_the_walk(con):
    assert [s.__name__ for s in funnel.choice.choose(
        con, FunnelQuery.build(Filters(touchpoint=WEB_JOURNEY), db.stages(con), 30, False), True, True)] \
        == ["count_from_events"]
    assert funnel.choice.count_from_events is count_from_events


# ---- the command line -----------------------------------------------------------------------------
def _kpis(capsys, *argv) -> dict:
    assert main(["kpis", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_export_then_kpis_from_parquet_equal_kpis_from_the_file(demo_db, tmp_path, capsys):
    assert main(["export", "--db", str(demo_db), "--out", str(tmp_path / "raw")]) == 0
    assert "Exported 5 tables" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == sorted(RAW_TABLES)
    for argv in ([], ["--from", "2025-01-01", "--to", "2025-12-31", "--channel", "web"],
                 ["--from", "2025-01-01", "--to", "2025-06-30", "--segment", "SME"]):
        assert _kpis(capsys, "--db", str(demo_db), *argv) == \
            _kpis(capsys, "--engine", "duckdb", "--parquet", str(tmp_path / "raw"), *argv)


@pytest.mark.parametrize("argv, said", [
    (["--engine", "spark"], "--engine spark reads Parquet"),
    (["--spark-remote", "sc://localhost:15002"], "--spark-remote needs --engine spark"),
    (["--parquet", "."], "is not an export"),
])
def test_engine_options_that_do_not_fit_say_so(argv, said, capsys):
    assert main(["kpis", *argv]) == 2
    assert said in capsys.readouterr().err


# ---- the journey chain without ASOF joins (the form Spark runs) -----------------------------------
def _chain(con, asof: bool) -> list[tuple]:
    from cxdata.journeys import chain_params, chain_sql

    order = db.stages(con)
    return con.execute(f"select * from ({chain_sql(len(order), 'true', asof)}) order by all",
                       chain_params(order)).fetchall()


def test_the_window_chain_gives_the_asof_chains_rows(con):
    rows = _chain(con, asof=False)
    assert rows == _chain(con, asof=True) and len(rows) > 10_000


def test_the_window_chain_takes_a_step_at_the_same_instant_and_skips_earlier_ones():
    """One customer on the web, stages a, b, c; T0 is 09:00. Day 0: a at 10:00 starts a journey;
    b at 09:00 is before it (not a step), b at 10:00 is at the same instant (step 2); c and b at
    12:00: c is step 3. Day 1: a at 08:00 starts another; c at 09:00 comes with no b before it,
    and no b follows: neither step is reached."""
    from helpers.journeys import T0, build

    h = lambda hours: T0 + timedelta(hours=hours)  # noqa: E731
    con = build({"ann": [(h(1), "web", "a"), (h(0), "web", "b"), (h(1), "web", "b"), (h(3), "web", "c"),
                         (h(3), "web", "b"), (h(23), "web", "a"), (h(24), "web", "c")]}, stages=["a", "b", "c"])
    web = [r[5:] for r in _chain(con, asof=False) if r[1] == "web"]
    assert web == [(h(1), h(1), h(3)), (h(23), None, None)]
    assert _chain(con, asof=False) == _chain(con, asof=True)


# ---- build (on DuckDB) and attach -----------------------------------------------------------------
@pytest.fixture(scope="module")
def built(demo_db, tmp_path_factory):
    root = tmp_path_factory.mktemp("build")
    assert main(["export", "--db", str(demo_db), "--out", str(root / "raw")]) == 0
    assert main(["build", "--engine", "duckdb", "--input", str(root / "raw"), "--out", str(root / "derived")]) == 0
    assert main(["attach", "--db", str(root / "serve.duckdb"), "--from", str(root / "derived")]) == 0
    return root


def table_rows(con, table: str) -> list[tuple]:
    return con.execute(f"select * from {table} order by all").fetchall()  # noqa: S608 - from the test


@pytest.mark.parametrize("table", [*DERIVED_TABLES, "stages", "imports"])
def test_built_and_attached_tables_equal_the_files(con, built, table):
    served = db.connect(built / "serve.duckdb", read_only=True)
    try:
        rows = table_rows(served, table)
    finally:
        served.close()
    assert rows == table_rows(con, table) and rows


def test_the_served_file_gives_the_same_kpis_and_refuses_an_attribute(demo_db, built, capsys):
    served = str(built / "serve.duckdb")
    for argv in ([], ["--from", "2025-01-01", "--to", "2025-12-31", "--channel", "web"],
                 ["--from", "2025-01-03", "--to", "2025-06-17", "--segment", "SME"]):
        assert _kpis(capsys, "--db", served, *argv) == _kpis(capsys, "--db", str(demo_db), *argv)
    assert main(["kpis", "--db", served, "--attr", "loyalty_tier:gold"]) == 2
    assert "attribute filter" in capsys.readouterr().err


def test_the_served_file_keeps_the_journey_settings(con, built):
    from cxdata.engine.attach import served_from
    from cxdata.journeys import constant_dimensions

    served = db.connect(built / "serve.duckdb", read_only=True)
    try:
        assert served_from(served) == str(built / "derived")
        assert served_from(con) is None
        for across in (False, True):
            assert constant_dimensions(served, across) == constant_dimensions(con, across)
    finally:
        served.close()


@pytest.mark.parametrize("argv, said", [
    (["build", "--input", "{raw}", "--out", "{tmp}/o", "--engine", "duckdb", "--spark-remote", "sc://x:1"],
     "--spark-remote needs --engine spark"),
    (["build", "--input", "{tmp}", "--out", "{tmp}/o", "--engine", "duckdb"], "is not an export"),
    (["attach", "--db", "{tmp}/s.duckdb", "--from", "{raw}"], "not the output of python -m cxdata build"),
    (["attach", "--db", "{db}", "--from", "{derived}"], "raw rows"),
])
def test_build_and_attach_inputs_that_do_not_fit_say_so(demo_db, built, tmp_path, argv, said, capsys):
    fill = {"raw": built / "raw", "derived": built / "derived", "tmp": tmp_path, "db": demo_db}
    assert main([a.format(**fill) for a in argv]) == 2
    assert said in capsys.readouterr().err


def test_a_served_file_says_what_needs_raw_rows_and_its_dates(con, built):
    from cxdata.engine.attach import NEEDS_RAW, raw_rows_needed, served_date_bounds

    served = db.connect(built / "serve.duckdb", read_only=True)
    try:
        gold = Filters(attrs=(("loyalty_tier", ("Gold",)),))
        assert raw_rows_needed(served, gold) == NEEDS_RAW["attribute"]
        assert raw_rows_needed(served, Filters(), "events") == NEEDS_RAW["events"]
        assert raw_rows_needed(served, Filters(channel=("web",))) is None
        assert raw_rows_needed(con, gold) is None  # raw rows here
        lo, hi = con.execute("select min(responded_at)::date, max(responded_at)::date from responses").fetchone()
        assert [d.date() for d in served_date_bounds(served)] == [lo, hi]
    finally:
        served.close()


def test_the_dashboard_on_a_served_file_keeps_it_and_says_what_it_cannot_answer(con, built, tmp_path, monkeypatch):
    """The dashboard opens a served file as it is (no demo data written into it), finds its dates in
    the count tables, shows the library's KPIs for the default view, and says what needs the raw
    rows; an attribute filter in the link gets the sentence, not a silent n = 0."""
    import shutil

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from cxdata import queries
    from cxdata.engine.attach import NEEDS_RAW
    from cxdata.ui.page import SERVED

    path = tmp_path / "serve.duckdb"
    shutil.copy(built / "serve.duckdb", path)
    demo.ensure_database(path)  # what the dashboard does first: must leave a served file alone
    served = db.connect(path, read_only=True)
    try:
        assert served.execute("select count(*) from responses").fetchone()[0] == 0
        lo, hi = queries.date_bounds(served)
    finally:
        served.close()
    assert hi.date() == con.execute("select max(responded_at)::date from responses").fetchone()[0]
    monkeypatch.setenv("CX_DB", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value == SERVED for i in at.info)
    f = Filters(date_from=hi.date() - timedelta(days=89), date_to=hi.date())
    want = queries.kpi_summary(con, f).current.nps.value
    assert {m.label: m.value for m in at.metric}["NPS"] == f"{want:+.0f}"
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "dashboard.py"), default_timeout=90)
    at.query_params["attr"] = "loyalty_tier:Gold"
    at.run()
    assert not at.exception
    assert any(w.value == NEEDS_RAW["attribute"] for w in at.warning)
    st.cache_data.clear()
