"""The newer pages' query functions on Apache Spark: key drivers, comment themes, pain points,
alerts, journey paths, the value of experience, the funnel's time to convert and any-order counts,
and the trends' moving averages and year-earlier lines, each executed on Spark and on DuckDB over
the same Parquet export of a seeded demo set and compared (counts and words exact, figures to
1e-9, frames with ``rtol=1e-9``).

Each case runs the public function (the one the page and the CLI call) with filters that take each
of its paths (the journey tables or the events, the count tables or the rows); the result is
checked to hold something, so a query that returned nothing on both engines would fail. One
classic ``local[2]`` session in UTC, shared with ``tests/test_spark.py`` when both run."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.spark import assert_same, both_engines, demo_export, start_spark

from cxdata import cube, funnel, paths, trends, value
from cxdata.filters import Filters
from cxdata.insight import alerts, drivers, painpoints, themes

pytest.importorskip("pyspark")
pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore::FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

NO_FILTER = Filters()
YEAR = {"date_from": date(2025, 1, 1), "date_to": date(2025, 12, 31)}
YEAR_WEB = Filters(**YEAR, channel=("web",))
HALF_SME = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30), segment=("SME",))
TWO_CHANNELS = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), channel=("web", "app"))
TOUCH = Filters(date_from=date(2025, 1, 3), date_to=date(2025, 6, 17),
                touchpoint=("homepage", "product page", "checkout", "online bill", "review page"))


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    session, started = start_spark()
    data = demo_export(tmp_path_factory.mktemp("spark-pages"))
    yield both_engines(session, data["all"])
    if started:
        session.stop()


CALLS = {
    "key_drivers": lambda c, f, kpi="nps": drivers.key_drivers(c, f, kpi),
    "themes": lambda c, f, kpi="nps": themes.themes(c, f, kpi),
    "pain_points": lambda c, f, kpi="nps": painpoints.pain_points(c, f, kpi),
    "alerts": lambda c, f: alerts.evaluate(c, as_of=date(2026, 12, 6)),
    "paths": lambda c, f: paths.paths(c, f),
    "value_of_experience": lambda c, f: value.value_of_experience(c, f),
    "value_of_experience, 90 days": lambda c, f: value.value_of_experience(c, f, days=90),
    "days_to_step": lambda c, f, source="auto": funnel.days_to_step(c, f, source=source),
    "days_to_step in any order": lambda c, f, source="auto": funnel.days_to_step(c, f, mode="any", source=source),
    "funnel in any order": lambda c, f, source="auto": funnel.funnel_steps(c, f, mode="any", source=source),
    "moving_average": lambda c, f: trends.moving_average(c, f, "month", 3),
    "moving_average by segment": lambda c, f: trends.moving_average(c, f, "week", 6, "segment"),
    "year_earlier": lambda c, f: trends.year_earlier(c, f, "month"),
    "year_earlier by channel": lambda c, f: trends.year_earlier(c, f, "quarter", "channel"),
}
# (call, filters, keyword arguments, plain: the plain queries over responses, not the count tables)
CASES = [
    ("key_drivers", NO_FILTER, {}, False), ("key_drivers", YEAR_WEB, {"kpi": "csat"}, False),
    ("themes", Filters(**YEAR), {"kpi": "csat"}, False),
    ("pain_points", YEAR_WEB, {"kpi": "ces"}, False), ("pain_points", HALF_SME, {"kpi": "csat"}, True),
    ("alerts", NO_FILTER, {}, False), ("alerts", NO_FILTER, {}, True),
    ("paths", HALF_SME, {}, False),  # the journey tables, across channels
    ("paths", YEAR_WEB, {}, False),  # the journey tables, one channel
    ("paths", TOUCH, {}, False),  # the events
    ("value_of_experience", NO_FILTER, {}, False), ("value_of_experience, 90 days", YEAR_WEB, {}, False),
    ("days_to_step", HALF_SME, {}, False), ("days_to_step", HALF_SME, {"source": "events"}, False),
    ("days_to_step", TOUCH, {}, False), ("days_to_step", TWO_CHANNELS, {}, False),
    ("days_to_step in any order", HALF_SME, {}, False), ("days_to_step in any order", TOUCH, {}, False),
    ("funnel in any order", NO_FILTER, {}, False), ("funnel in any order", HALF_SME, {"source": "events"}, False),
    ("funnel in any order", TWO_CHANNELS, {}, False),
    ("moving_average", YEAR_WEB, {}, False), ("moving_average by segment", HALF_SME, {}, True),
    ("year_earlier", YEAR_WEB, {}, False), ("year_earlier by channel", HALF_SME, {}, True),
]


# ---- the rules these queries needed, one statement each ---------------------------------------------
RULE_STATEMENTS = {
    "list_position": "select channel, list_position(['web', 'app'], channel) as p from responses "
                     "group by channel order by channel",
    "information_schema.tables": "select count(*) from information_schema.tables where table_name = 'responses'",
    "decimal division": "select sum(nps) / 7.0 as x from responses",
    "quantile_cont": "select quantile_cont(nps, [0.25, 0.5, 0.9]) as q, quantile_cont(nps, [0.5]) "
                     "filter (where nps > 10) as none from responses",
    "greatest of one": "select greatest(max(nps)) as g, least(min(nps)) as l from responses",
    "materialized": "with a as materialized (select nps from responses where nps > 8) select count(*) from a",
    "min_by n": "select channel, min_by(response_id, {'n': nps, 'i': response_id}, 3) filter (where nps > 8) "
                "as ids, min_by(response_id, nps, 2) filter (where nps > 10) as none from responses "
                "group by channel order by channel",
    "generate_subscripts": "select doc, unnest(toks) as tok, generate_subscripts(toks, 1) as pos from "
                           "(select 1 as doc, ['x', 'y', 'z'] as toks union all select 2, ['w']) order by doc, pos",
}


@pytest.mark.parametrize("rule", list(RULE_STATEMENTS))
def test_each_rule_runs_the_same_on_both(engines, rule):
    from cxdata.engine.rules import RULES, to_spark

    duck, spark = engines
    sql = RULE_STATEMENTS[rule]
    assert rule in {r.name for r in RULES} and to_spark(sql) != sqlglot_plain(sql), rule  # the rule applies
    a, b = duck.execute(sql).fetchall(), spark.execute(sql).fetchall()
    assert a and a[0][-2 if len(a[0]) > 1 else -1] is not None, rule
    assert_same(a, [tuple(r) for r in b], rule)


def sqlglot_plain(sql: str) -> str:
    """The Spark SQL sqlglot alone writes (without the project's rules)."""
    import sqlglot

    return sqlglot.parse_one(sql, read="duckdb").sql(dialect="spark")


def _run(con, call, filters, kwargs, plain):
    if plain:
        with cube.plain_queries():
            return CALLS[call](con, filters, **kwargs)
    return CALLS[call](con, filters, **kwargs)


# what each result counts: a case whose result counts nothing on DuckDB fails (it would test nothing)
SIZE = {
    "key_drivers": lambda r: len(r.drivers), "themes": lambda r: len(r["low"]) + len(r["high"]),
    "pain_points": lambda r: len(r.painpoints) + len(r.small) + r.within_noise, "alerts": lambda r: r["comparisons"],
    "paths": lambda r: r["journeys"], "value_of_experience": lambda r: r["customers"],
}


def _size(call: str, result) -> int:
    if hasattr(result, "empty"):
        return len(result)
    if isinstance(result, list):
        return len(result)
    return SIZE[call.split(",")[0]](result)


@pytest.mark.parametrize("call, filters, kwargs, plain", CASES,
                         ids=[f"{c}-{i}{'-plain' if p else ''}" for i, (c, _, _, p) in enumerate(CASES)])
def test_page_queries_are_the_same_on_spark(engines, call, filters, kwargs, plain):
    duck, spark = engines
    a = _run(duck, call, filters, kwargs, plain)
    b = _run(spark, call, filters, kwargs, plain)
    assert _size(call, a) > 0, call
    assert_same(a, b, call)
