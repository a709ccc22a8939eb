"""Issue 6, item 5: hostile links. Every page in Streamlit's AppTest, its URL stuffed with SQL
fragments, 10,000-character values, NUL bytes, bad dates, repeated and unknown keys and page
controls set to nonsense: no exception, a notice, and exactly the default view (same captions,
same figures, same link written back). A label that *is* in the data and looks like SQL filters to
its own rows and nothing else; the library binds every value, so no query ever reads one as SQL.

The database is a small demo set plus an import whose channels, segment, attribute name and values
are SQL, HTML and markdown (``tests/helpers/hostile.py``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import streamlit as st
from helpers import hostile  # tests/ is on sys.path under pytest
from streamlit.testing.v1 import AppTest

from cxdata import db, queries
from cxdata.filters import Filters

APP = Path(__file__).resolve().parent.parent / "dashboard.py"
PAGES = [None, *sorted(f"pages/{p.name}" for p in (APP.parent / "pages").glob("*.py"))]
LONG = "x" * 10_000
NOT_IN_DATA = "' OR '1'='1"

HOSTILE = {
    # filters: values not in the data, SQL, too long, NUL, wildcard, repeated
    "channel": [NOT_IN_DATA, "'; drop table responses; --", NOT_IN_DATA],
    "segment": LONG,
    "region": "a\x00b",
    "product": "1) or (1=1",
    "touchpoint": ["%", "%"],
    "stage": "*",
    "attr": ["nocolon", "k:v' or 1=1 --", f"{hostile.ATTR_KEY}:nope", ":", LONG + ":x"],
    # dates: SQL, impossible, repeated
    "from": ["2026-01-01' or 1=1 --", "2026-02-01"],
    "to": "2026-02-30",
    # page controls
    "kpi": "nps' or 1=1 --", "grain": LONG, "split": "channel; drop table responses", "dim": "attr:nope' --",
    "rows": "\x00", "cols": "", "hm_kpi": "<b>nps</b>", "window": "-1", "model": "99", "by": "1=1",
    "movers": "'; drop table responses; --",
    # keys nobody owns
    "evil": "1", "__proto__": "x", "channel[]": "web", "q": "select * from responses",
}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return hostile.build(tmp_path_factory.mktemp("urls") / "hostile.duckdb")


@pytest.fixture
def env(hostile_db, monkeypatch):
    monkeypatch.setenv("CX_DB", str(hostile_db))
    monkeypatch.delenv("CX_IMPORT_PASSWORD", raising=False)
    st.cache_data.clear()
    yield hostile_db
    st.cache_data.clear()
    # The rows are all still there: nothing in a link wrote to or dropped from the database.
    con = db.connect(hostile_db)
    try:
        assert con.execute("select count(*) from responses").fetchone()[0] == 5_000 + 3 * hostile.ROWS_PER_CHANNEL
    finally:
        con.close()


def run(page: str | None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def url(at: AppTest) -> dict[str, list[str]]:
    return {k: list(at.query_params.get_all(k)) if hasattr(at.query_params, "get_all")
            else ([v] if isinstance(v := at.query_params[k], str) else list(v))
            for k in at.query_params}


def notices(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if w.icon == ":material/link_off:"]


def view_text(at: AppTest) -> dict:
    """What a reader sees, notices apart: captions, metrics, infos, headings, the charts drawn."""
    return {
        "captions": [c.value for c in at.caption if "Data last imported" not in c.value],
        "metrics": [(m.label, m.value) for m in at.metric],
        "infos": [i.value for i in at.info],
        "warnings": [w.value for w in at.warning if w.icon != ":material/link_off:"],
        "markdown": [m.value for m in at.markdown],
        "charts": len(at.get("plotly_chart")),
    }


def default_filters(path: Path, **changes) -> Filters:
    con = db.connect(path)
    try:
        _, hi = queries.date_bounds(con)
    finally:
        con.close()
    return Filters(date_from=hi.date() - timedelta(days=89), date_to=hi.date()).replace(**changes)


def library_metrics(path: Path, filters: Filters) -> tuple[list[tuple[str, str]], int]:
    """The Overview's three metrics as the library computes them, and the NPS n."""
    con = db.connect(path)
    try:
        s = queries.kpi_summary(con, filters)
    finally:
        con.close()
    return [("NPS", f"{s.current.nps.value:+.0f}"), ("CSAT", f"{s.current.csat.value:.0f}%"),
            ("CES", f"{s.current.ces.mean:.1f}")], s.current.nps.n


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "dashboard.py")
def test_a_hostile_link_gives_notices_and_the_default_view(env, page):
    plain = run(page)
    assert not plain.exception, [e.value for e in plain.exception]
    at = run(page, HOSTILE)
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(notices(at))
    if any(m.key == "flt_channel" for m in plain.multiselect):
        assert notices(at), "no notice for a hostile link"
        for key in ("channel", "segment", "region", "product", "from", "to", "attr"):
            assert key in shown, (key, shown[:2000])
    else:  # a page without filters (Upload, Imports) drops the link's keys without a word
        assert not url(at)
    # Exactly the default view: what the reader sees, and the link written back.
    assert view_text(at) == view_text(plain)
    assert url(at) == url(plain)
    if page is None:
        expected, _ = library_metrics(env, default_filters(env))
        assert [(m.label, m.value) for m in at.metric] == expected
    # Nothing hostile survives into the link or any notice text unescaped as long text.
    assert all(len(v) <= 200 for vals in url(at).values() for v in vals)
    assert all(len(n) < 600 for n in notices(at))


