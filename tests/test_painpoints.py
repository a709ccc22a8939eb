"""Pain points (cxdata/insight/painpoints.py) on literal rows: every figure computed here by hand
from the counts of promoters, passives and detractors planted per touchpoint."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.tiny import tiny_db

import cxdata
from cxdata.filters import Filters
from cxdata.insight.painpoints import pain_points

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("response_id", "responded_at", "channel", "journey_stage", "touchpoint", "nps", "ces")
# touchpoint -> (stage, channel, promoters, passives, detractors, CES given by each answer)
PLANTED = {
    "checkout": ("purchase", "web", 60, 60, 180, 3),  # the planted pain point: NPS -40
    "support call": ("retention", "phone", 90, 90, 120, 3),  # a milder one: NPS -10
    "homepage": ("awareness", "web", 150, 100, 50, 2),
    "store desk": ("retention", "store", 135, 105, 60, 2),
    "live chat": ("retention", "chat", 60, 30, 10, 6),  # easy to like, hard work: CES 6 of 7
    "tiny survey": ("advocacy", "app", 0, 0, 10, 7),  # NPS -100, but 10 answers: flagged, not ranked
}


def rows():
    out, i = [], 0
    for tp, (stage, channel, p, pa, d, ces) in PLANTED.items():
        for score, count in ((10, p), (8, pa), (3, d)):
            for _ in range(count):
                out.append((f"r{i}", f"2026-03-{1 + i % 28:02d}", channel, stage, tp, score, ces))
                i += 1
    return out


@pytest.fixture(scope="module")
def con():
    return tiny_db("responses", COLUMNS, rows())


def nps(p: int, pa: int, d: int) -> tuple[float, float]:
    """(NPS, its standard error) by the house formula."""
    n = p + pa + d
    pp, pd_ = p / n, d / n
    return (pp - pd_) * 100, math.sqrt((pp + pd_ - (pp - pd_) ** 2) / n) * 100


def by_hand(tp: str) -> dict:
    """The touchpoint's NPS against every other answer, its margin and its cost to the overall."""
    _, _, p, pa, d, _ = PLANTED[tp]
    tot = [sum(v[k] for v in PLANTED.values()) for k in (2, 3, 4)]
    value, se = nps(p, pa, d)
    rest, rest_se = nps(tot[0] - p, tot[1] - pa, tot[2] - d)
    share = (p + pa + d) / sum(tot)
    return {"value": value, "rest": rest, "gap": value - rest, "margin": 1.96 * math.sqrt(se ** 2 + rest_se ** 2),
            "share": share * 100, "impact": share * (value - rest), "overall": nps(*tot)[0]}


def test_planted_pain_point_ranks_first_with_hand_computed_figures(con, response_source):
    res = pain_points(con, Filters(), "nps")
    touch = [p for p in res.painpoints if p.level == "touchpoint"]
    assert [p.name for p in touch] == ["checkout", "support call"]
    for p in touch:
        want = by_hand(p.name)
        for key in ("value", "rest", "gap", "margin", "share", "impact"):
            assert getattr(p, key) == pytest.approx(want[key], abs=1e-9), (p.name, key)
        assert abs(p.gap) > p.margin and p.beyond_noise
    # impact is what the overall figure would gain if the group answered like the rest
    want = by_hand("checkout")
    assert res.value == pytest.approx(want["overall"])
    assert want["overall"] - want["impact"] == pytest.approx(want["rest"])
    assert res.n == sum(v[2] + v[3] + v[4] for v in PLANTED.values())


def test_small_touchpoint_is_flagged_not_ranked(con):
    res = pain_points(con, Filters(), "nps")
    assert "tiny survey" not in {p.name for p in res.painpoints}
    small = {p.name: p for p in res.small}
    assert set(small) == {"tiny survey", "advocacy · app"}
    assert small["tiny survey"].n == 10 and small["tiny survey"].value == pytest.approx(-100.0)


def test_stage_by_channel_cells_rank_the_same_way(con):
    res = pain_points(con, Filters(), "nps")
    cells = [p for p in res.painpoints if p.level == "stage x channel"]
    assert [(p.stage, p.channel) for p in cells] == [("purchase", "web"), ("retention", "phone")]
    assert cells[0].name == "purchase · web" and cells[0].impact == pytest.approx(by_hand("checkout")["impact"])


