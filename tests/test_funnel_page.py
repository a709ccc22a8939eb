"""The Funnel page's step order, time to convert and scores along the journey in AppTest: the
order lives in the link (``order=any``), and every figure drawn is the library's for the link."""

from __future__ import annotations

import plotly.io as pio
from helpers.plotly_data import values
from test_apptest import default_filters, link_notices, run

from cxdata import db, funnel, queries
from cxdata.filters import Filters
from cxdata.funnel import scores
from cxdata.ui import funnels

ORDER = "ctl_Funnel_order"


def charts(at) -> dict:
    """The page's charts by their first trace's type (funnel, bar, box, scatter)."""
    return {fig.data[0].type: fig for fig in (pio.from_json(c.proto.spec) for c in at.get("plotly_chart"))}


def web_bars(at) -> list:
    return next(values(t.y) for t in charts(at)["bar"].data if t.name == "web")


def from_start(steps, channel: str) -> list:
    return steps[steps["channel"] == channel].sort_values("step")["from_start"].tolist()


def test_any_order_round_trips_the_link(ui_env):
    con = db.connect(ui_env)
    lo, hi = (d.date() for d in queries.date_bounds(con))
    link = {"order": "any", "window": "90", "from": lo.isoformat(), "to": hi.isoformat()}
    at = run("pages/3_Funnel.py", link)
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key=ORDER).value == "any"
    assert at.query_params["order"] in (["any"], "any")
    f = Filters(date_from=lo, date_to=hi)
    anyway = funnel.funnel_steps(con, f, window_days=90, mode="any")
    strict = funnel.funnel_steps(con, f, window_days=90)
    # over the demo's three years a few web journeys skip back: the modes differ there
    assert from_start(anyway, "web") != from_start(strict, "web")
    assert web_bars(at) == from_start(anyway, "web")
    assert values(charts(at)["funnel"].data[0].x) == funnels.overall(anyway)["customers"].tolist()
    # switching back to the strict order drops the key from the link and redraws the funnel
    at.radio(key=ORDER).set_value("strict").run()
    assert "order" not in at.query_params
    assert web_bars(at) == from_start(strict, "web")
    # ... and choosing any order puts it in the link again
    at.radio(key=ORDER).set_value("any").run()
    assert at.query_params["order"] in (["any"], "any")
    assert web_bars(at) == from_start(anyway, "web")


def test_a_bad_order_in_the_link_is_a_notice(ui_env):
    at = run("pages/3_Funnel.py", {"order": "sideways"})
    assert not at.exception
    assert at.radio(key=ORDER).value == "strict"
    assert any("order=sideways" in n.replace("\\", "") for n in link_notices(at))


def test_time_to_convert_and_scores_are_the_library_figures(ui_env):
    at = run("pages/3_Funnel.py", {"window": "14", "order": "any"})
    assert not at.exception, [e.value for e in at.exception]
    con, f = db.connect(ui_env), default_filters(ui_env)
    days = funnel.days_to_step(con, f, window_days=14, mode="any")
    boxes = charts(at)["box"]
    across = days[(days["channel"] == funnel.ALL_CHANNELS) & (days["n"] > 0)]
    assert boxes.data[0].name == funnel.ALL_CHANNELS
    assert values(boxes.data[0].median) == across["median"].tolist()
    assert values(boxes.data[0].q3) == across["p75"].tolist()
    # the within-7-days table under the chart, after the conversion table
    within = at.dataframe[1].value
    assert within.loc[funnel.ALL_CHANNELS].tolist() == across["within_7"].round(1).tolist()
    steps = funnel.funnel_steps(con, f, window_days=14, mode="any")
    along = scores.along_journey(steps, scores.stage_scores(con, f))
    loss = scores.biggest_loss(along)
    assert loss is not None
    assert any(scores.loss_words(loss).split(";")[0] in i.value.replace("\\", "") for i in at.info)
    dots = charts(at)["scatter"]
    shown = along[(along["channel"] == funnel.ALL_CHANNELS) & along["lost_after"].notna()]
    assert values(dots.data[0].y) == shown["nps"].tolist()


def test_on_a_large_database_the_steps_are_timed_when_asked(ui_env, monkeypatch):
    """Above ``TIMING_ASKS_ABOVE`` events the funnel is drawn at once and the days of each step wait
    for a click (they take seconds at 50M events); the click draws the library's figures."""
    from cxdata.ui import funnel_state

    monkeypatch.setattr(funnel_state, "TIMING_ASKS_ABOVE", 10)  # the test set counts as large
    at = run("pages/3_Funnel.py")
    assert not at.exception, [e.value for e in at.exception]
    assert "funnel" in charts(at) and "box" not in charts(at)  # the funnel, not yet the timing
    assert any("journey events the days of each step" in c.value for c in at.caption)
    at.button(key="funnel_timing_go").click().run()
    assert not at.exception
    box = charts(at)["box"]
    days = funnel.days_to_step(db.connect(ui_env), default_filters(ui_env), window_days=funnels.DEFAULT_WINDOW)
    assert len(box.data) >= 1 and int(days["n"].sum()) > 0
    assert funnels.converters(days) > 0
