"""Which strategy answers a funnel, as a table: filters and source in, strategies out."""

from datetime import date

import pytest
from helpers.journeys import STAGES, build, strategies

from cxdata import funnel
from cxdata.filters import Filters


@pytest.fixture(scope="module")
def con():
    # one segment per customer: the journey dimensions are constant, the shortcuts are exact
    return build({"alice": [(0, "web", "awareness"), (1, "app", "consideration")],
                  "zed": [(0, "app", "awareness"), (2, "app", "purchase")]}, STAGES)


@pytest.mark.parametrize("filters, kw, expected", [
    (Filters(), {}, ["sum_first_reach"]),
    (Filters(segment=("SME",)), {}, ["sum_first_reach"]),
    (Filters(channel=("web",)), {}, ["sum_first_reach"]),
    (Filters(date_from=date(2024, 3, 1)), {}, ["count_first_entries"]),
    (Filters(date_to=date(2024, 3, 31)), {}, ["count_first_entries"]),
    (Filters(channel=("web", "app")), {}, ["sum_first_reach", "walk_across"]),
    (Filters(channel=("web", "app")), {"per_channel": False}, ["walk_across"]),
    (Filters(channel=("web", "app")), {"across_channels": False}, ["sum_first_reach"]),
    (Filters(channel=("web",)), {"across_channels": False}, ["sum_first_reach"]),
    (Filters(touchpoint=("checkout",)), {}, ["count_from_events"]),
    (Filters(channel=("web", "app"), touchpoint=("checkout",)), {}, ["count_from_events"]),
    (Filters(), {"source": "events"}, ["count_from_events"]),
    (Filters(), {"source": "table"}, ["sum_first_reach"]),
])
def test_the_strategies_chosen(con, filters, kw, expected):
    assert strategies(con, filters, **kw) == expected


@pytest.mark.parametrize("filters, table, split, slow", [
    (Filters(), True, False, False),
    (Filters(channel=("web",)), True, False, False),
    (Filters(channel=("web", "app")), True, True, True),
    (Filters(touchpoint=("checkout",)), False, False, True),
    (Filters(channel=("web", "app"), touchpoint=("checkout",)), False, False, True),
])
def test_what_a_page_is_told(filters, table, split, slow):
    assert funnel.uses_journey_table(filters) is table
    assert funnel.split_across(filters) is split
    assert funnel.reads_events(filters) is slow


def test_the_table_cannot_be_forced_on_filters_that_select_events(con):
    with pytest.raises(ValueError, match="cannot answer"):
        funnel.funnel_steps(con, Filters(touchpoint=("checkout",)), source="table")
    with pytest.raises(ValueError, match="cannot answer"):
        funnel.funnel_steps(con, Filters(), source="table", stages=list(reversed(STAGES)))
