"""The Trends page's moving average, year-earlier line and target: figures by hand from literal rows,
and the page drawing them from its link."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import plotly.io as pio
import pytest
from helpers.plotly_data import values
from helpers.tiny import tiny_db
from streamlit.testing.v1 import AppTest

import cxdata
from cxdata import settings, trends
from cxdata.filters import Filters

APP_ROOT = Path(__file__).resolve().parent.parent
COLS = ("response_id", "responded_at", "channel", "nps")


def rows():
    # Jan 2025: 10, 0 (P1 D1); Feb: none; Mar: 9, 9, 5 (P2 D1); Apr: 7 (passive)
    # Jan 2024: 10, 10, 10, 0 (P3 D1); Mar 2024: 3 (D1)
    out = [("a1", "2025-01-10", "web", 10), ("a2", "2025-01-20", "web", 0),
           ("c1", "2025-03-02", "web", 9), ("c2", "2025-03-03", "app", 9), ("c3", "2025-03-04", "web", 5),
           ("d1", "2025-04-05", "web", 7),
           ("y1", "2024-01-03", "web", 10), ("y2", "2024-01-04", "web", 10), ("y3", "2024-01-05", "web", 10),
           ("y4", "2024-01-06", "web", 0), ("y5", "2024-03-07", "web", 3)]
    return out


@pytest.fixture
def con():
    return tiny_db("responses", COLS, rows())


def test_moving_average_pools_the_answers_of_the_window(con):
    f = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 4, 30))
    ma = trends.moving_average(con, f, "month", 3).set_index("period")
    # First full window ends in March: Jan + (empty) Feb + Mar = 10, 0, 9, 9, 5: P 3, D 2, n 5 -> +20
    assert list(ma.index) == [pd_ts("2025-03-01"), pd_ts("2025-04-01")]
    assert ma.loc[pd_ts("2025-03-01"), "nps"] == pytest.approx((3 - 2) / 5 * 100)
    assert ma.loc[pd_ts("2025-03-01"), "nps_n"] == 5
    # Feb + Mar + Apr = 9, 9, 5, 7: P 2, D 1, n 4 -> +25 (a mean of the monthly figures would say
    # ((+33.3) + (+0)) / 2 or so: pooling weighs each answer once)
    assert ma.loc[pd_ts("2025-04-01"), "nps"] == pytest.approx((2 - 1) / 4 * 100)
    assert ma.loc[pd_ts("2025-04-01"), "nps_n"] == 4


def test_moving_average_per_group_of_a_split(con):
    f = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 4, 30))
    ma = trends.moving_average(con, f, "month", 3, "channel")
    web = ma[ma["split"] == "web"].set_index("period")
    # web Jan-Mar: 10, 0, 9, 5: P 2, D 2 -> 0; app: only 9 in March -> +100, n 1
    assert web.loc[pd_ts("2025-03-01"), "nps"] == pytest.approx(0.0)
    app = ma[ma["split"] == "app"].set_index("period")
    assert app.loc[pd_ts("2025-03-01"), "nps"] == pytest.approx(100.0) and app.loc[pd_ts("2025-03-01"), "nps_n"] == 1


def test_year_earlier_is_drawn_at_the_period_it_is_compared_with(con):
    f = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    ye = trends.year_earlier(con, f, "month").set_index("period")
    # Jan 2024 (10, 10, 10, 0: +50, n 4) at Jan 2025; Mar 2024 (3: -100, n 1) at Mar 2025
    assert ye.loc[pd_ts("2025-01-01"), "nps"] == pytest.approx(50.0) and ye.loc[pd_ts("2025-01-01"), "nps_n"] == 4
    assert ye.loc[pd_ts("2025-03-01"), "nps"] == pytest.approx(-100.0)
    assert pd_ts("2024-01-01") not in ye.index  # only the year before the view's dates


def test_year_earlier_of_a_week_is_52_weeks_back():
    con = tiny_db("responses", COLS, [("a", "2025-03-05", "web", 10),  # Wed of the week of Mon 3 Mar 2025
                                      ("b", "2024-03-06", "web", 0)])  # Wed of the week of Mon 4 Mar 2024
    f = Filters(date_from=date(2025, 3, 3), date_to=date(2025, 3, 9))
    ye = trends.year_earlier(con, f, "week")
    # 3 Mar 2025 - 364 days = 4 Mar 2024, a Monday: its week's answer is drawn at 3 Mar 2025
    assert list(ye["period"]) == [pd_ts("2025-03-03")] and ye["nps"].iloc[0] == pytest.approx(-100.0)


def test_targets_come_from_the_settings(con):
    assert trends.targets(con) == {}
    settings.set_setting(con, "target_nps", "30")
    settings.set_setting(con, "target_ces", "2.5")
    assert trends.targets(con) == {"nps": 30.0, "ces": 2.5}


def test_window_outside_the_choices_is_refused(con):
    with pytest.raises(ValueError):
        trends.moving_average(con, Filters(), "month", 5)


def pd_ts(s: str):
    import pandas as pd

    return pd.Timestamp(s)


def test_trends_page_draws_the_lines_its_link_asks_for(tmp_path, monkeypatch):
    import streamlit as st

    path = tmp_path / "t.duckdb"
    con = cxdata.connect(path)
    tiny_db("responses", COLS, rows(), con=con)
    settings.set_setting(con, "target_nps", "30")
    con.close()
    monkeypatch.setenv("CX_DB", str(path))
    st.cache_data.clear()
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=90)
    for k, v in {"from": "2025-01-01", "to": "2025-04-30", "grain": "month", "ma": "3", "compare": "year"}.items():
        at.query_params[k] = v
    at.switch_page("pages/1_Trends.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    fig = pio.from_json(at.get("plotly_chart")[0].proto.spec)
    traces = {t.name: t for t in fig.data}
    avg = traces["3-month average"]
    assert values(avg.y) == pytest.approx([20.0, 25.0])  # by hand above
    earlier = traces["a year earlier"]
    assert values(earlier.y) == pytest.approx([50.0, -100.0])
    assert any(s.y0 == 30 and s.y1 == 30 for s in fig.layout.shapes)  # the target line
    caption = " ".join(c.value for c in at.caption)
    assert "pooled" in caption and "a year earlier" in caption and "the target, +30" in caption
    assert at.query_params["ma"] == ["3"] or at.query_params["ma"] == "3"  # still in the link
    st.cache_data.clear()
