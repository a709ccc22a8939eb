"""The same figures on Apache Spark: every statement the pages run, executed on Spark and on DuckDB
over the same Parquet export of a seeded demo set, compared (counts exact, figures to 1e-9); every
derived table built by Spark (``build``), equal row for row to DuckDB's; and the dashboard on a
database ``attach`` made of them, showing the Overview of the DuckDB-built file (Playwright).

One classic ``local[2]`` session in UTC (``helpers.spark``, shared with ``test_spark_pages.py``); Spark Connect (``remote("local[2]")``, the
protocol a cluster is reached by) runs in a subprocess, because a process holds one kind of
session or the other. Needs Java 17 and ``pyspark`` (``.ci/run`` installs both)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers.spark import assert_same, both_engines, demo_export, start_spark

from cxdata import cube, db, funnel, pyramid, queries
from cxdata.cli import main
from cxdata.engine.export import DERIVED_TABLES
from cxdata.filters import Filters

pytest.importorskip("pyspark")
# pyspark 4.3 warns that it does not fully support pandas 3: its toPandas is compared here
pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore::FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

ROOT = Path(__file__).resolve().parent.parent
NO_FILTER = Filters()
YEAR_WEB = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31), channel=("web",))
HALF_SME = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30), segment=("SME",))
KPIS_ARGV = {"no filter": [],
             "one year, one channel": ["--from", "2025-01-01", "--to", "2025-12-31", "--channel", "web"],
             "a half year, a segment": ["--from", "2025-01-01", "--to", "2025-06-30", "--segment", "SME"]}
WEB_JOURNEY = ("homepage", "product page", "checkout", "online bill", "review page")


@pytest.fixture(scope="module")
def spark():
    session, started = start_spark()
    yield session
    if started:
        session.stop()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The demo file, its raw tables exported by the CLI, and all its tables exported."""
    return demo_export(tmp_path_factory.mktemp("spark"))


@pytest.fixture(scope="module")
def engines(spark, data):
    """(DuckDB, Spark) over the same Parquet files: every table."""
    return both_engines(spark, data["all"])


# ---- the rule table, one statement per rule --------------------------------------------------------
@pytest.mark.parametrize("rule, sql", [
    ("epoch_us", "select epoch_us(min(occurred_at)) as a, epoch_us(max(occurred_at)) as b from interactions"),
    ("list_reduce", "select ckey, list_reduce(list_sort(list(k)), lambda acc, x: acc * 2 + x, 0::bigint) as r "
                    "from journey_events where ckey <= 300 and k <= 4 group by ckey order by ckey limit 20"),
])
def test_each_rule_runs_the_same_on_both(engines, rule, sql):
    duck, spark = engines
    a, b = duck.execute(sql).fetchall(), spark.execute(sql).fetchall()
    assert a == b and a[0][-1] is not None, rule


def test_parameters_of_every_type_are_bound(engines):
    duck, spark = engines
    values = {"i": 3, "big": 30 * 86_400_000_000, "f": 0.25, "s": "O'Brien \\ '; drop table responses; --",
              "d": date(2024, 2, 29), "t": datetime(2024, 2, 29, 23, 59, 59, 999_999), "w": timedelta(days=30),
              "l": ["web", "it's"], "e": [], "n": None}
    sql = "select " + ", ".join(f"${k} as {k}" for k in values)
    assert spark.execute(sql, values).fetchone() == tuple(values.values())
    assert duck.execute(sql, values).fetchone()[:6] == spark.execute(sql, values).fetchone()[:6]


