"""Time to convert (``funnel.days_to_step``): the days from each step to the next of the funnel's
journeys, their quartiles and the shares within 1, 7 and 30 days, figured by hand from literal
journeys; at the window's end a step counts, a microsecond after it does not."""

from datetime import timedelta

import pandas as pd
import pytest
from helpers.journeys import JANUARY, STAGES, T0, WINDOW_EDGES, build, no_segment
from test_journeys import FILTERS, with_random_events

import cxdata
from cxdata import funnel
from cxdata.filters import Filters

US = timedelta(microseconds=1)
DAY_US = 86_400_000_000

# ann takes 2 days to consider and half a day more to buy; bo considers exactly 7 days after his
# start (in a 7-day window) and buys a microsecond later (out); cy considers a microsecond after
# the 7 days (out); dee only starts; eve, on the app, considers exactly one day after her start.
JOURNEYS = {
    "ann": [(0, "web", "awareness"), (2, "web", "consideration"), (2.5, "web", "purchase")],
    "bo": [(0, "web", "awareness"), (7, "web", "consideration"), (T0 + timedelta(days=7) + US, "web", "purchase")],
    "cy": [(0, "web", "awareness"), (T0 + timedelta(days=7) + US, "web", "consideration")],
    "dee": [(0, "web", "awareness")],
    "eve": [(0, "app", "awareness"), (1, "app", "consideration")],
}


def row(frame, channel, stage) -> dict:
    found = frame[(frame["channel"] == channel) & (frame["stage"] == stage)]
    assert len(found) == 1, (channel, stage)
    return found.iloc[0].to_dict()


@pytest.mark.parametrize("source", ["table", "events"])
def test_days_quartiles_and_shares_by_hand(source):
    days = funnel.days_to_step(build(JOURNEYS, STAGES), Filters(), window_days=7, source=source)
    web = row(days, "web", "consideration")
    # web: 4 starters, 2 reach consideration within 7 days, after 2 and 7 days
    assert (web["entered"], web["n"]) == (4, 2)
    assert web["median"] == pytest.approx(4.5)
    assert (web["p25"], web["p75"]) == (pytest.approx(2 + 0.25 * 5), pytest.approx(2 + 0.75 * 5))
    assert (web["within_1"], web["within_7"], web["within_30"]) == (0, 50, 50)  # bo's 7.0 days is in
    buy = row(days, "web", "purchase")  # ann's half day; bo's purchase is a microsecond too late
    assert (buy["from_stage"], buy["entered"], buy["n"], buy["median"]) == ("consideration", 2, 1, 0.5)
    assert (buy["within_1"], buy["within_7"]) == (50, 50)
    app = row(days, "app", "consideration")
    assert (app["entered"], app["n"], app["median"], app["within_1"]) == (1, 1, 1.0, 100)  # exactly 1 day
    across = row(days, funnel.ALL_CHANNELS, "consideration")  # days 2, 7, 1
    assert (across["entered"], across["n"], across["median"]) == (5, 3, 2.0)
    assert (across["p25"], across["p75"], across["within_1"], across["within_7"]) == (1.5, 4.5, 20, 60)
    assert list(days["channel"].drop_duplicates()) == [funnel.ALL_CHANNELS, "app", "web"]


def test_a_day_more_of_window_lets_the_microsecond_in():
    days = funnel.days_to_step(build(JOURNEYS, STAGES), Filters(), window_days=8)
    buy = row(days, "web", "purchase")
    assert buy["n"] == 2
    assert buy["p25"] == pytest.approx(0.25 * 0.5 + 0.75 * 1 / DAY_US)  # between 1 us and ann's 0.5 days
    assert row(days, "web", "consideration")["n"] == 3  # cy is in too


