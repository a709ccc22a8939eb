"""Filters: URL round trips, SQL and params pinned, hostile values bound and matching nothing."""

from datetime import date, datetime

import pytest
from helpers.tiny import tiny_db

from cxdata.filters import Filters
from cxdata.queries import kpi_set

ROUND_TRIPS = [
    Filters(),
    Filters(date_from=date(2024, 1, 1), date_to=date(2024, 3, 31)),
    Filters(channel=("app", "web"), segment=("SME",)),
    Filters(region=("Lazio",), product=("Fibra",), touchpoint=("checkout",), stage=("purchase",)),
    Filters(attrs=(("Class", ("Business", "Eco")), ("loyalty_tier", ("gold",)))),
    Filters(channel=("x' or 1=1 --",), segment=("a;b", 'quo"te')),
]


@pytest.mark.parametrize("f", ROUND_TRIPS)
def test_url_round_trip(f):
    params = f.to_query_params()
    back, notices = Filters.from_query_params(params)
    assert back == f
    assert notices == []


def test_defaults_are_omitted_from_the_url():
    assert Filters().to_query_params() == {}
    assert Filters(channel=("web",)).to_query_params() == {"channel": ["web"]}


@pytest.mark.parametrize(
    "params, expected, n_notices",
    [
        ({"from": ["2024-02-30"]}, Filters(), 1),
        ({"to": ["yesterday"]}, Filters(), 1),
        ({"from": ["2024-05-01"], "to": ["2024-04-01"]}, Filters(), 1),
        ({"channel": ["web", "web", "app"]}, Filters(channel=("app", "web")), 0),
        ({"channel": ["x" * 500]}, Filters(), 1),
        ({"channel": "web"}, Filters(channel=("web",)), 0),
        ({"attr": ["nocolon"]}, Filters(), 1),
        ({"bogus": ["1"], "grain": ["week"]}, Filters(), 0),  # not ours: ignored silently here
        ({"from": ["2024-01-01", "2025-01-01"]}, Filters(date_from=date(2024, 1, 1)), 1),
    ],
)
def test_from_query_params_validates(params, expected, n_notices):
    f, notices = Filters.from_query_params(params)
    assert f == expected
    assert len(notices) == n_notices


@pytest.mark.parametrize(
    "f, table, sql, params",
    [
        (Filters(), "responses", "true", {}),
        (Filters(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31)), "responses",
         "responded_at >= $f_from and responded_at < $f_to",
         {"f_from": datetime(2024, 1, 1), "f_to": datetime(2024, 2, 1)}),
        (Filters(channel=("web",), stage=("purchase",)), "responses",
         "list_contains($f_channel, channel) and list_contains($f_stage, journey_stage)",
         {"f_channel": ["web"], "f_stage": ["purchase"]}),
        (Filters(channel=("web",), stage=("purchase",)), "interactions",
         "list_contains($f_channel, channel) and list_contains($f_stage, stage)",
         {"f_channel": ["web"], "f_stage": ["purchase"]}),
        (Filters(date_to=date(2024, 1, 31)), "interactions", "occurred_at < $f_to",
         {"f_to": datetime(2024, 2, 1)}),
        (Filters(attrs=(("Class", ("Eco",)),)), "responses",
         "list_contains($f_attr0_v, attributes[$f_attr0_k])", {"f_attr0_k": "Class", "f_attr0_v": ["Eco"]}),
    ],
)
def test_where_sql_is_pinned(f, table, sql, params):
    assert f.where_sql(table) == (sql, params)


def test_where_sql_skip():
    f = Filters(channel=("web",), stage=("purchase",))
    assert f.where_sql("interactions", skip=("stage",)) == (
        "list_contains($f_channel, channel)", {"f_channel": ["web"]})


def test_describe_names_every_active_filter():
    f = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 3, 31), channel=("app", "web"),
                attrs=(("Class", ("Eco",)),))
    text = f.describe()
    assert "01 Jan 2024 to 31 Mar 2024" in text
    assert "channel: app, web" in text and "Class: Eco" in text
    assert "all dates" in Filters().describe()


def test_previous_period_same_length():
    f = Filters(date_from=date(2024, 4, 1), date_to=date(2024, 6, 30))  # 91 days
    p = f.previous_period()
    assert p.date_to == date(2024, 3, 31)
    assert (p.date_to - p.date_from).days == (f.date_to - f.date_from).days
    assert Filters().previous_period() is None


HOSTILE = ["' or 1=1 --", "web'; drop table responses; --", "web\" or \"1\"=\"1", "%", "*", "web;"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_match_nothing(value):
    con = tiny_db("responses", ("response_id", "responded_at", "channel", "segment", "nps", "attributes"),
                  [("r1", "2024-01-01", "web", "SME", 10, "v"), ("r2", "2024-01-02", "app", "SME", 0, None)],
                  values="(?, ?, ?, ?, ?, case when ? is null then null else map(['k'], ['v']) end)")
    for f in (Filters(channel=(value,)), Filters(segment=(value,)), Filters(attrs=((value, (value,)),)),
              Filters(attrs=(("k", (value,)),))):
        assert kpi_set(con, f).nps.n == 0
    # the table is intact
    assert con.execute("select count(*) from responses").fetchone()[0] == 2