def test_a_sql_looking_label_in_the_data_filters_to_its_own_rows(env):
    at = run(None, {"channel": hostile.SQL_CHANNEL})
    assert not at.exception
    assert not notices(at)  # a real channel: not malformed
    expected, n = library_metrics(env, default_filters(env, channel=[hostile.SQL_CHANNEL]))
    assert n == hostile.ROWS_PER_CHANNEL  # its 12 rows, not all data
    assert [(m.label, m.value) for m in at.metric] == expected
    assert any(f"n = {n}" in c.value for c in at.caption)
    assert url(at)["channel"] == [hostile.SQL_CHANNEL]


def test_a_good_value_next_to_a_hostile_one_keeps_the_good_one(env):
    at = run(None, {"channel": ["web", NOT_IN_DATA]})
    assert not at.exception
    assert any("channel" in n for n in notices(at))
    expected, n = library_metrics(env, default_filters(env, channel=["web"]))
    assert [(m.label, m.value) for m in at.metric] == expected
    assert url(at)["channel"] == ["web"]
    everything, n_all = library_metrics(env, default_filters(env))
    assert n < n_all  # narrowed to web, not widened to all


@pytest.mark.parametrize("page", [p for p in PAGES if p is None or p[6].isdigit() and int(p[6]) <= 4],
                         ids=lambda p: p or "dashboard.py")
def test_a_hostile_label_that_matches_no_row_shows_the_empty_message(env, page):
    # The channel is in the data, but not in these dates: nothing matches, and the page says so.
    at = run(page, {"channel": hostile.SQL_CHANNEL, "from": "2025-01-01", "to": "2025-01-31"})
    assert not at.exception
    assert not notices(at)
    assert any("match these filters" in i.value or "No " in i.value for i in at.info), \
        [i.value for i in at.info]
    assert not at.metric


def test_a_hostile_attribute_name_is_a_dimension_and_a_filter(env):
    key, value = hostile.ATTR_KEY, hostile.ATTR_VALUE
    at = run("pages/2_Segments.py", {"dim": f"attr:{key}", "attr": f"{key}:{value}"})
    assert not at.exception, [e.value for e in at.exception]
    assert not notices(at)
    assert at.selectbox(key="ctl_Segments_dim").value == f"attr:{key}"
    n = 3 * hostile.ROWS_PER_CHANNEL
    assert any(f"n = {n}" in c.value for c in at.caption), [c.value for c in at.caption]


def test_filter_values_only_ever_reach_sql_as_bound_parameters(hostile_db):
    filters, notes = Filters.from_query_params({**HOSTILE, "channel": [hostile.SQL_CHANNEL, NOT_IN_DATA],
                                                "segment": hostile.DROP_SEGMENT})
    sql, params = filters.where_sql("responses")
    for value in (hostile.SQL_CHANNEL, NOT_IN_DATA, hostile.DROP_SEGMENT, "1) or (1=1", "%"):
        assert value not in sql
    assert "'" not in sql and "--" not in sql and ";" not in sql
    assert params["f_channel"] == sorted([hostile.SQL_CHANNEL, NOT_IN_DATA])
    con = db.connect(hostile_db)
    try:
        only_sql = queries.kpi_set(con, Filters(channel=(hostile.SQL_CHANNEL,)))
        nothing = queries.kpi_set(con, Filters(channel=(NOT_IN_DATA,)))
        dropped = queries.kpi_set(con, Filters(segment=(hostile.DROP_SEGMENT,)))
        assert only_sql.nps.n == hostile.ROWS_PER_CHANNEL
        assert nothing.nps.n == 0
        assert dropped.nps.n == 3 * hostile.ROWS_PER_CHANNEL
        assert con.execute("select count(*) from responses").fetchone()[0] > 5_000
    finally:
        con.close()