def test_ces_follows_the_direction_setting():
    db = tiny_db("responses", COLUMNS, rows())
    effort = pain_points(db, Filters(), "ces")
    assert not effort.higher_is_better
    touch = [p for p in effort.painpoints if p.level == "touchpoint"]
    assert touch[0].name == "live chat" and touch[0].gap > 0  # 6 of 7 on the effort scale: the hard one
    db.execute("insert or replace into settings values ('ces_direction', 'ease')")
    ease = pain_points(db, Filters(), "ces")
    assert ease.higher_is_better
    # on the ease scale 2 is hard: homepage and store desk are now the pain points, chat is not
    assert {p.name for p in ease.painpoints if p.level == "touchpoint"} == {"homepage", "store desk"}


def test_filters_narrow_the_comparison(con):
    res = pain_points(con, Filters(channel=("web",)), "nps")
    assert res.n == 600
    assert [p.name for p in res.painpoints if p.level == "touchpoint"] == ["checkout"]
    # within web, checkout against homepage alone
    value, se = nps(60, 60, 180)
    rest, rse = nps(150, 100, 50)
    assert res.painpoints[0].gap == pytest.approx(value - rest)
    assert res.painpoints[0].margin == pytest.approx(1.96 * math.sqrt(se ** 2 + rse ** 2))


def test_cli_json_contract(tmp_path):
    path = tmp_path / "p.duckdb"
    c = cxdata.connect(path)
    tiny_db("responses", COLUMNS, rows(), con=c)
    c.close()
    out = subprocess.run([sys.executable, "-m", "cxdata", "painpoints", "--db", str(path), "--kpi", "nps", "--json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    got = json.loads(out.stdout)
    assert {"kpi", "n", "value", "painpoints", "small"} <= got.keys()
    first = got["painpoints"][0]
    assert {"level", "name", "n", "value", "rest", "gap", "margin", "share", "impact"} <= first.keys()
    assert first["name"] == "checkout" and first["n"] == 300
    assert {p["name"] for p in got["small"]} == {"tiny survey", "advocacy · app"}
    text = subprocess.run([sys.executable, "-m", "cxdata", "painpoints", "--db", str(path), "--kpi", "nps"],
                          capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "checkout" in text and "Small samples" in text and "tiny survey n=10" in text


def test_a_borderline_gap_among_twenty_touchpoints_is_not_ranked_after_the_correction():
    # 19 touchpoints of 100 answers at P 50 / D 20 (NPS +30) and one, "forms", at P 40 / D 30 (+10)
    planted = [("forms", 40, 30)] + [(f"tp{k:02d}", 50, 20) for k in range(19)]
    data, i = [], 0
    for tp, p, d in planted:
        for score, count in ((10, p), (8, 100 - p - d), (3, d)):
            for _ in range(count):
                data.append((f"b{i}", "2026-03-02", tp, score))
                i += 1
    con = tiny_db("responses", ("response_id", "responded_at", "touchpoint", "nps"), data)
    # forms against the rest (1,900 answers, P 950, D 380 -> +30): gap -20,
    # se = sqrt((.4 + .3 - .1^2) / 100 + (.5 + .2 - .3^2) / 1900) * 100 = 8.498, z = 2.353, p = 0.0186
    se = math.sqrt((0.4 + 0.3 - 0.1 ** 2) / 100 + (0.5 + 0.2 - 0.3 ** 2) / 1900) * 100
    p = math.erfc(20 / se / math.sqrt(2))
    assert p < 0.05  # a pain point for one test alone
    result = pain_points(con, Filters(), "nps")
    assert [q.name for q in result.painpoints] == []  # not ranked: 20 comparisons, p x 20 / 1 > 5%
    assert result.within_noise == 20
    # the p and the adjusted p, equal to the hand figures (the smallest of 20 p's: rank 1)
    from cxdata.insight.painpoints import _corrected, _level

    points, _, _ = _level(con, Filters(), "nps", "touchpoint")
    got = next(q for q in _corrected(points, sum(q.n for q in points)) if q.name == "forms")
    assert got.p == pytest.approx(p, rel=1e-9) and got.p_adjusted == pytest.approx(min(1.0, p * 20), rel=1e-9)
    assert not got.beyond_noise
