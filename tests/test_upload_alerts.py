"""An import that makes an alert fire says so in its summary on the Upload page, with a link to the
view that shows it (issue 20: alerts are evaluated after every import)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tiny import tiny_db
from streamlit.testing.v1 import AppTest

import cxdata

APP_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"


@pytest.fixture
def june_db(tmp_path, monkeypatch) -> Path:
    """40 phone answers in June 2025, every one satisfied (CSAT 5): no month before June, so no
    alert yet."""
    import streamlit as st

    path = tmp_path / "cx.duckdb"
    con = cxdata.connect(path)
    tiny_db("responses", ("response_id", "responded_at", "channel", "csat"),
            [(f"j{i}", f"2025-06-{1 + i % 28:02d} 10:00", "phone", 5) for i in range(40)], con=con)
    con.close()
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def july_csv() -> bytes:
    """40 phone answers in July 2025 up to the 31st (a complete month), 30 of them unsatisfied (CSAT
    25% against 100% in June)."""
    rows = ["response_id,responded_at,channel,csat"]
    rows += [f"k{i},2025-07-{31 - i % 31:02d} 10:00,phone,{2 if i < 30 else 5}" for i in range(40)]
    return ("\n".join(rows) + "\n").encode()


def test_the_import_summary_lists_the_alert_it_set_off(june_db):
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/6_Upload.py")
    at = at.run()
    at.text_input(key="cx_auth_password_input").set_value(PASSWORD)
    at.get("form_submit_button")[0].click()
    at = at.run()
    at.get("file_uploader")[0].set_value(("july.csv", july_csv(), "text/csv"))
    at = at.run()
    at.button(key="upload_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    warning = next(w.value for w in at.warning if "new alert" in w.value)
    # July against June: 100% -> 25% (n 40 -> 40), overall and for channel phone (the same rows)
    assert warning.startswith("2 new alerts")
    links = [p.proto for p in at.get("page_link") if p.proto.label.startswith("CSAT")]
    assert len(links) == 2 and all("100% → 25%" in p.label.replace("\\", "") for p in links)  # md-escaped
    assert sum("channel=phone" in p.query_string for p in links) == 1
    assert all("from=2025-06-01" in p.query_string and "kpi=csat" in p.query_string for p in links)
