"""The Settings page in Streamlit's AppTest: everyone reads the definitions; only an unlocked
session changes them, all values checked before any is written; the Trends page then draws the
target. And ``settings.update`` itself, from literal values."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.tiny import tiny_db
from streamlit.testing.v1 import AppTest

import cxdata
from cxdata import settings

APP_ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery staple"
SETTINGS = "pages/8_Settings.py"


@pytest.fixture
def cx_db(tmp_path, monkeypatch) -> Path:
    import streamlit as st

    path = tmp_path / "cx.duckdb"
    con = cxdata.connect(path)
    tiny_db("responses", ("response_id", "responded_at", "nps"), [("a", "2025-01-05", 10), ("b", "2025-01-06", 0)],
            con=con)
    con.close()
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.delenv("CX_IMPORT_PASSWORD", raising=False)
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def run(page: str) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=90)
    at.switch_page(page)
    return at.run()


def stored(path: Path) -> dict:
    con = cxdata.connect(path)
    try:
        return {k: settings.get_setting(con, k) for k in settings.EDITABLE}
    finally:
        con.close()


def test_update_checks_every_value_before_writing_any():
    con = cxdata.connect(":memory:")
    v0 = settings.data_version(con)
    assert settings.update(con, {"target_nps": "25", "ces_direction": "effort"}) == ["target_nps"]
    assert settings.get_target(con, "nps") == 25.0 and settings.data_version(con) == v0 + 1
    with pytest.raises(ValueError, match="target_ces"):
        settings.update(con, {"target_csat": "70", "target_ces": "9"})
    assert settings.get_target(con, "csat") is None  # the good value before the bad one: not written
    assert settings.update(con, {"target_nps": "25"}) == [] and settings.data_version(con) == v0 + 1
    assert settings.update(con, {"target_nps": None}) == ["target_nps"] and settings.get_target(con, "nps") is None
    with pytest.raises(ValueError, match="not a setting"):
        settings.update(con, {"import_password": "x"})


def test_everyone_reads_the_definitions_nobody_locked_changes_them(cx_db):
    at = run(SETTINGS)
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown)
    assert "promoters answer 9-10" in text and "fewer than 30 answers" in text and "Targets**: none set" in text
    assert not at.get("form_submit_button") or all(b.label != "Save" for b in at.get("form_submit_button"))
    assert any("turned off" in w.value for w in at.warning)


def test_an_unlocked_session_sets_targets_and_the_ces_scale(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = run(SETTINGS)
    at.text_input(key="cx_auth_password_input").set_value(PASSWORD)
    at.get("form_submit_button")[0].click()
    at = at.run()
    before = stored(cx_db)
    at.text_input(key="cx_set_target_nps").set_value("30")
    at.text_input(key="cx_set_target_csat").set_value("140")  # out of range: nothing is written
    at.radio[0].set_value("ease")
    at = next(b for b in at.get("form_submit_button") if b.label == "Save").click().run()
    # the message echoes the typed value: Markdown-escaped (text.plain)
    assert any("target_csat is a number from 0 to 100" in e.value.replace("\\", "") for e in at.error)
    assert stored(cx_db) == before  # the good values typed with the bad one were not written either
    at.text_input(key="cx_set_target_csat").set_value("")
    at = next(b for b in at.get("form_submit_button") if b.label == "Save").click().run()
    assert not at.error, [e.value for e in at.error]
    got = stored(cx_db)
    assert float(got["target_nps"]) == 30.0 and got["ces_direction"] == "ease" and got["target_csat"] is None
    assert any("Saved" in s.value for s in at.success)
    assert "NPS target 30" in " ".join(m.value for m in at.markdown)
