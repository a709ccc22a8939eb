"""Funnels: each customer's journey is a list of events; step counts are asserted by hand."""

from datetime import date, datetime, timedelta

import pytest

import cxdata
from cxdata import funnel
from cxdata import journeys as journey_table
from cxdata.filters import Filters

T0 = datetime(2024, 3, 1, 9, 0)


def build(journeys, stages=None):
    """journeys: {customer: [(day offset, channel, stage), ...]}"""
    con = cxdata.connect(":memory:")
    if stages:
        cxdata.db.set_stages(con, stages)
    rows = []
    for cust, events in journeys.items():
        for i, (day, channel, stage) in enumerate(events):
            rows.append((f"{cust}-{i}", cust, T0 + timedelta(days=day), channel, stage, "SME" if cust < "m" else "Consumer"))
    con.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment) "
                    "values (?, ?, ?, ?, ?, ?)", rows)
    journey_table.rebuild(con)  # rows written behind the library's back: refresh the derived table
    return con


def counts(frame, channel):
    g = frame[frame["channel"] == channel].sort_values("step")
    return list(g["customers"])


STAGES = ["awareness", "consideration", "purchase"]


def test_ordered_funnel_per_channel():
    con = build({
        "alice": [(0, "web", "awareness"), (1, "web", "consideration"), (2, "web", "purchase")],
        "bob": [(0, "web", "awareness"), (3, "web", "consideration")],
        "carol": [(0, "web", "awareness")],
        # dave purchased before considering: the purchase does not count
        "dave": [(0, "app", "awareness"), (1, "app", "purchase"), (2, "app", "consideration")],
        # erin never had awareness: she is not in the funnel at all
        "erin": [(0, "app", "consideration"), (1, "app", "purchase")],
    }, STAGES)
    f = funnel.funnel_steps(con, Filters())
    assert counts(f, "web") == [3, 2, 1]
    assert counts(f, "app") == [1, 1, 0]
    web = f[f["channel"] == "web"].set_index("stage")
    assert web.loc["consideration", "from_previous"] == pytest.approx(200 / 3)
    assert web.loc["purchase", "drop_off"] == pytest.approx(50)
    assert web.loc["purchase", "from_start"] == pytest.approx(100 / 3)


def test_conversion_window():
    con = build({
        "ann": [(0, "web", "awareness"), (10, "web", "consideration"), (29, "web", "purchase")],
        "ben": [(0, "web", "awareness"), (10, "web", "consideration"), (31, "web", "purchase")],
    }, STAGES)
    assert counts(funnel.funnel_steps(con, Filters()), "web") == [2, 2, 1]  # 30 days
    assert counts(funnel.funnel_steps(con, Filters(), window_days=45), "web") == [2, 2, 2]
    assert counts(funnel.funnel_steps(con, Filters(), window_days=5), "web") == [2, 0, 0]


