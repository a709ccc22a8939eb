"""Paths between channels (cxdata/paths.py): journeys written out event by event, figures by hand,
and the reconciliation with the funnel across channels under every filter the funnel is tested with."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from helpers.tiny import tiny_db
from test_journeys import FILTERS, with_random_events  # the funnel's own random journeys and filters

import cxdata
from cxdata import funnel, paths
from cxdata.cli import main
from cxdata.filters import Filters

COLUMNS = ("event_id", "customer_id", "occurred_at", "channel", "stage", "segment", "touchpoint")


def ev(eid, customer, when, channel, stage, segment="Consumer", touchpoint="tp"):
    return (eid, customer, when, channel, stage, segment, touchpoint)


# Default stages: awareness, consideration, purchase, retention, advocacy. A window of 30 days.
EVENTS = [
    # A: social -> web -> store -> app (bought, switched); starts before 3 Jan
    ev("a1", "A", datetime(2024, 1, 1, 10), "social", "awareness"),
    ev("a2", "A", datetime(2024, 1, 2, 10), "web", "consideration"),
    ev("a3", "A", datetime(2024, 1, 5, 10), "store", "purchase"),
    ev("a4", "A", datetime(2024, 1, 10, 10), "app", "retention"),
    # B: web -> web, stops before buying
    ev("b1", "B", datetime(2024, 1, 3, 9), "web", "awareness"),
    ev("b2", "B", datetime(2024, 1, 4, 9), "web", "consideration"),
    # C: store all the way to the purchase (bought, no switch); starts before 3 Jan
    ev("c1", "C", datetime(2024, 1, 2, 12), "store", "awareness", "SME"),
    ev("c2", "C", datetime(2024, 1, 3, 12), "store", "consideration", "SME"),
    ev("c3", "C", datetime(2024, 1, 4, 12), "store", "purchase", "SME"),
    # D: aware on social and in store at the same instant (social: first in alphabetical order),
    # considers in store, buys after the window (out)
    ev("d1", "D", datetime(2024, 1, 5, 10), "store", "awareness"),
    ev("d2", "D", datetime(2024, 1, 5, 10), "social", "awareness"),
    ev("d3", "D", datetime(2024, 1, 6, 10), "store", "consideration"),
    ev("d4", "D", datetime(2024, 2, 20, 10), "store", "purchase"),
    # E: aware on email only; a consideration *before* the awareness does not count
    ev("e0", "E", datetime(2024, 1, 31, 10), "web", "consideration"),
    ev("e1", "E", datetime(2024, 2, 1, 10), "email", "awareness"),
    # F: app, buying exactly at the end of the 30-day window (in)
    ev("f1", "F", datetime(2024, 3, 1), "app", "awareness"),
    ev("f2", "F", datetime(2024, 3, 2), "app", "consideration"),
    ev("f3", "F", datetime(2024, 3, 31), "app", "purchase"),
]


@pytest.fixture
def con():
    return tiny_db("interactions", COLUMNS, EVENTS)


@pytest.mark.parametrize("source", ["auto", "events"])
def test_path_of_every_journey(con, source):
    got = dict(paths.path_counts(con, Filters(), source=source))
    assert got == {("social", "web", "store", "app"): 1, ("web", "web"): 1, ("store", "store", "store"): 1,
                   ("social", "store"): 1, ("email",): 1, ("app", "app", "app"): 1}


def test_summary_by_hand(con):
    out = paths.paths(con, Filters())
    assert out["journeys"] == 6
    assert [s["customers"] for s in out["stages"]] == [6, 5, 3, 1, 0]
    # buyers A, C, F; A changed channel before buying (social, web, store), C and F did not
    assert out["buyers"] == 3 and out["switching_share"] == pytest.approx(1 / 3)
    assert out["purchase_stage"] == "purchase"
    links = {(lk["stage_from"], lk["channel_from"], lk["stage_to"], lk["channel_to"]): lk["customers"]
             for lk in out["links"]}
    assert links == {("awareness", "social", "consideration", "web"): 1,
                     ("awareness", "web", "consideration", "web"): 1,
                     ("awareness", "store", "consideration", "store"): 1,
                     ("awareness", "social", "consideration", "store"): 1,
                     ("awareness", "app", "consideration", "app"): 1,
                     ("consideration", "web", "purchase", "store"): 1,
                     ("consideration", "store", "purchase", "store"): 1,
                     ("consideration", "app", "purchase", "app"): 1,
                     ("purchase", "store", "retention", "app"): 1}
    nodes = {(n["stage"], n["channel"]): n["customers"] for n in out["nodes"]}
    assert nodes[("awareness", "social")] == 2 and nodes[("purchase", "store")] == 2
    # paths before the purchase: each 1 journey of 6, ties in path order; E stopped at awareness
    table = [(tuple(p["path"]), p["customers"], p["purchase_share"], p["stopped"]) for p in out["paths"]]
    assert table == [(("app", "app"), 1, 1.0, False), (("email",), 1, 0.0, True),
                     (("social", "store"), 1, 0.0, False), (("social", "web"), 1, 1.0, False),
                     (("store", "store"), 1, 1.0, False), (("web", "web"), 1, 0.0, False)]
    assert all(p["share"] == pytest.approx(1 / 6) for p in out["paths"])


def test_period_window_and_filters(con):
    # from 3 Jan: A and C entered before (their only starts), so B, D, E, F remain
    out = paths.paths(con, Filters(date_from=date(2024, 1, 3)))
    assert out["journeys"] == 4 and [s["customers"] for s in out["stages"]] == [4, 3, 1, 0, 0]
    # a window of 29 days: F's purchase (30 days after its start) no longer counts
    assert dict(paths.path_counts(con, Filters(), window_days=29))[("app", "app")] == 1
    # a period ending 30 Mar: F's purchase falls after it
    got = dict(paths.path_counts(con, Filters(date_from=date(2024, 3, 1), date_to=date(2024, 3, 30))))
    assert got == {("app", "app"): 1}
    # the segment of the journey's first event; the channel filter keeps only those events
    assert dict(paths.path_counts(con, Filters(segment=("SME",)))) == {("store", "store", "store"): 1}
    store = dict(paths.path_counts(con, Filters(channel=("store",))))
    assert store == {("store", "store", "store"): 1, ("store", "store"): 1}  # A has no store awareness


def test_bad_arguments(con):
    with pytest.raises(ValueError):
        paths.path_counts(con, Filters(), window_days=-1)


def test_summary_without_a_purchase_stage():
    out = paths.summarise([(("web", "app", "app"), 2), (("web",), 1)], ["seen", "tried", "kept"])
    assert out["purchase_stage"] == "kept" and out["buyers"] == 2 and out["switching_share"] == 1.0
    assert [(p["path"], p["purchase_share"]) for p in out["paths"]] == [(["web", "app"], 1.0), (["web"], 0.0)]
    empty = paths.summarise([], ["a", "b"])
    assert empty["journeys"] == 0 and empty["switching_share"] is None and empty["paths"] == []


# ---- reconciliation with the funnel -----------------------------------------------------------
@pytest.fixture(params=[1, 2])
def random_con(request):
    return with_random_events(cxdata.connect(":memory:"), request.param)


@pytest.mark.parametrize("f", [*FILTERS, Filters(touchpoint=("checkout",)),
                               Filters(touchpoint=("faq",), date_from=date(2024, 2, 1), segment=("SME",))])
@pytest.mark.parametrize("window", [0, 30])
def test_links_reconcile_with_the_funnel(random_con, f, window):
    steps = funnel.funnel_steps(random_con, f, window_days=window)
    across = steps[steps["channel"] == funnel.ALL_CHANNELS].sort_values("step")["customers"].tolist()
    out = paths.paths(random_con, f, window_days=window)
    stages = [s["customers"] for s in out["stages"]]
    assert stages == (across or [0] * len(stages))
    assert out["journeys"] == stages[0]
    # the links into each stage add up to the funnel's count there; the nodes of each stage too
    for k, s in enumerate(out["stages"]):
        if k:
            assert sum(lk["customers"] for lk in out["links"] if lk["stage_to"] == s["stage"]) == stages[k]
        assert sum(n["customers"] for n in out["nodes"] if n["stage"] == s["stage"]) == stages[k]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("window", [0, 30])
def test_journey_tables_give_the_paths_of_the_events(random_con, f, window):
    fast = paths.path_counts(random_con, f, window, source="auto")
    assert sorted(fast) == sorted(paths.path_counts(random_con, f, window, source="events"))


def test_tables_answer_only_what_they_can():
    assert paths.from_tables(Filters(segment=("SME",), channel=("web",)))
    assert not paths.from_tables(Filters(channel=("web", "app")))
    assert not paths.from_tables(Filters(touchpoint=("faq",)))


# ---- the command line -------------------------------------------------------------------------
def test_cli_json(tmp_path, capsys):
    path = tmp_path / "cx.duckdb"
    tiny_db("interactions", COLUMNS, EVENTS, con=cxdata.connect(path)).close()
    assert main(["paths", "--db", str(path), "--json", "--from", "2024-01-03"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"journeys", "switching_share", "paths", "links"} <= set(out)
    assert out["journeys"] == 4 and out["buyers"] == 1 and out["switching_share"] == 0.0
    assert set(out["paths"][0]) >= {"path", "customers", "share", "purchase_share"}
    assert set(out["links"][0]) == {"stage_from", "channel_from", "stage_to", "channel_to", "customers"}
    assert main(["paths", "--db", str(path), "--window", "29"]) == 0
    text = capsys.readouterr().out
    assert "Journeys 6 (window 29 days)" in text and "email (stopped)" in text


def test_sankey_escapes_labels_from_the_data():
    from cxdata.ui import journeys_view
    from cxdata.ui.text import esc

    hostile = "<a href='https://x.example'>web</a>%{x}"
    out = paths.summarise([((hostile, "store"), 3), (("store",), 1)], ["awareness", "consideration"])
    fig = journeys_view.sankey(out, "title")
    labels = list(fig.data[0].node.label)
    assert esc(hostile) in labels and hostile not in labels
    assert "<a" not in " ".join(labels) and "%{" not in " ".join(labels)
    assert list(fig.data[0].link.value) == [3]
