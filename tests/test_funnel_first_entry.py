"""The funnel of a period, read off ``journey_starts``: a start counts when it is its customer's
first entry in the period, and a step when it comes within the window and before the period ends."""

from datetime import date

from helpers.journeys import JANUARY, STAGES, WINDOW_EDGES, build, counts, no_segment, strategies

from cxdata import funnel
from cxdata.filters import Filters

FIRST_ENTRIES = ["count_first_entries"]


def test_window_and_period_end_to_the_microsecond():
    con = build(WINDOW_EDGES, STAGES, segment_of=no_segment)
    assert strategies(con, JANUARY, source="table") == FIRST_ENTRIES
    assert counts(funnel.funnel_steps(con, JANUARY, window_days=7, source="table"), "web") == [2, 2, 0]
    # a day more of window lets ann's purchase in; bo's is still after the end of the period
    assert counts(funnel.funnel_steps(con, JANUARY, window_days=8, source="table"), "web") == [2, 2, 1]


def test_a_period_after_every_entry_is_empty():
    con = build({
        "alice": [(0, "web", "awareness"), (1, "web", "consideration")],
        "zed": [(0, "web", "awareness")],
    }, STAGES)
    late = Filters(date_from=date(2024, 3, 2))  # after everyone's awareness
    assert strategies(con, late) == FIRST_ENTRIES
    assert funnel.funnel_steps(con, late).empty
