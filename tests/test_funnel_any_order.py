"""The any-order funnel (``funnel_steps(mode="any")``): after the entry (the first stage, as in
the strict funnel), step k counts when every stage 2..k is reached within the window, in any order."""

from datetime import timedelta

import pytest
from helpers.journeys import STAGES, T0, build, counts

from cxdata import funnel
from cxdata.filters import Filters

SOURCES = ["table", "events"]


@pytest.mark.parametrize("source", SOURCES)
def test_a_journey_that_skips_back(source):
    # ann buys before she considers; bo goes in order; cy considers before his entry, then buys
    con = build({
        "ann": [(0, "web", "awareness"), (1, "web", "purchase"), (2, "web", "consideration")],
        "bo": [(0, "web", "awareness"), (1, "web", "consideration"), (2, "web", "purchase")],
        "cy": [(0, "web", "consideration"), (1, "web", "awareness"), (2, "web", "purchase")],
    }, STAGES)
    strict = funnel.funnel_steps(con, Filters(), source=source)
    anyway = funnel.funnel_steps(con, Filters(), source=source, mode="any")
    assert counts(strict, "web") == [3, 2, 1]  # ann stops at consideration (no purchase after it)
    assert counts(anyway, "web") == [3, 2, 2]  # ann counts; cy's consideration came before his entry
    assert list(anyway[anyway["channel"] == "web"]["from_previous"]) == [100, pytest.approx(200 / 3), 100]


@pytest.mark.parametrize("source", SOURCES)
def test_every_earlier_stage_within_the_window(source):
    # ann buys inside the window but considers only after it: in any order she reaches neither step;
    # bo considers exactly at the window's end and buys before: both count
    con = build({
        "ann": [(0, "web", "awareness"), (3, "web", "purchase"), (T0 + timedelta(days=7, microseconds=1), "web",
                                                                   "consideration")],
        "bo": [(0, "web", "awareness"), (3, "web", "purchase"), (7, "web", "consideration")],
    }, STAGES)
    assert counts(funnel.funnel_steps(con, Filters(), window_days=7, source=source, mode="any"), "web") == [2, 1, 1]


@pytest.mark.parametrize("source", SOURCES)
def test_across_channels_and_per_channel(source):
    # discover on the web, buy in the store, compare on the app after buying
    con = build({"ann": [(0, "web", "awareness"), (1, "store", "purchase"), (2, "app", "consideration")]}, STAGES)
    anyway = funnel.funnel_steps(con, Filters(), source=source, mode="any")
    strict = funnel.funnel_steps(con, Filters(), source=source)
    assert counts(anyway, funnel.ALL_CHANNELS) == [1, 1, 1]
    assert counts(strict, funnel.ALL_CHANNELS) == [1, 1, 0]
    assert counts(anyway, "web") == [1, 0, 0]  # a channel's funnel counts that channel's events only
    assert set(anyway["channel"]) == {"web", funnel.ALL_CHANNELS}  # app and store have no entry


def test_two_chosen_channels_walk_just_their_events():
    con = build({"ann": [(0, "web", "awareness"), (1, "store", "purchase"), (2, "app", "consideration")]}, STAGES)
    two = funnel.funnel_steps(con, Filters(channel=("web", "store")), mode="any")
    assert counts(two, funnel.ALL_CHANNELS) == [1, 0, 0]  # the consideration was on the app
    three = funnel.funnel_steps(con, Filters(channel=("web", "store", "app")), mode="any")
    assert counts(three, funnel.ALL_CHANNELS) == [1, 1, 1]


def test_mode_is_checked():
    con = build({"ann": [(0, "web", "awareness")]}, STAGES)
    with pytest.raises(ValueError, match="strict or any"):
        funnel.funnel_steps(con, Filters(), mode="unordered")
    with pytest.raises(ValueError, match="strict or any"):
        funnel.days_to_step(con, Filters(), mode="")
