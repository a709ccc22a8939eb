"""The alert banner and the comment themes in Streamlit's AppTest on the demo database: what they
draw is the library's, and customers' words reach the figures escaped."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxdata import db
from cxdata.filters import Filters
from cxdata.insight import alerts, themes
from cxdata.ui import alerts_view, themes_view

SCRIPT = Path(__file__).resolve().parent / "helpers" / "insight_app.py"
APP_ROOT = SCRIPT.parents[2]
AS_OF = date(2025, 8, 1)
WIDE = {"from": "2023-01-01", "to": "2026-12-31"}  # the demo's three years


@pytest.fixture(scope="module")
def app():
    """The script, copied next to dashboard.py for the run: Streamlit finds the pages a link
    names relative to the entry file."""
    path = APP_ROOT / f".apptest_insight_{os.getpid()}.py"
    shutil.copy(SCRIPT, path)
    yield path
    path.unlink(missing_ok=True)


def run(app: Path, params: dict) -> AppTest:
    at = AppTest.from_file(str(app), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


@pytest.fixture
def own_db(ui_env, tmp_path, monkeypatch) -> Path:
    """A copy of the demo database (targets are set in it), as CX_DB."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(ui_env, path)
    monkeypatch.setenv("CX_DB", str(path))
    return path


def test_the_banner_lists_the_library_alerts_with_their_links(app, own_db):
    con = db.connect(own_db)
    db.set_setting(con, "target_nps", "60")  # far above the demo's NPS: every scope misses it
    db.bump_data_version(con)
    want = alerts.evaluate(con, AS_OF)["alerts"]
    con.close()
    assert len(want) > 5
    at = run(app, {})
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert f"{len(want)} alerts" in text and "Benjamini-Hochberg" in text
    shown = [pl.proto for pl in at.get("page_link") if pl.proto.icon == ":material/trending_down:"]
    assert len(shown) == 5
    assert [p.label for p in shown] == [alerts_view.label(a) for a in want[:5]]
    assert shown[0].page == "Trends" and shown[0].query_string == want[0]["link"].split("?", 1)[1]
    assert f"and {len(want) - 5} more" in " ".join(c.value for c in at.caption)


def test_no_banner_without_alerts(app, ui_env):
    con = db.connect(ui_env)
    fired = alerts.evaluate(con, AS_OF)["alerts"]
    con.close()
    at = run(app, {})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert ("alert" in text) == bool(fired)


@pytest.mark.parametrize("kpi", ["nps", "csat"])
def test_themes_are_the_library_themes(app, ui_env, kpi):
    con = db.connect(ui_env)
    f, _ = Filters.from_query_params(WIDE | {"channel": "phone"})
    want = themes.themes(con, f, kpi)
    con.close()
    at = run(app, WIDE | {"kpi": kpi, "channel": "phone"})
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert f"{want['n_comments']:,} comments" in captions
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert [c["data"][0]["y"][::-1] for c in charts] == [[t["term"] for t in want[s]] for s in ("low", "high") if want[s]]
    if kpi == "nps":
        assert want["low"][0]["term"] == "attesa"  # the planted story: long phone waits


def test_examples_reach_the_figure_escaped():
    items = [{"term": "attesa", "count": 12, "z": 3.2, "examples": ["<b>attesa</b> 100% %{x}"]}]
    fig = themes_view.theme_bars(items, "t", "#000000")
    hover = fig.data[0].customdata[0][0]
    assert "<b>" not in hover and "&lt;b&gt;" in hover and "&#37;{x}" in hover
