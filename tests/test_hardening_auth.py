"""Issue 18, item 10 (the write gate): a password of only spaces is no password; wrong guesses
are throttled per browser session and per client address, and logged without the guess."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from cxdata import db, demo
from cxdata.ui import auth

APP = Path(__file__).resolve().parent.parent / "dashboard.py"
UPLOAD = "pages/6_Upload.py"
PASSWORD = "correct horse battery staple"
GUESS = "hunter2-guess"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("h18auth") / "demo.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=2_000, interactions=5_000, seed=3)
    con.execute("checkpoint")
    con.close()
    return path


class Clock:
    def __init__(self) -> None:
        self.t = 1_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def cx_db(small_db, tmp_path, monkeypatch):
    path = tmp_path / "cx.duckdb"
    shutil.copy(small_db, path)
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.delenv("CX_IMPORT_PASSWORD", raising=False)
    clock = Clock()
    monkeypatch.setattr(auth, "_now", clock, raising=False)
    # fresh throttles: other tests of the process guessed too
    monkeypatch.setattr(auth, "_sessions", auth.Throttle(auth.MAX_FAILURES), raising=False)
    monkeypatch.setattr(auth, "_clients", auth.Throttle(auth.MAX_CLIENT_FAILURES), raising=False)
    st.cache_data.clear()
    yield clock
    st.cache_data.clear()


def upload_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.switch_page(UPLOAD)
    return at.run()


def attempt(at: AppTest, password: str) -> AppTest:
    at.text_input(key="cx_auth_password_input").set_value(password)
    at.get("form_submit_button")[0].click()
    return at.run()


def unlocked(at: AppTest) -> bool:
    return bool(at.get("file_uploader"))


@pytest.mark.parametrize("blank", [" ", "   ", "\t \t"])
def test_a_password_of_only_spaces_leaves_importing_off(cx_db, monkeypatch, blank):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", blank)
    assert auth.mode() == "disabled"
    at = upload_page()
    assert not at.exception
    assert any("turned off" in w.value for w in at.warning)
    assert not at.get("form_submit_button")  # nothing to type a password into
    assert not unlocked(at)


def test_wrong_guesses_are_throttled_per_session(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = upload_page()
    for i in range(auth.MAX_FAILURES):
        at = attempt(at, f"{GUESS}{i}")
        assert any("not the import password" in e.value for e in at.error)
    # the next attempt is not even checked, the right password included
    at = attempt(at, PASSWORD)
    assert not at.exception
    assert not unlocked(at)
    assert any("Too many wrong passwords" in e.value for e in at.error), [e.value for e in at.error]
    # a minute later the oldest failure has left the window
    cx_db.t += auth.WINDOW + 1
    at = attempt(at, PASSWORD)
    assert unlocked(at)


def test_wrong_guesses_are_throttled_per_client_across_sessions(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    for i in range(auth.MAX_CLIENT_FAILURES // auth.MAX_FAILURES):  # new sessions, one address
        at = upload_page()
        for j in range(auth.MAX_FAILURES):
            at = attempt(at, f"{GUESS}{i}{j}")
    at = attempt(upload_page(), PASSWORD)  # a fresh session does not get a fresh count
    assert not unlocked(at)
    assert any("Too many wrong passwords" in e.value for e in at.error)


def test_a_wrong_guess_is_logged_without_the_guess(cx_db, monkeypatch, caplog):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    with caplog.at_level(logging.WARNING, logger="cxdata.auth"):
        attempt(upload_page(), GUESS)
    records = [r for r in caplog.records if r.name == "cxdata.auth"]
    assert records and "Wrong import password" in records[0].getMessage()
    assert all(GUESS not in r.getMessage() and PASSWORD not in r.getMessage() for r in caplog.records)


def test_the_right_password_still_unlocks_and_a_rotation_still_locks(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = attempt(upload_page(), PASSWORD)
    assert unlocked(at)
    monkeypatch.setenv("CX_IMPORT_PASSWORD", "rotated")
    assert not unlocked(at.run())


def test_the_throttle_forgets_old_failures_and_stale_keys():
    t = auth.Throttle(limit=2, window=10, max_keys=3)
    assert t.wait("a", 0) == 0
    t.fail("a", 0)
    t.fail("a", 4)
    assert t.wait("a", 5) == 5  # until the failure at 0 is 10 s old
    assert t.wait("a", 10) == 0
    for k in "bcd":
        t.fail(k, 6)
    assert "a" not in t._fails and len(t._fails) == 3  # the stalest key went
