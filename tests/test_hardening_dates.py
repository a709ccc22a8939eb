"""Issue 18, item 1: dates at the ends of the calendar in a link (or on the command line) are
clamped, with a notice, to what the data and the date arithmetic hold; no page ends in the error
box. Before: ``to=9999-12-31`` overflowed the day after the end, ``from=0001-01-01`` the previous
period of equal length, ``to=0001-01-01`` the 90 days before an end (before the sidebar drew)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxdata import db, queries
from cxdata.filters import EARLIEST, LATEST, Filters, clamp_dates

APP = Path(__file__).resolve().parent.parent / "dashboard.py"
FILTER_PAGES = [None, "pages/1_Trends.py", "pages/2_Segments.py", "pages/3_Funnel.py", "pages/4_Pyramid.py",
                "pages/5_Journeys.py", "pages/5_Why.py"]
BOUNDS = (date(2024, 1, 1), date(2026, 10, 31))


# ---- the library: Filters and clamp_dates ------------------------------------------------------
@pytest.mark.parametrize("params, expected", [
    ({"to": "9999-12-31"}, (None, BOUNDS[1])),
    ({"from": "9999-12-31"}, (BOUNDS[1], None)),
    ({"to": "0001-01-01"}, (None, BOUNDS[0])),
    ({"from": "0001-01-01", "to": "2026-01-01"}, (BOUNDS[0], date(2026, 1, 1))),
    ({"from": "0001-01-01", "to": "9999-12-31"}, BOUNDS),
], ids=["to-max", "from-max", "to-min", "from-min", "both"])
def test_a_date_past_what_the_dashboard_handles_goes_to_the_end_of_the_data(params, expected):
    f, notices = Filters.from_query_params(params, bounds=BOUNDS)
    assert (f.date_from, f.date_to) == expected
    assert len(notices) == len([k for k in params if params[k][:4] in ("0001", "9999")])
    assert all("was used" in n for n in notices), notices
    # every piece of date arithmetic the queries do now holds
    f.where_sql("responses")
    if f.date_from and f.date_to:
        assert f.previous_period() is not None


def test_without_data_the_ends_of_the_supported_range_are_used():
    f, notices = Filters.from_query_params({"from": "0001-01-01", "to": "9999-12-31"})
    assert (f.date_from, f.date_to) == (EARLIEST, LATEST) and len(notices) == 2
    f.where_sql("responses")
    f.previous_period().where_sql("responses")


def test_dates_inside_the_supported_range_are_kept_even_past_the_data():
    # a shared link for a quarter still running: its length (and so its comparison) is kept
    f, notices = Filters.from_query_params({"from": "2026-10-01", "to": "2026-12-31"}, bounds=BOUNDS)
    assert (f.date_from, f.date_to) == (date(2026, 10, 1), date(2026, 12, 31)) and not notices


def test_clamp_dates_for_the_command_line(ui_demo_db):
    """What ``kpis --to 9999-12-31`` needs: a Filters with the dates clamped and the sentence to
    print, then the KPIs without a traceback."""
    con = db.connect(ui_demo_db)
    try:
        bounds = tuple(d.date() for d in queries.date_bounds(con))
        f, notices = clamp_dates(Filters(date_to=date(9999, 12, 31)), bounds)
        assert f.date_to == bounds[1] and len(notices) == 1 and "9999-12-31" in notices[0]
        assert queries.kpi_set(con, f).nps.n > 0
        f, notices = clamp_dates(Filters(date_from=date(1, 1, 1), date_to=date(2026, 1, 1)), bounds)
        assert f.date_from == bounds[0]
        queries.kpi_summary(con, f)
        same, none = clamp_dates(Filters(date_from=date(2026, 1, 1)), bounds)
        assert same == Filters(date_from=date(2026, 1, 1)) and not none
    finally:
        con.close()


def test_the_previous_period_of_a_very_long_period_is_none_rather_than_an_overflow():
    # the date picker offers what the data holds: a file with a year-1 date must not crash it
    f = Filters(date_from=date(1, 1, 10), date_to=date(2026, 1, 1))
    assert f.previous_period() is None


# ---- every page in AppTest ---------------------------------------------------------------------
def run(page: str | None, params: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def link_notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/link_off:"]


LINKS = [{"to": "9999-12-31"}, {"from": "9999-12-31"}, {"to": "0001-01-01"},
         {"from": "0001-01-01", "to": "2026-01-01"}]


@pytest.mark.parametrize("page", FILTER_PAGES, ids=lambda p: p or "dashboard.py")
@pytest.mark.parametrize("params", LINKS, ids=["to-max", "from-max", "to-min", "from-min"])
def test_extreme_dates_in_a_link_give_a_notice_not_the_error_box(ui_env, page, params):
    at = run(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert any("was used" in n for n in link_notices(at)), link_notices(at)
    assert at.button(key="flt_reset")  # the sidebar drew: the reader can reset
    # the link written back holds the clamped dates, never the extreme ones
    written = {k: at.query_params[k] for k in at.query_params}
    assert not any(str(v).startswith(("0001", "9999")) for v in written.values()), written


def test_a_far_end_date_shows_the_default_view(ui_env):
    at = run(None, {"to": "9999-12-31"})
    plain = run(None, {})
    assert [(m.label, m.value) for m in at.metric] == [(m.label, m.value) for m in plain.metric]
    con = db.connect(ui_env)
    try:
        _, hi = queries.date_bounds(con)
    finally:
        con.close()
    assert at.query_params["to"] == hi.date().isoformat()
    assert at.query_params["from"] == (hi.date() - timedelta(days=89)).isoformat()
