"""The demo generator: sizes, ranges, consistency, determinism, and every planted story visible
through the library's own queries beyond the noise (each test fails if its story is removed)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import pytest

from cxdata import db, demo, funnel, kpis, pyramid, queries
from cxdata.filters import Filters
from cxdata.schema import SCORE_RANGES

RESPONSES, INTERACTIONS, SEED = 30_000, 200_000, 7
DATES = demo.story_dates()


def _build(seed: int = SEED, **kw):
    con = db.connect(":memory:")
    result = demo.generate_demo(con, RESPONSES, INTERACTIONS, seed=seed, chunk=kw.pop("chunk", 50_000), **kw)
    return con, result


@pytest.fixture(scope="module")
def built():
    return _build()


@pytest.fixture(scope="module")
def con(built):
    return built[0]


def _two_proportions(x1: int, n1: int, x2: int, n2: int) -> float:
    """z statistic of p1 - p2 (pooled)."""
    p = (x1 + x2) / (n1 + n2)
    return (x1 / n1 - x2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))


# --- shape ----------------------------------------------------------------------------------------
def test_row_counts_and_import_record(con, built):
    assert con.execute("select count(*) from responses").fetchone()[0] == RESPONSES
    assert con.execute("select count(*) from interactions").fetchone()[0] == INTERACTIONS
    assert built[1]["responses"] == RESPONSES and built[1]["interactions"] == INTERACTIONS
    row = con.execute("select file_name, kind, status, loaded from imports").fetchall()
    assert row == [(f"demo data (seed {SEED})", "responses", "done", RESPONSES + INTERACTIONS)]
    assert db.last_import(con)[1] == f"demo data (seed {SEED})"
    assert db.data_version(con) == 1
    assert con.execute("select count(distinct import_id) from responses").fetchone()[0] == 1


def test_dates_ids_and_dimensions(con):
    lo, hi = queries.date_bounds(con)
    assert lo.date() >= date(2023, 11, 1) and hi.date() <= date(2026, 10, 31)
    lo, hi = queries.date_bounds(con, "interactions")
    assert lo.date() >= date(2023, 11, 1) and hi.date() <= date(2026, 10, 31)
    assert con.execute("select count(*) - count(distinct response_id) from responses").fetchone()[0] == 0
    assert con.execute("select count(*) - count(distinct event_id) from interactions").fetchone()[0] == 0
    assert con.execute("select bool_and(regexp_full_match(customer_id, 'C[0-9]{7}')) "
                       "from interactions").fetchone()[0]
    assert set(queries.dimension_values(con, "channel")) == set(demo.CHANNELS)
    assert set(queries.dimension_values(con, "region")) == set(demo.REGIONS)
    assert set(queries.dimension_values(con, "stage", "interactions")) == set(db.stages(con))
    # Lombardia is the most populous region, Valle d'Aosta the least.
    regions = con.execute("select region, count(*) n from responses group by 1 order by n desc").fetchall()
    assert regions[0][0] == "Lombardia" and regions[-1][0] == "Valle d'Aosta"
    sales = con.execute("select count(*), min(revenue), bool_and(stage = 'purchase') from interactions "
                        "where revenue is not null").fetchone()
    assert sales[0] > 1000 and sales[1] > 0 and sales[2]
    assert con.execute("select count(*) from responses where comment is not null").fetchone()[0] > 1000


def test_every_score_in_range_and_some_missing(con):
    for col, (lo, hi) in SCORE_RANGES.items():
        n, mn, mx, missing = con.execute(
            f"select count({col}), min({col}), max({col}), count(*) - count({col}) from responses").fetchone()
        assert lo <= mn and mx <= hi, col
        assert n > RESPONSES * 0.3, col
        if col != "csat":
            assert missing > RESPONSES * 0.05, col
    # CSAT-only surveys exist, as in real exports.
    assert con.execute("select count(*) from responses where nps is null and ces is null "
                       "and csat is not null").fetchone()[0] > RESPONSES * 0.05


def test_customer_segment_and_region_fixed_across_tables(con):
    assert con.execute("""
        select count(*) from (
            select customer_id from (select customer_id, segment, region from responses
                                     union all select customer_id, segment, region from interactions)
            group by customer_id having count(distinct segment) > 1 or count(distinct region) > 1)
    """).fetchone()[0] == 0
    shared = con.execute("select count(distinct r.customer_id) from responses r "
                         "join interactions i using (customer_id)").fetchone()[0]
    assert shared > 1000


def test_attributes(con):
    assert queries.attribute_keys(con) == ["loyalty_tier", "wait_band"]
    bands = con.execute("select distinct channel from responses "
                        "where attributes['wait_band'] is not null").fetchall()
    assert {b[0] for b in bands} == {"phone", "chat"}


def test_headline_kpis_are_plausible(con):
    ks = queries.kpi_set(con, Filters())
    assert 20 <= ks.nps.value <= 35
    assert 75 <= ks.csat.value <= 85
    assert 2 <= ks.ces.mean <= 3.5


def test_scores_correlate_like_real_surveys(con):
    detractors, promoters = con.execute(
        "select avg(csat) filter (where nps <= 6), avg(csat) filter (where nps >= 9) from responses"
    ).fetchone()
    assert promoters - detractors > 1
    high_effort, low_effort = con.execute(
        "select avg(nps) filter (where ces >= 5), avg(nps) filter (where ces <= 2) from responses"
    ).fetchone()
    assert low_effort - high_effort > 1.5


def test_same_seed_same_data_and_regeneration_replaces(built):
    con, _ = built
    other, _ = _build(chunk=50_000)
    digest = ("select sum(hash(response_id, customer_id, responded_at, channel, nps, csat, ces, "
              "comment, attributes)) from responses")
    events = "select sum(hash(event_id, customer_id, occurred_at, channel, stage, revenue)) from interactions"
    assert con.execute(digest).fetchone() == other.execute(digest).fetchone()
    assert con.execute(events).fetchone() == other.execute(events).fetchone()
    assert queries.kpi_set(con, Filters()) == queries.kpi_set(other, Filters())
    # A second run with another seed replaces the demo rows instead of adding to them.
    demo.generate_demo(other, 1_000, 5_000, seed=8)
    assert other.execute("select count(*) from responses").fetchone()[0] == 1_000
    assert other.execute("select count(*) from interactions").fetchone()[0] == 5_000
    assert other.execute("select file_name from imports").fetchall() == [("demo data (seed 8)",)]
    assert other.execute(digest).fetchone() != con.execute(digest).fetchone()
    assert db.data_version(other) == 2


def test_failure_rolls_back(con):
    scratch = db.connect(":memory:")
    demo.generate_demo(scratch, 500, 2_000, seed=1)

    def boom(fraction, text):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        demo.generate_demo(scratch, 1_000, 5_000, seed=2, progress=boom)
    assert scratch.execute("select count(*) from responses").fetchone()[0] == 500
    assert scratch.execute("select file_name from imports").fetchall() == [("demo data (seed 1)",)]


def test_progress_reaches_one():
    seen = []
    demo.generate_demo(db.connect(":memory:"), 2_000, 10_000, chunk=1_000,
                       progress=lambda f, text: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == pytest.approx(1.0) and len(seen) > 5


def test_ensure_database(tmp_path, monkeypatch):
    calls = []
    real = demo.generate_demo
    monkeypatch.setattr(demo, "generate_demo", lambda con: calls.append(1) or real(con, 500, 2_000))
    path = tmp_path / "sub" / "cx.duckdb"
    assert demo.ensure_database(path) == path and path.exists()
    assert demo.ensure_database(path) == path
    assert calls == [1]  # the second call found responses and left the file alone
    con = db.connect(path, read_only=True)
    assert con.execute("select count(*) from responses").fetchone()[0] == 500
    con.close()


def test_ensure_database_runs_under_the_memory_cap(tmp_path, monkeypatch):
    """The dashboard's CX_MEMORY_LIMIT also holds while the demo is generated (or a file upgraded)."""
    seen = []
    real = demo.generate_demo
    monkeypatch.setattr(demo, "generate_demo", lambda con: seen.append(
        con.execute("select current_setting('memory_limit')").fetchone()[0]) or real(con, 300, 1_000))
    demo.ensure_database(tmp_path / "cx.duckdb", memory_limit="512MB")
    capped = duckdb.connect()
    capped.execute("set memory_limit = '512MB'")
    assert seen == [capped.execute("select current_setting('memory_limit')").fetchone()[0]]  # 488.2 MiB


