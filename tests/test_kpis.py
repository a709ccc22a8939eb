"""KPI formulas against values computed by hand."""

import math

import pytest

from cxdata import kpis


def test_nps_value_and_margin_by_hand():
    # 5 promoters, 3 passives, 2 detractors: pP = .5, pD = .2
    r = kpis.nps(5, 3, 2)
    assert r.n == 10
    assert r.value == pytest.approx(30.0)
    # 1.96 * sqrt((.5 + .2 - (.5 - .2)^2) / 10) * 100 = 1.96 * sqrt(.61 / 10) * 100
    assert r.moe == pytest.approx(1.96 * math.sqrt(0.061) * 100)
    assert r.moe == pytest.approx(48.408, abs=1e-3)
    assert r.small  # 10 < 30


def test_nps_extremes_and_empty():
    assert kpis.nps(10, 0, 0).value == 100
    assert kpis.nps(0, 0, 7).value == -100
    assert kpis.nps(0, 4, 0).value == 0
    empty = kpis.nps(0, 0, 0)
    assert empty.value is None and empty.n == 0 and empty.moe is None


def test_csat_share_and_wilson_by_hand():
    r = kpis.csat(satisfied=8, n=10)
    assert r.value == pytest.approx(80.0)
    # Wilson: centre = (p + z²/2n)/(1 + z²/n), half = z*sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n)
    z, n, p = 1.96, 10, 0.8
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    assert r.low == pytest.approx((centre - half) * 100)
    assert r.high == pytest.approx((centre + half) * 100)
    assert r.low == pytest.approx(49.02, abs=0.01)
    assert r.high == pytest.approx(94.33, abs=0.01)


def test_wilson_all_successes_stays_below_100():
    low, high = kpis.wilson_interval(5, 5)
    assert high == pytest.approx(100.0)
    assert 50 < low < 60  # 56.55


def test_ces_mean_sd_and_low_effort_by_hand():
    scores = [1, 2, 2, 5, 7]
    r = kpis.ces(sum(scores), sum(s * s for s in scores), len(scores),
                 low_effort=sum(1 for s in scores if s <= 2))
    assert r.mean == pytest.approx(17 / 5)
    mean = 17 / 5
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / 4)
    assert r.sd == pytest.approx(sd)
    assert r.low_effort_pct == pytest.approx(60.0)
    assert r.direction == "effort"


def test_ces_direction_is_explicit():
    with pytest.raises(ValueError):
        kpis.ces(10, 30, 3, 1, direction="guess")


def test_change_beyond_noise():
    big = kpis.change(40.0, 2.0, 20.0, 2.0)  # margin 1.96*sqrt(8) = 5.54
    assert big.significant and big.delta == 20.0
    assert big.margin == pytest.approx(1.96 * math.sqrt(8))
    small = kpis.change(22.0, 2.0, 20.0, 2.0)
    assert not small.significant
    assert small.words == "within the noise"
    assert kpis.change(None, None, 1.0, 1.0).delta is None


def test_change_with_zero_variance_needs_enough_answers():
    # all promoters vs all detractors: both standard errors are 0
    assert kpis.change(100.0, 0.0, -100.0, 0.0, 300, 300).significant
    assert not kpis.change(100.0, 0.0, -100.0, 0.0, 1, 1).significant
