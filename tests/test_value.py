"""The value of experience (cxdata/value.py): issue 21's definition on literal responses and events,
every figure by hand; the command's JSON; the Journeys page and the Overview tile in AppTest."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path

import pytest
import streamlit as st
from helpers.tiny import tiny_db
from streamlit.testing.v1 import AppTest

import cxdata
from cxdata import value
from cxdata.cli import main
from cxdata.filters import Filters

APP_ROOT = Path(__file__).resolve().parent.parent
R_COLUMNS = ("response_id", "customer_id", "responded_at", "channel", "nps", "csat")
E_COLUMNS = ("event_id", "customer_id", "occurred_at", "channel", "stage", "revenue")
NOON = 12

RESPONSES = [
    # P1: an early detractor response, then the latest, a promoter (the one that counts from 1 Jan)
    ("r1", "P1", datetime(2024, 1, 1, NOON), "phone", 3, 2),
    ("r2", "P1", datetime(2024, 3, 1, NOON), "web", 10, 5),
    ("r3", "P2", datetime(2024, 5, 1, NOON), "web", 9, 4),  # a promoter with no events
    ("r4", "D1", datetime(2024, 2, 1, NOON), "web", 2, 1),
    ("r5", "D2", datetime(2024, 2, 1, NOON), "web", 6, 3),
    ("r6", "PA", datetime(2024, 2, 1, NOON), "web", 8, 4),
    ("r7", "X", datetime(2024, 2, 1, NOON), "web", None, 5),  # CSAT only: not in the NPS groups
    ("r8", None, datetime(2024, 2, 1, NOON), "web", 10, 5),  # no customer: left out
    ("r9", "Z", datetime(2023, 6, 1, NOON), "web", 10, 5),  # before 2024
]
EVENTS = [
    ("e1", "P1", datetime(2024, 3, 1, NOON), "store", "purchase", 100),  # at the response: out
    ("e2", "P1", datetime(2024, 3, 5, NOON), "store", "purchase", 50),  # in
    ("e3", "P1", datetime(2025, 3, 1, NOON), "web", "purchase", 70),  # exactly +365 days: in
    ("e4", "P1", datetime(2025, 3, 1, NOON, 0, 1), "web", "purchase", 30),  # a second later: out
    ("e5", "P1", datetime(2024, 2, 1, NOON), "app", "purchase", 500),  # before the latest response
    ("e6", "D1", datetime(2024, 2, 10), "web", "purchase", 40),
    ("e7", "D1", datetime(2024, 3, 1), "app", "retention", None),
    ("e8", "D2", datetime(2024, 2, 5), "social", "awareness", None),  # no revenue, not a return
    ("e9", "PA", datetime(2024, 2, 5), "app", "retention", None),  # came back, revenue 0
]


def database(con=None):
    con = tiny_db("responses", R_COLUMNS, RESPONSES, con=con)
    return tiny_db("interactions", E_COLUMNS, EVENTS, con=con)


@pytest.fixture
def con():
    return database()


def sd(values: list[float]) -> float:
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def test_groups_by_hand(con):
    out = value.value_of_experience(con, Filters(date_from=date(2024, 1, 1)))
    g = out["groups"]
    # promoters P1 (50 + 70 = 120) and P2 (0); detractors D1 (40) and D2 (0); the passive PA (0)
    assert (g["promoter"]["customers"], g["promoter"]["revenue_per_customer"]) == (2, 60.0)
    assert (g["detractor"]["customers"], g["detractor"]["revenue_per_customer"]) == (2, 20.0)
    assert (g["passive"]["customers"], g["passive"]["revenue_per_customer"]) == (1, 0.0)
    assert out["customers"] == 5
    se_p, se_d = sd([120, 0]) / math.sqrt(2), sd([40, 0]) / math.sqrt(2)  # 60 and 20
    assert g["promoter"]["low"] == pytest.approx(60 - 1.96 * se_p)
    assert g["promoter"]["high"] == pytest.approx(60 + 1.96 * se_p)
    assert g["passive"]["low"] is None  # one customer: no interval
    # came back: P1 (purchases), D1 (purchase and retention), PA (retention); not P2, D2
    assert g["promoter"]["return_share"] == 0.5 and g["detractor"]["return_share"] == 0.5
    assert g["passive"]["return_share"] == 1.0
    assert all(x["small_sample"] for x in g.values())
    d = out["difference"]
    half = 1.96 * math.sqrt(se_p ** 2 + se_d ** 2)
    assert d["value"] == pytest.approx(40) and d["low"] == pytest.approx(40 - half)
    assert d["significant"] is False  # 40 < 124
    assert out["value_of_a_point"]["value"] == pytest.approx(0.4)
    assert out["value_of_a_point"]["nps_points"] == 2
    # CSAT: satisfied P1 (120), P2, PA, X (0); not satisfied D1 (40), D2 (0)
    c = out["csat"]
    assert (c["satisfied"]["customers"], c["satisfied"]["revenue_per_customer"]) == (4, 30.0)
    assert (c["not_satisfied"]["customers"], c["not_satisfied"]["revenue_per_customer"]) == (2, 20.0)


def test_latest_response_in_the_period(con):
    # to 15 Feb 2024: P1's latest response in the period is r1 (a detractor, 1 Jan): its year
    # holds e5 (500), e1 (100) and e2 (50); Z (2023) is a promoter with no events
    out = value.value_of_experience(con, Filters(date_to=date(2024, 2, 15)))
    g = out["groups"]
    assert g["detractor"]["customers"] == 3  # P1, D1, D2
    assert g["detractor"]["revenue_per_customer"] == pytest.approx((650 + 40 + 0) / 3)
    assert (g["promoter"]["customers"], g["promoter"]["revenue_per_customer"]) == (1, 0.0)  # Z


def test_window_edges_and_filters(con):
    # 4 days after r2: e2 at exactly +4 days is in, e1 at the response's instant is out
    out = value.value_of_experience(con, Filters(date_from=date(2024, 3, 1), date_to=date(2024, 3, 1)), days=4)
    assert out["groups"]["promoter"]["revenue_per_customer"] == 50.0
    assert value.value_of_experience(con, Filters(date_from=date(2024, 3, 1), date_to=date(2024, 3, 1)),
                                     days=3)["groups"]["promoter"]["revenue_per_customer"] == 0.0
    # the channel filter selects responses (r1 on the phone); the revenue is every channel's
    phone = value.value_of_experience(con, Filters(channel=("phone",)))
    assert phone["customers"] == 1 and phone["groups"]["detractor"]["revenue_per_customer"] == 650.0
    nobody = value.value_of_experience(con, Filters(segment=("nobody",)))
    assert nobody["customers"] == 0 and nobody["difference"]["value"] is None
    with pytest.raises(ValueError):
        value.value_of_experience(con, Filters(), days=-1)


@pytest.mark.parametrize("first", ["a", "b"])
def test_same_instant_takes_the_higher_score(first):
    rows = [("a", "T", datetime(2024, 1, 1), "web", 0, 5), ("b", "T", datetime(2024, 1, 1), "web", 10, 1)]
    con = tiny_db("responses", R_COLUMNS, rows if first == "a" else rows[::-1])
    out = value.value_of_experience(con, Filters())
    assert out["groups"]["promoter"]["customers"] == 1 and out["groups"]["detractor"]["customers"] == 0
    assert out["csat"]["satisfied"]["customers"] == 1  # CSAT 5 (of response a) at the same instant


def test_responses_before_1970():
    con = tiny_db("responses", R_COLUMNS, [("a", "T", datetime(1965, 5, 1, 8), "web", 3, 2)])
    tiny_db("interactions", E_COLUMNS, [("e", "T", datetime(1965, 6, 1), "web", "purchase", 12.5)], con=con)
    out = value.value_of_experience(con, Filters())
    assert out["groups"]["detractor"]["revenue_per_customer"] == 12.5


def test_cli_json(tmp_path, capsys):
    path = tmp_path / "cx.duckdb"
    database(cxdata.connect(path)).close()
    assert main(["value", "--db", str(path), "--from", "2024-01-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["days"] == 365 and set(out["groups"]) == {"promoter", "passive", "detractor"}
    assert set(out["groups"]["promoter"]) >= {"customers", "revenue_per_customer", "low", "high", "return_share"}
    assert out["groups"]["promoter"]["revenue_per_customer"] == 60.0
    assert set(out["difference"]) >= {"value", "low", "high"} and out["difference"]["value"] == 40.0
    assert main(["value", "--db", str(path), "--days", "4", "--from", "2024-03-01", "--to", "2024-03-01"]) == 0
    assert "promoter            50.00" in capsys.readouterr().out


# ---- the page ---------------------------------------------------------------------------------
JOURNEY = [("j1", "P1", datetime(2024, 3, 2), "social", "awareness", None),
           ("j2", "P1", datetime(2024, 3, 3), "web", "consideration", None),
           ("j3", "D1", datetime(2024, 3, 2), "store", "awareness", None)]


@pytest.fixture
def page_db(tmp_path, monkeypatch):
    path = tmp_path / "cx.duckdb"
    con = database(cxdata.connect(path))
    tiny_db("interactions", E_COLUMNS, JOURNEY, con=con).close()
    monkeypatch.setenv("CX_DB", str(path))
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def run(page: str | None, params: dict) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def test_journeys_page_shows_the_sankey_and_the_value(page_db):
    at = run("pages/5_Journeys.py", {"from": "2024-01-01", "to": "2024-12-31"})
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    sankey = next(s for s in specs if s["data"][0]["type"] == "sankey")
    # journeys from 1 Jan: P1 aware on social (2 Mar), considers on the web (3 Mar), buys in store
    # (e2, 5 Mar); D1 aware in store, nothing after
    assert sorted(sankey["data"][0]["node"]["label"]) == ["social", "store", "store", "web"]
    assert sankey["data"][0]["link"]["value"] == [1, 1]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Promoters − detractors, revenue per customer"] == "€40.00"  # 60 - 20, by hand
    assert metrics["Value of a point (association)"] == "€0.40"
    assert metrics["Buyers who changed channel before buying"] == "100%"  # P1, the one buyer
    captions = " ".join(c.value for c in at.caption)
    assert "n = 5" in captions and "association" in captions.lower()
    bars = next(s for s in specs if s["data"][0]["type"] == "bar")["data"][0]
    assert bars["y"] == [60.0, 0.0, 20.0, 30.0, 20.0]


def test_overview_tile_links_to_journeys_with_the_filters(page_db):
    at = run(None, {"from": "2024-01-01", "to": "2024-12-31"})
    assert not at.exception, [e.value for e in at.exception]
    tile = next(m.value for m in at.markdown if "Value of experience" in m.value)
    assert "€40.00" in tile
    links = [pl.proto for pl in at.get("page_link") if pl.proto.label.startswith("Paths and value")]
    assert links and links[0].query_string == "from=2024-01-01&to=2024-12-31"


def test_overview_tile_waits_for_a_click_on_a_large_database(page_db, monkeypatch):
    from cxdata.ui import journeys_view

    monkeypatch.setattr(journeys_view, "TILE_ASKS_ABOVE", 3)  # the page database has 9 responses
    at = run(None, {"from": "2024-01-01", "to": "2024-12-31"})
    assert not at.exception
    assert not any("€40.00" in m.value for m in at.markdown)
    at.button(key="value_tile_go").click().run()
    assert not at.exception
    assert any("€40.00" in m.value for m in at.markdown if "Value of experience" in m.value)