def test_stories_are_documented():
    assert len(demo.DEMO_STORIES) >= 5
    for story in demo.DEMO_STORIES:
        assert set(story) == {"title", "what", "how_to_see"} and all(story.values())


# --- the planted stories --------------------------------------------------------------------------
def test_story_phone_csat_drops_in_outsourcing_quarter(con):
    trend = queries.kpi_trend(con, Filters(channel=("phone",)), grain="quarter").set_index("period")
    q = DATES["outsourcing_from"]
    before, during = trend.loc[str(q - timedelta(days=90))[:8] + "01"], trend.loc[str(q)]
    after = trend.loc[str(DATES["outsourcing_to"] + timedelta(days=92))[:8] + "01"]
    fall = kpis.change(during.csat, during.csat_se, before.csat, before.csat_se)
    assert fall.significant and fall.delta < -8
    recovery = kpis.change(after.csat, after.csat_se, during.csat, during.csat_se)
    assert recovery.significant and recovery.delta > 8
    # Other channels did not move that quarter.
    web = queries.kpi_summary(con, Filters(date_from=q, date_to=DATES["outsourcing_to"] - timedelta(days=1),
                                           channel=("web",)))
    assert abs(web.changes["csat"].delta) < abs(fall.delta) / 2


def test_story_app_checkout_drop_after_release(con):
    release = DATES["app_release"]

    def consider_to_buy(frame):
        f = frame[frame["channel"] != funnel.ALL_CHANNELS].set_index(["channel", "step"])["customers"]
        return {ch: (int(f[(ch, 3)]), int(f[(ch, 2)])) for ch in demo.CHANNELS}

    after = funnel.funnel_steps(con, Filters(date_from=release))
    # At this test size the last steps hold a few dozen customers each: ignore those for "worst".
    worst = funnel.worst_step(after, min_customers=200)
    assert (worst.channel, worst.from_stage, worst.to_stage) == ("app", "consideration", "purchase")
    steps = consider_to_buy(after)
    app_buy, app_n = steps.pop("app")
    rest_buy, rest_n = sum(b for b, _ in steps.values()), sum(n for _, n in steps.values())
    assert _two_proportions(app_buy, app_n, rest_buy, rest_n) < -4
    # Before the release the app converted like the other channels.
    before = consider_to_buy(funnel.funnel_steps(con, Filters(date_to=release - timedelta(days=1))))
    b_buy, b_n = before["app"]
    assert _two_proportions(app_buy, app_n, b_buy, b_n) < -4
    assert b_buy / b_n > 0.25


