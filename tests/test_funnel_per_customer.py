"""The funnel from each customer's first entry found by a group-by: over the filtered events (a
filter that selects events, or ``source="events"``), or over ``journey_starts`` when a segment
filter selects some of a customer's starts and not others."""

from helpers.journeys import JANUARY, STAGES, WINDOW_EDGES, build, counts, no_segment, strategies

from cxdata import funnel
from cxdata.filters import Filters


def test_window_and_period_end_to_the_microsecond_from_the_events():
    con = build(WINDOW_EDGES, STAGES, segment_of=no_segment)
    assert strategies(con, JANUARY, source="events") == strategies(con, Filters(), source="events") \
        == ["count_from_events"]
    assert counts(funnel.funnel_steps(con, JANUARY, window_days=7, source="events"), "web") == [2, 2, 0]
    # a day more of window lets ann's purchase in; bo's is still after the end of the period
    assert counts(funnel.funnel_steps(con, JANUARY, window_days=8, source="events"), "web") == [2, 2, 1]
    # with no end to the period, bo's purchase (12 hours after the start) counts too
    assert counts(funnel.funnel_steps(con, Filters(), window_days=8, source="events"), "web") == [2, 2, 2]
    assert counts(funnel.funnel_steps(con, Filters(), window_days=0, source="events"), "web") == [2, 0, 0]


def test_a_segment_that_changes_between_starts_selects_starts():
    # zoe entered as an SME and, 40 days later, as a Consumer: each segment sees its own first entry
    con = build({"zoe": [(0, "web", "awareness", "SME"), (1, "web", "consideration", "SME"),
                         (40, "web", "awareness", "Consumer"), (41, "web", "consideration", "Consumer"),
                         (42, "web", "purchase", "Consumer")]}, STAGES)
    for segment, expected in (("Consumer", [1, 1, 1]), ("SME", [1, 1, 0])):
        f = Filters(segment=(segment,))
        assert strategies(con, f) == ["count_from_starts"]
        assert counts(funnel.funnel_steps(con, f), "web") == expected
        assert counts(funnel.funnel_steps(con, f, source="events"), "web") == expected