@pytest.mark.parametrize("source", ["table", "events"])
def test_window_and_period_end_to_the_microsecond(source):
    days = funnel.days_to_step(build(WINDOW_EDGES, STAGES, segment_of=no_segment), JANUARY, window_days=7,
                               source=source)
    # ann considers exactly 7 days after her start (in); bo 12 hours less a microsecond after his,
    # on January's last microsecond (in); ann's purchase is a microsecond past the window, bo's on
    # the first instant after January: neither counts
    con = row(days, "web", "consideration")
    assert con["n"] == 2
    assert con["median"] == pytest.approx((7 + 0.5 - 1 / DAY_US) / 2)
    assert con["within_7"] == 100
    assert row(days, "web", "purchase")["n"] == 0
    # one chosen channel: its journeys are the journeys across the chosen channels
    one = funnel.days_to_step(build(WINDOW_EDGES, STAGES, segment_of=no_segment),
                              JANUARY.replace(channel=("web",)), window_days=7, source=source)
    pd.testing.assert_frame_equal(one[one["channel"] == "web"].drop(columns="channel").reset_index(drop=True),
                                  one[one["channel"] == funnel.ALL_CHANNELS].drop(columns="channel")
                                  .reset_index(drop=True))


def test_any_order_counts_from_the_latest_stage_before():
    # awareness, then purchase on day 1 and consideration on day 3: in any order both are done on day 3
    con = build({"ann": [(0, "web", "awareness"), (1, "web", "purchase"), (3, "web", "consideration")]}, STAGES)
    strict = funnel.days_to_step(con, Filters(), mode="strict")
    assert row(strict, "web", "consideration")["median"] == 3.0
    assert row(strict, "web", "purchase")["n"] == 0
    anyway = funnel.days_to_step(con, Filters(), mode="any")
    assert row(anyway, "web", "consideration")["median"] == 3.0
    assert (row(anyway, "web", "purchase")["n"], row(anyway, "web", "purchase")["median"]) == (1, 0.0)


def test_nobody_entered_is_empty():
    con = build({"ann": [(0, "web", "awareness")]}, STAGES)
    assert funnel.days_to_step(con, Filters(date_from=JANUARY.date_from, date_to=JANUARY.date_to)).empty


@pytest.fixture(scope="module")
def random_db():
    return with_random_events(cxdata.connect(":memory:"), 3)


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("mode", funnel.MODES)
def test_reaching_a_step_is_the_funnel_and_table_equals_events(random_db, f, mode):
    days = funnel.days_to_step(random_db, f, window_days=30, mode=mode)
    pd.testing.assert_frame_equal(days, funnel.days_to_step(random_db, f, window_days=30, mode=mode, source="events"),
                                  check_dtype=False)
    steps = funnel.funnel_steps(random_db, f, window_days=30, mode=mode)
    if steps.empty:  # a link naming only the cross-channel label: no event is on it
        assert days.empty
        return
    both = days.merge(steps, on=["channel", "step", "stage"])
    assert len(both) == len(days) == len(steps) - steps["channel"].nunique()
    assert (both["n"] == both["customers"]).all()
    # a 30-day window: everyone who converts does so within 30 days, the step's conversion
    reached = both[both["entered"] > 0]
    assert (reached["within_30"] - reached["from_previous"]).abs().max() < 1e-9


@pytest.mark.parametrize("mode", funnel.MODES)
def test_a_segment_that_changes_between_starts(mode):
    # ann starts as SME on day 0 and as Consumer on day 2 (a segment that varies between a
    # customer's starts: the journey table is then grouped per customer); her Consumer journey
    # considers on day 3, a day after its start
    con = build({"ann": [(0, "web", "awareness", "SME"), (2, "web", "awareness", "Consumer"),
                         (3, "web", "consideration", "Consumer"), (4, "web", "purchase", "Consumer")]}, STAGES)
    consumer = Filters(segment=("Consumer",))
    for source in ("table", "events"):
        days = funnel.days_to_step(con, consumer, mode=mode, source=source)
        assert (row(days, "web", "consideration")["median"], row(days, "web", "purchase")["median"]) == (1.0, 1.0)
    sme = funnel.days_to_step(con, Filters(segment=("SME",)), mode=mode)
    assert row(sme, "web", "consideration")["median"] == 3.0  # from day 0