def test_story_detractors_where_phone_waits_are_long(con):
    frame = queries.segment_breakdown(con, Filters(channel=("phone",)), "attr:wait_band").set_index("value")
    nps = frame.loc[list(demo.WAIT_BANDS), "nps"]
    assert list(nps) == sorted(nps, reverse=True)  # NPS falls with every longer band
    assert nps["<2 min"] - nps[">10 min"] > 40
    longest = frame.loc[">10 min"]
    assert longest.nps_differs and longest.nps_vs_rest < -20
    assert frame.loc["<2 min"].nps_differs and frame.loc["<2 min"].nps_vs_rest > 0


def test_story_sme_nps_below_the_rest(con):
    frame = queries.segment_breakdown(con, Filters(), "segment").set_index("value")
    sme = frame.loc["SME"]
    assert sme.nps_differs and sme.nps_vs_rest < -8
    assert frame.index[-1] == "SME"  # sorted by NPS: the lowest
    others = frame.drop(index="SME")
    assert (others.nps > sme.nps + 8).all()


def test_story_chat_meets_needs_but_is_not_easy(con):
    dist = pyramid.pyramid_distribution(con, Filters(), by="channel")
    reached = dist.pivot(index="group", columns="level", values="reached")
    totals = dist.groupby("group")["total"].first()
    chat, rest = reached.loc["chat"], reached.drop(index="chat")
    assert chat[1] >= rest[1].max()  # meets needs as often as the best
    assert chat[2] < rest[2].min() - 15  # but the lowest at "easy", by far
    n_chat, n_rest = totals["chat"], totals.drop("chat").sum()
    rest_easy = (rest[2] * totals.drop("chat")).sum() / n_rest
    z = _two_proportions(chat[2] / 100 * n_chat, n_chat, rest_easy / 100 * n_rest, n_rest)
    assert z < -6


