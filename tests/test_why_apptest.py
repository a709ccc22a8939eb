"""The Why page in Streamlit's AppTest on the demo database: the drivers ranking and the pain
points it draws are the library's, with the demo's planted stories on top."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from cxdata import db
from cxdata.filters import Filters
from cxdata.insight.drivers import key_drivers
from cxdata.insight.painpoints import pain_points
from cxdata.ui.text import plain

APP_ROOT = Path(__file__).resolve().parent.parent
WIDE = {"from": "2023-01-01", "to": "2026-12-31"}  # the demo's three years


def run(params: dict) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("pages/5_Why.py")
    return at.run()


def bars(at: AppTest, i: int) -> list[str]:
    """The bar labels of the i-th chart, top first (Plotly draws the first y at the bottom)."""
    spec = json.loads(at.get("plotly_chart")[i].proto.spec)
    return spec["data"][0]["y"][::-1]


def test_phone_waits_lead_the_drivers_of_phone_nps(ui_env):
    at = run(WIDE | {"channel": "phone", "drivers": "no_scores"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.radio(key="ctl_Why_kpi").value == "nps"
    assert at.radio(key="ctl_Why_drivers").value == "no_scores"
    f, _ = Filters.from_query_params(WIDE | {"channel": "phone"})
    want = key_drivers(db.connect(ui_env), f, "nps", kinds=("rating", "category"))
    assert want.drivers[0].name == "attr:wait_band"  # the planted story
    assert bars(at, 0)[0] == "wait_band (imported)"
    assert len(bars(at, 0)) == len(want.drivers)
    captions = " ".join(c.value for c in at.caption)
    assert f"n = {want.n:,}" in captions and f"R² {want.r2:.2f}" in captions
    text = " ".join(m.value for m in at.markdown)
    assert "association, not cause" in text
    assert plain("Left out: **Channel**") in text or "Left out: **Channel**" in text
    link = [pl.proto for pl in at.get("page_link") if "on Segments" in pl.proto.label]
    assert link and "dim=attr%3Await_band" in link[0].query_string and "channel=phone" in link[0].query_string


def test_chat_effort_leads_the_ces_pain_points(ui_env):
    at = run(WIDE | {"kpi": "ces"})
    assert not at.exception, [e.value for e in at.exception]
    f, _ = Filters.from_query_params(WIDE)
    want = pain_points(db.connect(ui_env), f, "ces")
    touch = [p.name for p in want.painpoints if p.level == "touchpoint"]
    cells = [p.name for p in want.painpoints if p.level == "stage x channel"]
    assert "chat" in touch[0] and cells[0].endswith("· chat")
    # charts: the drivers, then touchpoints, then stage x channel
    assert bars(at, 1)[: len(touch[:15])] == touch[:15]
    assert bars(at, 2)[: len(cells[:15])] == cells[:15]
    assert len(at.get("download_button")) >= 3