# ---- kpis --json: the CLI on both engines ----------------------------------------------------------
def _kpis(capsys, argv) -> dict:
    assert main(["kpis", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("case", list(KPIS_ARGV))
def test_kpis_json_is_the_same_on_spark(spark, data, capsys, case):
    duck = _kpis(capsys, ["--db", str(data["db"]), *KPIS_ARGV[case]])
    on_spark = _kpis(capsys, ["--engine", "spark", "--parquet", str(data["raw"]), *KPIS_ARGV[case]])
    assert_same(duck, on_spark)
    assert duck["nps"]["n"] > 100


def test_kpis_through_spark_connect(data):
    """``remote("local[2]")``: a Spark Connect server in a fresh process, as a cluster is reached."""
    argv = ["kpis", "--json", *KPIS_ARGV["a half year, a segment"]]
    run = subprocess.run([sys.executable, "-m", "cxdata", *argv, "--engine", "spark", "--spark-remote", "local[2]",
                          "--parquet", str(data["raw"])], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    duck = subprocess.run([sys.executable, "-m", "cxdata", *argv, "--db", str(data["db"])], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert_same(json.loads(duck.stdout), json.loads(run.stdout))


# ---- every page query function ---------------------------------------------------------------------
PAGE_CALLS = {
    "kpi_set": lambda c, f: queries.kpi_set(c, f),
    "kpi_summary": lambda c, f: queries.kpi_summary(c, f),
    "kpi_trend by month": lambda c, f: queries.kpi_trend(c, f, "month"),
    "kpi_trend by week and segment": lambda c, f: queries.kpi_trend(c, f, "week", "segment"),
    "segment_breakdown": lambda c, f: queries.segment_breakdown(c, f, "region"),
    "segment_breakdown of an attribute": lambda c, f: queries.segment_breakdown(c, f, "attr:loyalty_tier"),
    "kpi_heatmap": lambda c, f: queries.kpi_heatmap(c, f, "segment", "touchpoint"),
    "biggest_movers": lambda c, f: queries.biggest_movers(c, f, min_n=10, limit=10),
    "pyramid, 3 levels by segment and month": lambda c, f: pyramid.pyramid_distribution(c, f, 3, "segment", "month"),
    "pyramid, 6 levels": lambda c, f: pyramid.pyramid_distribution(c, f, 6),
    "funnel": lambda c, f: funnel.funnel_steps(c, f),
    "filter_values": lambda c, f: queries.filter_values(c),
    "attribute_values": lambda c, f: queries.attribute_values(c),
    "attribute_keys": lambda c, f: queries.attribute_keys(c),
    "dimension_values": lambda c, f: queries.dimension_values(c, "attr:loyalty_tier"),
    "date_bounds": lambda c, f: queries.date_bounds(c),
    "import_date_range": lambda c, f: queries.import_date_range(c, "interactions", 1),
}
PAGE_CASES = [
    ("kpi_set", NO_FILTER, False), ("kpi_set", YEAR_WEB, False), ("kpi_set", HALF_SME, True),
    ("kpi_summary", HALF_SME, False), ("kpi_summary", YEAR_WEB, True),
    ("kpi_trend by month", YEAR_WEB, False), ("kpi_trend by week and segment", HALF_SME, True),
    ("segment_breakdown", NO_FILTER, False), ("segment_breakdown of an attribute", YEAR_WEB, False),
    ("kpi_heatmap", HALF_SME, False),
    ("biggest_movers", Filters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)), False),
    ("pyramid, 3 levels by segment and month", YEAR_WEB, False),
    ("pyramid, 3 levels by segment and month", HALF_SME, True), ("pyramid, 6 levels", NO_FILTER, False),
    ("funnel", NO_FILTER, False),  # over all dates: journey_first_reach
    ("funnel", HALF_SME, False),  # a period: journey_starts
    ("funnel", Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), channel=("web", "app")), False),
    ("funnel", Filters(date_from=date(2025, 1, 3), date_to=date(2025, 6, 17), touchpoint=WEB_JOURNEY), False),
    ("filter_values", NO_FILTER, False), ("attribute_values", NO_FILTER, False),
    ("attribute_keys", NO_FILTER, False), ("dimension_values", NO_FILTER, False),
    ("date_bounds", NO_FILTER, False), ("import_date_range", NO_FILTER, False),
]


@pytest.mark.parametrize("call, filters, plain", PAGE_CASES,
                         ids=[f"{c}-{i}{'-plain' if p else ''}" for i, (c, _, p) in enumerate(PAGE_CASES)])
def test_page_queries_are_the_same_on_spark(engines, call, filters, plain):
    duck, spark = engines
    fn = PAGE_CALLS[call]
    if plain:  # the plain queries over responses, not the count tables
        with cube.plain_queries():
            a, b = fn(duck, filters), fn(spark, filters)
    else:
        a, b = fn(duck, filters), fn(spark, filters)
    assert_same(a, b, call)


# ---- build on Spark, attach, the dashboard on the served file --------------------------------------
@pytest.fixture(scope="module")
def spark_built(spark, data, tmp_path_factory):
    """The derived tables built by Spark (the CLI, on this module's session) from the raw export,
    and a serving DuckDB file made of them."""
    root = tmp_path_factory.mktemp("spark-build")
    assert main(["build", "--engine", "spark", "--input", str(data["raw"]), "--out", str(root / "derived")]) == 0
    assert main(["attach", "--db", str(root / "serve.duckdb"), "--from", str(root / "derived")]) == 0
    return root


def _rows(path, table: str) -> list[tuple]:
    con = db.connect(path, read_only=True)
    try:
        return con.execute(f"select * from {table} order by all").fetchall()  # noqa: S608 - from the test
    finally:
        con.close()


@pytest.mark.parametrize("table", [*DERIVED_TABLES, "stages", "imports", "settings"])
def test_spark_builds_every_derived_table_as_duckdb_does(data, spark_built, table):
    """Every table the DuckDB builders made in the demo file, row for row (the counts are integers,
    the times exact: no tolerance needed), as Spark built it and attach loaded it."""
    expected = _rows(data["db"], table)
    if table == "settings":  # the served file says where it was attached from
        expected.append(("served_from", str(spark_built / "derived")))
        expected.sort()
    assert _rows(spark_built / "serve.duckdb", table) == expected and expected


def _overview(browser, path) -> list[str]:
    """The Overview's KPI cards (label, figure, change) and the line under each (n, margin) for
    the year 2025, read from the page."""
    from helpers import e2e

    with e2e.dashboard(path) as base, e2e.new_page(browser) as pg:
        pg.goto(f"{base}?from=2025-01-01&to=2025-12-31")
        pg.wait_for_selector('[data-testid="stMetricValue"]')
        pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        pg.wait_for_timeout(500)
        assert pg.locator('[data-testid="stException"]').count() == 0
        cards = pg.locator('[data-testid="stMetric"]').all_inner_texts()
        lines = pg.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').all_inner_texts()
        return cards + [t for t in lines if t.startswith("n = ")]


@pytest.mark.e2e
def test_the_dashboard_on_the_served_file_shows_the_same_overview(data, spark_built, browser):
    import os

    from helpers.e2e import CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    duck = _overview(browser, data["db"])
    served = _overview(browser, spark_built / "serve.duckdb")
    text = " ".join(duck)
    assert all(k in text for k in ("NPS", "CSAT", "CES")) and sum(t.startswith("n = ") for t in duck) == 3, duck
    assert served == duck