def test_story_app_redesign_lifts_nps(con):
    redesign = DATES["app_redesign"]
    year_after = Filters(date_from=redesign, date_to=date(redesign.year + 1, redesign.month, 1) - timedelta(days=1),
                         channel=("app",))
    summary = queries.kpi_summary(con, year_after)
    lift = summary.changes["nps"]
    assert lift.significant and lift.delta > 5
    # The rest of the company did not improve that much.
    web = queries.kpi_summary(con, year_after.replace(channel=("web",)))
    assert web.changes["nps"].delta < lift.delta - 5


def test_story_social_then_store_converts_best(con):
    from cxdata import paths

    out = paths.paths(con, Filters(), top=100)
    rows = {tuple(p["path"]): p for p in out["paths"] if p["customers"] >= 60 and not p["stopped"]}
    ropo = rows.pop(("social", "store"))
    assert ropo["purchase_share"] > 0.6
    # beyond the noise against the other paths together, and above every well-travelled one
    n_rest = sum(p["customers"] for p in rows.values())
    bought_rest = sum(p["purchase_share"] * p["customers"] for p in rows.values())
    z = _two_proportions(ropo["purchase_share"] * ropo["customers"], ropo["customers"], bought_rest, n_rest)
    assert z > 4, (ropo, bought_rest / n_rest)
    assert all(ropo["purchase_share"] > p["purchase_share"] for p in rows.values() if p["customers"] >= 300)
    # Most of those buyers buy in the store (the links from the social-then-store journeys).
    into = [lk for lk in out["links"] if lk["stage_to"] == "purchase" and lk["channel_from"] == "store"]
    assert max(into, key=lambda lk: lk["customers"])["channel_to"] == "store"


def test_story_promoters_spend_more_next_year(con):
    from cxdata import value

    out = value.value_of_experience(con, Filters(date_to=date(2025, 10, 31)))
    g = out["groups"]
    assert g["promoter"]["customers"] > 1000 and g["detractor"]["customers"] > 500
    diff = out["difference"]
    assert diff["significant"] and diff["low"] > 0
    assert diff["value"] / g["detractor"]["revenue_per_customer"] > 0.2  # a fifth more, at least
    # passives sit between, but at this size their gap to detractors is within the noise (seed 26)
    assert g["promoter"]["revenue_per_customer"] > g["passive"]["revenue_per_customer"]
    assert out["csat"]["satisfied"]["revenue_per_customer"] > out["csat"]["not_satisfied"]["revenue_per_customer"]
