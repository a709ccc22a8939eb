"""The daily count tables (cxdata/cube.py) give exactly the figures of the plain queries over
``responses``, for every page query and filter, and stay exact through imports, undo, the demo
load, a CES direction change and an upgrade from schema v2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from helpers import old_schema  # tests/ is on sys.path under pytest

import cxdata
from cxdata import cube, db, demo, pyramid, queries
from cxdata.filters import Filters
from cxdata.ingest import import_file, undo_import

DATA = Path(__file__).parent / "data"
D = dict(date_from=date(2026, 5, 1), date_to=date(2026, 10, 31))
FILTERS = [
    Filters(),
    Filters(**D),
    Filters(**D, channel=("app", "web"), segment=("Consumer",)),
    Filters(region=("Lombardia",)),
    Filters(date_from=date(2026, 5, 3), date_to=date(2026, 10, 20), channel=("web",)),  # not whole months
    Filters(**D, region=("Lombardia", "Lazio"), touchpoint=("checkout", "app checkout")),  # detail
    Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), product=("Mobile", "Energia Gas")),
    Filters(**D, touchpoint=("checkout",)),  # needs the detail table
    Filters(**D, stage=("purchase", "retention"), channel=("phone",)),
    Filters(**D, channel=("phone",), attrs=(("wait_band", (">10 min",)),)),  # only responses
    Filters(date_from=date(2030, 1, 1), date_to=date(2030, 1, 31)),  # nothing matches
]


@pytest.fixture(scope="module")
def demo_con():
    c = cxdata.connect(":memory:")
    demo.generate_demo(c, responses=40_000, interactions=3_000, seed=5)
    yield c
    c.close()


def both(fn):
    """(daily-table result, plain result) of ``fn()``."""
    fast = fn()
    with cube.plain_queries():
        plain = fn()
    return fast, plain


def same(fn):
    fast, plain = both(fn)
    if isinstance(fast, pd.DataFrame):
        assert len(fast) == len(plain)
        pd.testing.assert_frame_equal(fast.reset_index(drop=True), plain.reset_index(drop=True),
                                      check_dtype=False, check_exact=False, rtol=1e-12)
    else:
        assert fast == plain
    return fast


def page_queries(con, f: Filters):
    yield lambda: queries.kpi_summary(con, f)
    yield lambda: queries.kpi_set(con, f)
    for grain in ("day", "week", "month", "quarter"):
        yield lambda grain=grain: queries.kpi_trend(con, f, grain)
    for split in ("channel", "touchpoint", "attr:wait_band"):
        yield lambda split=split: queries.kpi_trend(con, f, "month", split=split)
    for dim in ("channel", "segment", "region", "product", "touchpoint", "journey_stage", "attr:wait_band"):
        yield lambda dim=dim: queries.segment_breakdown(con, f, dim)
    yield lambda: queries.kpi_heatmap(con, f, "segment", "channel")
    yield lambda: queries.kpi_heatmap(con, f, "touchpoint", "region")
    yield lambda: queries.biggest_movers(con, f, limit=1000, min_n=5)
    for model in (3, 6):
        yield lambda model=model: pyramid.pyramid_distribution(con, f, model)
        yield lambda model=model: pyramid.pyramid_distribution(con, f, model, by="channel")
        yield lambda model=model: pyramid.pyramid_distribution(con, f, model, by="touchpoint", grain="quarter")


@pytest.mark.parametrize("f", FILTERS, ids=lambda f: f.describe()[9:60])
def test_every_page_query_equals_the_plain_query(demo_con, f):
    for fn in page_queries(demo_con, f):
        same(fn)


def test_the_daily_tables_are_really_used():
    assert cube.pick(Filters(date_from=date(2026, 5, 3), date_to=date(2026, 10, 31), channel=("web",))) == "kpi_daily_core"
    assert cube.pick(Filters(**D), ["touchpoint"]) == "kpi_daily_touch"  # not in the monthly table
    assert cube.pick(Filters(stage=("purchase",))) == "kpi_daily_touch"
    assert cube.pick(Filters(**D, region=("Lombardia",)), grain="day") == "kpi_daily"
    assert cube.pick(Filters(**D, region=("Lombardia",)), ["touchpoint"]) == "kpi_daily_detail"
    assert cube.pick(Filters(stage=("purchase",)), ["region"]) == "kpi_daily_detail"
    # whole months: the monthly table, unless the query groups by day or week
    q1 = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), region=("Lombardia",))
    assert cube.pick(q1) == "kpi_monthly" == cube.pick(q1, grain="quarter") == cube.pick(Filters())
    assert cube.pick(q1, grain="week") == "kpi_daily"
    assert cube.pick(q1, split_at=date(2025, 2, 15)) == "kpi_daily"
    assert cube.pick(Filters(**D, region=("Lombardia",))) == "kpi_monthly"  # 1 May to 31 October
    assert cube.pick(Filters(date_from=date(2026, 5, 2), date_to=date(2026, 10, 31))) == "kpi_daily_core"
    assert cube.pick(Filters(attrs=(("k", ("v",)),))) is None
    assert cube.pick(Filters(), [None]) is None  # an attribute breakdown
    with cube.plain_queries():
        assert cube.pick(Filters()) is None


def test_figures_by_hand_from_the_daily_table(demo_con):
    # The demo's phone responses of Q1 2025, counted from the rows themselves.
    f = Filters(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), channel=("phone",))
    p, d, n = demo_con.execute(
        "select count(*) filter (where nps >= 9), count(*) filter (where nps <= 6), count(nps) "
        "from responses where channel = 'phone' and responded_at >= '2025-01-01' "
        "and responded_at < '2025-04-01'").fetchone()
    k = queries.kpi_set(demo_con, f)
    assert n > 100 and k.nps.n == n
    assert k.nps.value == pytest.approx((p - d) / n * 100)


def test_ces_direction_ease_uses_the_other_band(tmp_path):
    c = cxdata.connect(":memory:")
    c.executemany("insert into responses (response_id, responded_at, needs_met, ces, enjoyment) "
                  "values (?, '2024-05-01', ?, ?, ?)",
                  [("a", 5, 7, 5), ("b", 5, 1, 5), ("c", 5, 6, 2), ("d", 2, 7, 5)])
    cube.rebuild(c)
    db.set_setting(c, "ces_direction", "ease")
    k = same(lambda: queries.kpi_set(c, Filters()))
    assert k.ces.low_effort_pct == pytest.approx(75)  # 7, 6, 7 are easy on the ease scale
    p = same(lambda: pyramid.pyramid_distribution(c, Filters())).set_index("level")
    assert list(p["n"]) == [1, 1, 1, 1]  # d: needs not met; b: hard; c: easy, not enjoyed; a: top


def cells_total(con) -> list[int]:
    return [con.execute(f"select coalesce(sum(nps_n), 0) from {t}").fetchone()[0]  # noqa: S608
            for t in cube.CUBE_TABLES]


def test_import_and_undo_keep_the_tables_exact(tmp_path):
    c = db.connect(tmp_path / "cx.duckdb")
    demo.generate_demo(c, responses=5_000, interactions=2_000, seed=2)
    before = cells_total(c)
    assert before == [c.execute("select count(nps) from responses").fetchone()[0]] * len(cube.CUBE_TABLES)
    result = import_file(c, DATA / "clean.csv")
    assert result.loaded == 4
    after = cells_total(c)
    assert after == [c.execute("select count(nps) from responses").fetchone()[0]] * len(cube.CUBE_TABLES)
    assert after[0] > before[0]
    for f in FILTERS[:4]:
        same(lambda f=f: queries.kpi_summary(c, f))
        same(lambda f=f: queries.segment_breakdown(c, f, "channel"))
    imported = set(c.execute("select channel from responses where import_id = $i",
                             {"i": result.import_id}).df()["channel"].dropna())
    demo_channels = set(c.execute("select channel from responses where import_id <> $i",
                                  {"i": result.import_id}).df()["channel"].dropna())
    undo_import(c, result.import_id)
    assert cells_total(c) == before
    assert set(queries.filter_values(c)["channel"]) >= demo_channels
    assert not (imported - demo_channels) & set(queries.filter_values(c)["channel"])
    c.close()


def test_upgrade_from_v2_derives_the_tables(tmp_path):
    path = tmp_path / "v2.duckdb"
    c = db.connect(path)
    demo.generate_demo(c, responses=3_000, interactions=1_000, seed=4)
    f = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30), segment=("SME",))
    with cube.plain_queries():
        expected = queries.kpi_summary(c, f)
    for t in (*cube.CUBE_TABLES, "filter_values", "attribute_counts"):
        c.execute(f"drop table {t}")  # noqa: S608
    old_schema.journeys_as_before_v4(c, 2)  # and the journey table as v2 had it
    c = old_schema.reopened(c, path)
    assert cells_total(c) == [c.execute("select count(nps) from responses").fetchone()[0]] * len(cube.CUBE_TABLES)
    assert queries.kpi_summary(c, f) == expected
    assert queries.filter_values(c)["segment"] == sorted(
        r[0] for r in c.execute("select distinct segment from responses where segment is not null").fetchall())
    c.close()
