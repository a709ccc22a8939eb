"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


# ==== a database for a test (issue 23: one helper, not one per file) ==========================
@pytest.fixture
def con():
    """An empty in-memory database, with the importer's one-file cache forgotten before and after
    (a test file that needs rows defines its own ``con`` or uses ``helpers.tiny.tiny_db``)."""
    from cxdata import db
    from cxdata.ingest import pipeline

    pipeline.forget_last()
    c = db.connect(":memory:")
    yield c
    c.close()
    pipeline.forget_last()


# ==== one headless Chromium per test module (the browser tests) ================================
@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (``helpers.e2e``); the test files skip themselves
    where either is missing."""
    from helpers import e2e

    sync_api = pytest.importorskip("playwright.sync_api")
    with e2e.chromium(sync_api) as b:
        yield b


# ==== response sources (issue 5) ===============================================================
@pytest.fixture(params=["daily", "plain"])
def response_source(request):
    """Run the test against the daily count tables (the default path) and against the plain
    queries over ``responses``: both must give the hand-computed figures."""
    from cxdata import cube

    if request.param == "plain":
        with cube.plain_queries():
            yield request.param
    else:
        yield request.param


# ==== UI fixtures (issue 3: AppTest and Playwright) ===========================================
# A small demo database built once per session; the dashboard finds it through CX_DB.
UI_DEMO_RESPONSES = 20_000
UI_DEMO_INTERACTIONS = 100_000


@pytest.fixture(scope="session")
def ui_demo_db(tmp_path_factory) -> Path:
    from cxdata import db, demo

    path = tmp_path_factory.mktemp("ui") / "demo.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=UI_DEMO_RESPONSES, interactions=UI_DEMO_INTERACTIONS, seed=7)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture(scope="module")
def server_demo_db(ui_demo_db, tmp_path_factory) -> Path:
    """A copy of the demo database for a real server (the browser tests). Not ``ui_demo_db``
    itself: the AppTest runs of this pytest process keep Streamlit's cached connection to it open
    for writing, and DuckDB lets only one process hold a file so; the server would then say the
    database is busy, whatever the order the test files run in."""
    import shutil

    path = tmp_path_factory.mktemp("served") / "demo.duckdb"
    shutil.copy(ui_demo_db, path)
    return path


@pytest.fixture
def ui_env(ui_demo_db, monkeypatch) -> Path:
    """CX_DB pointing at the demo database, and Streamlit's caches empty."""
    import streamlit as st

    monkeypatch.setenv("CX_DB", str(ui_demo_db))
    st.cache_data.clear()
    yield ui_demo_db
    st.cache_data.clear()


os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
# ==== end of UI fixtures ======================================================================
