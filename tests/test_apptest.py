"""The dashboard in Streamlit's AppTest: every page runs on the demo database, shows the library's
figures for the filters in its link, and treats a bad link as a notice, never an exception."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxdata import db, funnel, queries
from cxdata.filters import Filters
from cxdata.ui import charts
from cxdata.ui.text import plain

APP_ROOT = Path(__file__).resolve().parent.parent


PAGES = [None, "pages/1_Trends.py", "pages/2_Segments.py", "pages/3_Funnel.py", "pages/4_Pyramid.py",
         "pages/5_Journeys.py", "pages/5_Why.py"]


def run(page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def default_filters(path) -> Filters:
    con = db.connect(path)
    _, hi = queries.date_bounds(con)
    return Filters(date_from=hi.date() - timedelta(days=89), date_to=hi.date())


def summary(path, filters: Filters):
    return queries.kpi_summary(db.connect(path), filters)


def shown_metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def expected_metrics(s) -> dict[str, str]:
    return {"NPS": f"{s.current.nps.value:+.0f}", "CSAT": f"{s.current.csat.value:.0f}%",
            "CES": f"{s.current.ces.mean:.1f}"}


def link_notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/link_off:" or "from the link" in w.value]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "dashboard.py")
def test_every_page_runs_and_shows_real_charts(ui_env, page):
    at = run(page)
    assert not at.exception, [e.value for e in at.exception]
    charts_drawn = at.get("plotly_chart")
    assert len(charts_drawn) >= 2
    f = default_filters(ui_env)
    # The default view is the last 90 days of data, written to the link so it is stable.
    assert at.query_params["from"] == [f.date_from.isoformat()] or at.query_params["from"] == f.date_from.isoformat()
    captions = " ".join(c.value for c in at.caption)
    assert "Data last imported" in captions
    assert "n \\= " in captions or "n = " in captions
    assert len(at.get("download_button")) >= 1
    assert not link_notices(at)  # nothing wrong with an empty link
    links = {pl.proto.page: pl.proto.query_string for pl in at.get("page_link")}
    assert set(links) >= {"Trends", "Segments", "Funnel", "Pyramid", "Journeys", "Why", "Settings"}
    analysis = ("Overview", "Trends", "Segments", "Funnel", "Pyramid", "Journeys", "Why")
    assert all(f"from={f.date_from.isoformat()}" in qs for name, qs in links.items() if name in analysis)
    if page is None:
        assert shown_metrics(at) == expected_metrics(summary(ui_env, f))


def test_overview_shows_the_library_figures_for_the_link(ui_env):
    params = {"from": "2026-05-01", "to": "2026-07-31", "channel": ["web", "app"], "segment": "SME"}
    at = run(None, params)
    assert not at.exception
    f, notices = Filters.from_query_params(params)
    assert not notices
    s = summary(ui_env, f)
    assert shown_metrics(at) == expected_metrics(s)
    captions = " ".join(c.value for c in at.caption)
    assert f"n = {s.current.nps.n:,}" in captions
    assert at.query_params["channel"] == ["app", "web"]
    # The change against the previous period says "within the noise" unless the library says otherwise.
    deltas = {m.label: m.proto.delta_description if hasattr(m.proto, "delta_description") else ""
              for m in at.metric}
    for kpi, label in (("nps", "NPS"), ("csat", "CSAT"), ("ces", "CES")):
        if deltas[label]:
            assert deltas[label] == s.changes[kpi].words


def test_trends_controls_come_from_the_link_and_go_back_to_it(ui_env):
    at = run("pages/1_Trends.py", {"kpi": "csat", "grain": "month", "split": "channel", "region": "Lazio"})
    assert not at.exception
    assert at.radio(key="ctl_Trends_kpi").value == "csat"
    assert at.radio(key="ctl_Trends_grain").value == "month"
    assert at.selectbox(key="ctl_Trends_split").value == "channel"
    assert at.multiselect(key="flt_region").value == ["Lazio"]
    at.radio(key="ctl_Trends_grain").set_value("quarter").run()
    assert at.query_params["grain"] == ["quarter"] or at.query_params["grain"] == "quarter"
    assert at.query_params["region"] in (["Lazio"], "Lazio")
    assert not at.exception


def test_a_malformed_link_gives_notices_and_the_default_view(ui_env):
    params = {"from": "yesterday", "channel": ["fax", "web"], "grain": "fortnight", "attr": "nocolon"}
    at = run("pages/1_Trends.py", params)
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "from" in text and "fax" in text and "fortnight" in text and "attr" in text
    f = default_filters(ui_env)
    assert at.query_params["from"] in ([f.date_from.isoformat()], f.date_from.isoformat())
    assert at.query_params["channel"] in (["web"], "web")
    assert "grain" not in at.query_params and "attr" not in at.query_params
    assert len(at.get("plotly_chart")) >= 1


def test_changing_a_filter_changes_the_link_and_the_figures(ui_env):
    at = run()
    before = shown_metrics(at)
    at.multiselect(key="flt_channel").set_value(["store"]).run()
    assert not at.exception
    assert at.query_params["channel"] in (["store"], "store")
    f = default_filters(ui_env).replace(channel=["store"])
    assert shown_metrics(at) == expected_metrics(summary(ui_env, f))
    assert shown_metrics(at) != before


def test_a_filter_that_matches_nothing_says_so(ui_env):
    at = run("pages/2_Segments.py", {"from": "2001-01-01", "to": "2001-01-31"})
    assert not at.exception
    assert any("No survey responses match" in i.value for i in at.info)
    for page in [None, "pages/1_Trends.py", "pages/3_Funnel.py", "pages/4_Pyramid.py"]:
        at = run(page, {"from": "2001-01-01", "to": "2001-01-31"})
        assert not at.exception
        assert at.info, page


def test_segments_breaks_down_by_an_imported_attribute(ui_env):
    key = queries.attribute_keys(db.connect(ui_env))[0]
    at = run("pages/2_Segments.py", {"dim": f"attr:{key}", "rows": "segment", "cols": f"attr:{key}"})
    assert not at.exception
    assert not link_notices(at)
    assert at.selectbox(key="ctl_Segments_dim").value == f"attr:{key}"
    assert len(at.get("plotly_chart")) == 2


def test_funnel_names_the_worst_step_and_pyramid_takes_the_six_level_model(ui_env):
    at = run("pages/3_Funnel.py", {"window": "7"})
    assert not at.exception
    assert at.radio(key="ctl_Funnel_window").value == 7
    worst = funnel.worst_step(funnel.funnel_steps(db.connect(ui_env), default_filters(ui_env), window_days=7))
    assert worst is not None
    assert plain(worst.words) in [w.value for w in at.warning]
    at = run("pages/4_Pyramid.py", {"model": "6", "by": "segment"})
    assert not at.exception
    assert at.radio(key="ctl_Pyramid_model").value == 6
    assert len(at.get("plotly_chart")) == 3


def test_funnel_across_two_channels_is_drawn_from_its_two_parts(ui_env):
    import plotly.io as pio
    from helpers.plotly_data import values

    at = run("pages/3_Funnel.py", {"channel": ["web", "app"], "window": "14"})
    assert not at.exception, [e.value for e in at.exception]
    f = default_filters(ui_env).replace(channel=("web", "app"))
    assert funnel.split_across(f)
    whole = funnel.funnel_steps(db.connect(ui_env), f, window_days=14)
    across = whole[whole["channel"] == funnel.ALL_CHANNELS]
    # The page asks for the per-channel funnels, draws them, then asks for the one across both.
    drawn = {fig.data[0].type: fig for fig in (pio.from_json(c.proto.spec) for c in at.get("plotly_chart"))}
    per_chart, across_chart = drawn["bar"], drawn["funnel"]
    assert {t.name for t in per_chart.data} == {"app", "web"}
    assert values(across_chart.data[0].x) == across["customers"].tolist()
    assert across["customers"].iloc[0] > 0
    # both charts' captions give the starters across the two channels; the table has both parts
    starters = f"n = {across['customers'].iloc[0]:,}"
    assert sum(starters in c.value.replace("\\", "") for c in at.caption) == 2, [c.value for c in at.caption]
    table = at.dataframe[0].value
    assert list(table.index) == [funnel.ALL_CHANNELS, "app", "web"]
    worst = funnel.worst_step(whole)
    assert worst is not None and plain(worst.words) in [w.value for w in at.warning]


def test_a_busy_database_gives_one_sentence(ui_env, tmp_path, monkeypatch):
    from helpers.busy import held

    path = tmp_path / "busy.duckdb"
    with held(path):
        monkeypatch.setenv("CX_DB", str(path))
        at = run()
        assert not at.exception
        assert at.error and "in use by another process" in at.error[0].value


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("web", "web"), ("", ""),
])
def test_csv_downloads_neutralise_formula_cells(cell, safe):
    import pandas as pd

    out = charts.neutralise(pd.DataFrame({"label": [cell], "nps": [-12.5]}))
    assert out["label"][0] == safe
    assert out["nps"][0] == -12.5  # numbers stay numbers


def test_first_load_fills_in_the_default_dates():
    from cxdata.ui import sidebar

    bounds = (date(2024, 1, 1), date(2026, 10, 31))
    none = {k: [] for k in sidebar.LABELS}
    f, notices = sidebar.first_load({}, bounds, none, {})
    assert (f.date_from, f.date_to) == (date(2026, 8, 3), date(2026, 10, 31)) and not notices
    f, _ = sidebar.first_load({"to": ["2026-06-30"]}, bounds, none, {})
    assert (f.date_from, f.date_to) == (date(2026, 4, 2), date(2026, 6, 30))
    f, _ = sidebar.first_load({"from": ["2026-09-01"]}, bounds, none, {})
    assert (f.date_from, f.date_to) == (date(2026, 9, 1), date(2026, 10, 31))


def test_labels_from_data_are_shown_as_text():
    from cxdata.ui.figures import esc

    assert plain("[x](javascript:alert(1)) :red[y] $z$") == \
        "\\[x\\]\\(javascript\\:alert\\(1\\)\\) \\:red\\[y\\] \\$z\\$"
    assert esc('<a href="x">web</a> & co') == '&lt;a href="x"&gt;web&lt;/a&gt; &amp; co'