@pytest.mark.parametrize("source", ["table", "events"])
def test_window_and_period_end_to_the_microsecond(source):
    us = timedelta(microseconds=1)
    start = datetime(2024, 1, 1)
    end = datetime(2024, 2, 1)  # the period below ends on 31 January: a step at midnight is after it
    con = cxdata.connect(":memory:")
    cxdata.db.set_stages(con, STAGES)
    rows = [
        # a step exactly 7 days after the start is within a 7-day window; 1 us later is not
        ("a1", "ann", start, "awareness"), ("a2", "ann", start + timedelta(days=7), "consideration"),
        ("a3", "ann", start + timedelta(days=7) + us, "purchase"),
        # the last microsecond of the period counts, its end does not
        ("b1", "bo", end - timedelta(hours=12), "awareness"), ("b2", "bo", end - us, "consideration"),
        ("b3", "bo", end, "purchase"),
    ]
    con.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage) "
                    "values (?, ?, ?, 'web', ?)", rows)
    journey_table.rebuild(con)
    january = Filters(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    assert counts(funnel.funnel_steps(con, january, window_days=7, source=source), "web") == [2, 2, 0]
    # a day more of window lets ann's purchase in; bo's is still after the end of the period
    assert counts(funnel.funnel_steps(con, january, window_days=8, source=source), "web") == [2, 2, 1]
    # with no end to the period, bo's purchase (12 hours after the start) counts too
    assert counts(funnel.funnel_steps(con, Filters(), window_days=8, source=source), "web") == [2, 2, 2]
    assert counts(funnel.funnel_steps(con, Filters(), window_days=0, source=source), "web") == [2, 0, 0]


def test_earliest_step_times_let_the_most_through():
    # two considerations: the first one (day 1) must anchor the purchase window, not the later one
    con = build({"kim": [(0, "web", "awareness"), (1, "web", "consideration"), (20, "web", "consideration"),
                         (5, "web", "purchase")]}, STAGES)
    assert counts(funnel.funnel_steps(con, Filters()), "web") == [1, 1, 1]


def test_cross_channel_journey_counts_only_in_all_channels():
    con = build({"omni": [(0, "social", "awareness"), (1, "web", "consideration"), (2, "store", "purchase")]},
                STAGES)
    f = funnel.funnel_steps(con, Filters())
    assert counts(f, funnel.ALL_CHANNELS) == [1, 1, 1]
    assert counts(f, "social") == [1, 0, 0]
    assert counts(f, "web") == [0, 0, 0] or "web" not in set(f["channel"])
    assert f.iloc[0]["channel"] == funnel.ALL_CHANNELS  # the headline comes first


def test_stage_order_is_data():
    journeys = {"x": [(0, "web", "purchase"), (1, "web", "awareness")]}
    assert counts(funnel.funnel_steps(build(journeys, ["awareness", "purchase"]), Filters()), "web") == [1, 0]
    assert counts(funnel.funnel_steps(build(journeys, ["purchase", "awareness"]), Filters()), "web") == [1, 1]


def test_filters_apply_and_stage_filter_is_ignored():
    con = build({
        "alice": [(0, "web", "awareness"), (1, "web", "consideration")],  # SME
        "zed": [(0, "web", "awareness")],  # Consumer
    }, STAGES)
    assert counts(funnel.funnel_steps(con, Filters(segment=("SME",))), "web") == [1, 1, 0]
    assert counts(funnel.funnel_steps(con, Filters(stage=("purchase",))), "web") == [2, 1, 0]
    late = Filters(date_from=date(2024, 3, 2))  # after everyone's awareness
    assert funnel.funnel_steps(con, late).empty


def test_worst_step_named_in_words():
    journeys = {}
    for i in range(40):
        journeys[f"w{i}"] = [(0, "web", "awareness"), (1, "web", "consideration")] + (
            [(2, "web", "purchase")] if i < 30 else [])
        journeys[f"a{i}"] = [(0, "app", "awareness"), (1, "app", "consideration")] + (
            [(2, "app", "purchase")] if i < 8 else [])
    f = funnel.funnel_steps(build(journeys, STAGES), Filters())
    worst = funnel.worst_step(f, min_customers=30)
    assert (worst.channel, worst.from_stage, worst.to_stage) == ("app", "consideration", "purchase")
    assert worst.drop_off == pytest.approx(80) and worst.lost == 32
    assert worst.others_drop_off == pytest.approx(25)  # web: 10 of 40 lost
    assert "app, from consideration to purchase: 80%" in worst.words
    assert funnel.worst_step(f, min_customers=41) is None  # too few customers to name anything


def test_worst_step_is_relative_to_the_other_channels():
    # Everyone loses 90% from purchase to retention (that is the business, not a problem);
    # the app alone loses 60% between consideration and purchase where the web loses 10%.
    journeys = {}
    for ch, buyers in (("web", 90), ("app", 40)):
        for i in range(100):
            ev = [(0, ch, "awareness"), (1, ch, "consideration")]
            if i < buyers:
                ev.append((2, ch, "purchase"))
                if i < buyers // 10:
                    ev.append((3, ch, "retention"))
            journeys[f"{ch}{i}"] = ev
    f = funnel.funnel_steps(build(journeys, STAGES + ["retention"]), Filters())
    worst = funnel.worst_step(f, min_customers=30)
    assert (worst.channel, worst.to_stage) == ("app", "purchase")
    assert worst.drop_off == pytest.approx(60) and worst.others_drop_off == pytest.approx(10)
