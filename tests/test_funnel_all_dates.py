"""The funnel over all dates (no period), summed from ``journey_first_reach``: what a funnel counts,
on journeys written as lists of events per customer, step counts asserted by hand."""

import pytest
from helpers.journeys import STAGES, WINDOW_EDGES, build, counts, no_segment, strategies

from cxdata import funnel
from cxdata.filters import Filters

SUMMED = ["sum_first_reach"]


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
    assert strategies(con, Filters()) == SUMMED
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
    assert strategies(con, Filters()) == SUMMED
    assert counts(funnel.funnel_steps(con, Filters()), "web") == [2, 2, 1]  # 30 days
    assert counts(funnel.funnel_steps(con, Filters(), window_days=45), "web") == [2, 2, 2]
    assert counts(funnel.funnel_steps(con, Filters(), window_days=5), "web") == [2, 0, 0]


def test_window_to_the_microsecond_with_no_end_to_the_period():
    con = build(WINDOW_EDGES, STAGES, segment_of=no_segment)
    assert strategies(con, Filters(), source="table") == SUMMED
    # bo's purchase, 12 hours after his start, counts in a window of 8 days
    assert counts(funnel.funnel_steps(con, Filters(), window_days=8, source="table"), "web") == [2, 2, 2]
    assert counts(funnel.funnel_steps(con, Filters(), window_days=0, source="table"), "web") == [2, 0, 0]


def test_earliest_step_times_let_the_most_through():
    # two considerations: the first one (day 1) must anchor the purchase window, not the later one
    con = build({"kim": [(0, "web", "awareness"), (1, "web", "consideration"), (20, "web", "consideration"),
                         (5, "web", "purchase")]}, STAGES)
    assert strategies(con, Filters()) == SUMMED
    assert counts(funnel.funnel_steps(con, Filters()), "web") == [1, 1, 1]


def test_cross_channel_journey_counts_only_in_all_channels():
    con = build({"omni": [(0, "social", "awareness"), (1, "web", "consideration"), (2, "store", "purchase")]},
                STAGES)
    assert strategies(con, Filters()) == SUMMED
    f = funnel.funnel_steps(con, Filters())
    assert counts(f, funnel.ALL_CHANNELS) == [1, 1, 1]
    assert counts(f, "social") == [1, 0, 0]
    assert counts(f, "web") == [0, 0, 0] or "web" not in set(f["channel"])
    assert f.iloc[0]["channel"] == funnel.ALL_CHANNELS  # the headline comes first


def test_stage_order_is_data():
    journeys = {"x": [(0, "web", "purchase"), (1, "web", "awareness")]}
    in_order, reversed_order = build(journeys, ["awareness", "purchase"]), build(journeys, ["purchase", "awareness"])
    assert strategies(in_order, Filters()) == strategies(reversed_order, Filters()) == SUMMED
    assert counts(funnel.funnel_steps(in_order, Filters()), "web") == [1, 0]
    assert counts(funnel.funnel_steps(reversed_order, Filters()), "web") == [1, 1]


def test_filters_apply_and_stage_filter_is_ignored():
    con = build({
        "alice": [(0, "web", "awareness"), (1, "web", "consideration")],  # SME
        "zed": [(0, "web", "awareness")],  # Consumer
    }, STAGES)
    assert strategies(con, Filters(segment=("SME",))) == strategies(con, Filters(stage=("purchase",))) == SUMMED
    assert counts(funnel.funnel_steps(con, Filters(segment=("SME",))), "web") == [1, 1, 0]
    assert counts(funnel.funnel_steps(con, Filters(stage=("purchase",))), "web") == [2, 1, 0]
