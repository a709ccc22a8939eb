"""The websocket viewer of ``bench.load_ws`` against a real ``streamlit run``: it opens a deep link,
reads the Overview's NPS n (equal to ``queries.kpi_summary`` for the link's filters), and a filter
changed through the sidebar widget reruns the same page with the new figures and link."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from helpers import e2e  # tests/ is on sys.path under pytest

from bench.wsclient import Session

pytestmark = pytest.mark.e2e

LINK = "from=2026-03-01&to=2026-08-31&segment=Families"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> tuple[Path, int, int]:
    """A small demo set and, with the library, the NPS n of LINK without and with channel=web
    (computed before the server holds the file)."""
    from cxdata import db, demo, queries
    from cxdata.filters import Filters

    path = tmp_path_factory.mktemp("ws") / "cx.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=5_000, interactions=5_000, seed=3)
    con.execute("checkpoint")
    base, _ = Filters.from_query_params({"from": ["2026-03-01"], "to": ["2026-08-31"], "segment": ["Families"]})
    n_all = queries.kpi_summary(con, base).current.nps.n
    n_web = queries.kpi_summary(con, base.replace(channel=["web"])).current.nps.n
    con.close()
    return path, int(n_all), int(n_web)


@pytest.fixture(scope="module")
def server(small_db):
    with e2e.dashboard(small_db[0]) as base:
        yield base


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=60))


def test_overview_link_then_widget(server, small_db):
    _, n_all, n_web = small_db
    assert n_all and n_web and n_all != n_web  # the data set makes the check meaningful

    async def go():
        async with Session(server, timeout=30) as s:
            first = await s.open("", LINK)
            second = await s.set_multiselect("Channel", ["web"], first)
            return first, second

    first, second = run(go())
    assert first.ok, first.errors
    assert first.nps_n() == n_all
    assert first.params() == {"from": ["2026-03-01"], "to": ["2026-08-31"], "segment": ["Families"]}
    assert second.ok, second.errors
    assert second.params()["channel"] == ["web"]
    assert second.nps_n() == n_web
    assert any(t.startswith("Filters: ") and "channel: web" in t for t in second.texts())


def test_widget_rerun_stays_on_a_pages_page(server):
    """A rerun names the page by the hash the run resolved (``navigation``), not the entry script's."""
    async def go():
        async with Session(server, timeout=30) as s:
            first = await s.open("Trends", LINK)
            second = await s.set_multiselect("Region", [first.multiselect("Region").multiselect.options[0]], first)
            return first, second

    first, second = run(go())
    assert first.ok and second.ok, (first.errors, second.errors)
    titles = [[e.heading.body for _, e in r.of_type("heading") if e.heading.tag == "h1"] for r in (first, second)]
    assert titles == [["How the KPIs move over time"]] * 2
    assert first.nps_n() is None  # no KPI cards on Trends
    assert "region" in second.params()


def test_a_run_that_does_not_finish_is_an_error(server):
    async def go():
        async with Session(server, timeout=0.001) as s:
            return await s.open("", LINK)

    r = run(go())
    assert not r.ok and r.errors[0].startswith("timeout")
