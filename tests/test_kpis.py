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


def test_the_column_version_gives_the_same_floats_as_the_scalar_functions():
    """``kpi_arrays`` (a trend's thousands of groups at once) is the scalar functions column by
    column: every figure equal to the last bit, NaN exactly where they give None."""
    import random

    import numpy as np

    rng = random.Random(5)
    rows = [(0, 0, 0, 0, 0, 0, 0, 0), (1, 0, 0, 1, 1, 3, 9, 1), (0, 0, 1, 0, 1, 7, 49, 0),
            (5, 5, 5, 15, 15, 60, 260, 15), (10, 0, 0, 10, 10, 10, 10, 10)]
    for _ in range(300):
        p, a, d = (rng.choice([0, 1, 2, rng.randint(0, 50), rng.randint(0, 10**6)]) for _ in range(3))
        cn = rng.choice([0, 1, 2, rng.randint(0, 10**6)])
        en = rng.choice([0, 1, 2, rng.randint(0, 10**6)])
        scores = [rng.randint(1, 7) for _ in range(min(en, 50))] + [4] * max(0, en - 50)
        rows.append((p, a, d, rng.randint(0, cn), cn, sum(scores), sum(x * x for x in scores),
                     en and rng.randint(0, en)))
    cols = ("promoters", "passives", "detractors", "csat_sat", "csat_n", "ces_sum", "ces_sumsq", "ces_n")
    arrays = {k: np.array([r[i] for r in rows], dtype="int64") for i, k in enumerate(cols)}
    arrays["ces_low"] = np.array([min(r[7], r[0] % 7) for r in rows], dtype="int64")
    for direction in ("effort", "ease"):
        got = kpis.kpi_arrays(arrays, direction)
        for i in range(len(rows)):
            nps = kpis.nps(*(int(arrays[k][i]) for k in ("promoters", "passives", "detractors")))
            csat = kpis.csat(int(arrays["csat_sat"][i]), int(arrays["csat_n"][i]))
            ces = kpis.ces(float(arrays["ces_sum"][i]), float(arrays["ces_sumsq"][i]), int(arrays["ces_n"][i]),
                           int(arrays["ces_low"][i]), direction)
            expected = {"nps": nps.value, "nps_moe": nps.moe, "nps_se": nps.se, "nps_n": nps.n,
                        "csat": csat.value, "csat_low": csat.low, "csat_high": csat.high, "csat_se": csat.se,
                        "csat_n": csat.n, "ces": ces.mean, "ces_moe": ces.mean_moe, "ces_se": ces.se,
                        "ces_n": ces.n, "ces_low_effort_pct": ces.low_effort_pct}
            for k, want in expected.items():
                have = got[k][i]
                if want is None:
                    assert np.isnan(have), (k, rows[i])
                else:
                    assert have == want, (k, rows[i], have, want)
