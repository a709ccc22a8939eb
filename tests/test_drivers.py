"""Key drivers (cxdata/insight/drivers.py) on seeded rows: the figures are checked against numpy
least squares and a brute-force Shapley value computed here from the rows themselves."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers.tiny import tiny_db

import cxdata
from cxdata.filters import Filters
from cxdata.insight import dominance, driver_cells, drivers

ROOT = Path(__file__).resolve().parent.parent


def planted_rows(n: int = 4000, seed: int = 7) -> dict[str, np.ndarray]:
    """NPS driven mostly by CSAT (the planted driver), a little by the others; the rating attribute
    ``noise`` is drawn independently of everything (the pure-noise driver)."""
    rng = np.random.default_rng(seed)
    r = {"csat": rng.integers(1, 6, n), "ces": rng.integers(1, 8, n), "needs_met": rng.integers(1, 6, n),
         "enjoyment": rng.integers(1, 6, n), "noise": rng.integers(1, 6, n),
         "channel": rng.choice(["web", "app", "phone"], n), "segment": rng.choice(["S1", "S2"], n),
         "tier": rng.choice(["A", "B", "C"], n)}
    latent = (2.0 * (r["csat"] - 3) + 0.6 * (r["needs_met"] - 3) + 0.4 * (r["enjoyment"] - 3)
              - 0.3 * (r["ces"] - 4) - 1.5 * (r["channel"] == "phone") + 0.7 * (r["channel"] == "app")
              - 1.0 * (r["segment"] == "S2") + 0.6 * (r["tier"] == "B") + rng.normal(0, 1.5, n))
    r["nps"] = np.clip(np.round(6 + latent), 0, 10).astype(int)
    return r


def insert(r: dict, con=None):
    """The rows into ``responses`` in one statement from a DataFrame (``executemany`` of thousands
    of rows is slow), then ``tiny_db`` refreshes the derived tables as an import would."""
    n = len(r["nps"])
    frame = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)], "day": [f"2026-01-{1 + i % 28:02d}" for i in range(n)],
        **{k: r[k] for k in ("channel", "segment", "nps", "csat", "ces", "needs_met", "enjoyment")},
        "noise": r["noise"].astype(str), "tier": r["tier"].astype(str)})
    con = con if con is not None else cxdata.connect(":memory:")
    con.register("planted", frame)
    con.execute("insert into responses (response_id, responded_at, channel, segment, nps, csat, ces, "
                "needs_met, enjoyment, attributes) select response_id, cast(day as timestamp), channel, "
                "segment, nps, csat, ces, needs_met, enjoyment, map(['noise', 'tier'], [noise, tier]) "
                "from planted")
    con.unregister("planted")
    return tiny_db(con=con)


def dummies(values: np.ndarray) -> list[np.ndarray]:
    levels = sorted(set(values))
    return [(values == v).astype(float) for v in levels[1:]]


def players(r: dict) -> dict[str, list[np.ndarray]]:
    """Each driver's columns, as numpy sees them (a category: its dummies)."""
    out = {k: [r[k].astype(float)] for k in ("csat", "ces", "needs_met", "enjoyment")}
    out["attr:noise"] = [r["noise"].astype(float)]
    for k in ("channel", "segment"):
        out[k] = dummies(r[k])
    out["attr:tier"] = dummies(r["tier"])
    return out


def ols_r2(y: np.ndarray, cols: list[np.ndarray]) -> float:
    x = np.column_stack([np.ones(len(y)), *cols])
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    resid = y - x @ beta
    return 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))


def brute_shapley(y: np.ndarray, groups: dict[str, list[np.ndarray]]) -> dict[str, float]:
    """Shapley values of R^2 by definition: every subset of the other players, regressed here."""
    names = list(groups)
    p = len(names)
    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            r2[subset] = ols_r2(y, [c for j in subset for c in groups[names[j]]])
    out = {}
    for j, name in enumerate(names):
        total = 0.0
        for subset, value in r2.items():
            if j not in subset:
                with_j = tuple(sorted((*subset, j)))
                w = math.factorial(len(subset)) * math.factorial(p - len(subset) - 1) / math.factorial(p)
                total += w * (r2[with_j] - value)
        out[name] = total
    return out


@pytest.fixture(scope="module")
def planted():
    r = planted_rows()
    return r, insert(r)


def test_planted_driver_first_noise_last_and_r2_is_numpys(planted):
    r, con = planted
    res = drivers.key_drivers(con, Filters(), "nps")
    names = [d.name for d in res.drivers]
    assert names[0] == "csat"
    assert names[-1] == "attr:noise"
    noise = res.drivers[-1]
    assert noise.importance < 0.002 and noise.kind == "rating"
    groups = players(r)
    y = r["nps"].astype(float)
    assert res.n == len(y) == 4000
    assert res.r2 == pytest.approx(ols_r2(y, [c for cols in groups.values() for c in cols]), abs=1e-8)
    assert sum(d.importance for d in res.drivers) == pytest.approx(res.r2, abs=1e-9)
    assert sum(d.share for d in res.drivers) == pytest.approx(100.0, abs=1e-6)
    assert res.method == "shapley"
    # touchpoint, region and product hold nothing here: left out, said so
    assert {x["name"] for x in res.left_out} == {"touchpoint", "region", "product"}


def test_importances_are_the_shapley_values_numpy_computes_by_definition(planted):
    r, con = planted
    res = drivers.key_drivers(con, Filters(), "nps")
    expected = brute_shapley(r["nps"].astype(float), players(r))
    got = {d.name: d.importance for d in res.drivers}
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-7), name


def test_correlation_is_pearson_for_scores_and_eta_for_categories(planted):
    r, con = planted
    res = {d.name: d for d in drivers.key_drivers(con, Filters(), "nps").drivers}
    y = r["nps"].astype(float)
    assert res["csat"].correlation == pytest.approx(np.corrcoef(y, r["csat"])[0, 1], abs=1e-9)
    assert res["ces"].correlation == pytest.approx(np.corrcoef(y, r["ces"])[0, 1], abs=1e-9)
    assert res["ces"].correlation < 0
    # eta: between-channel sum of squares over the total
    between = sum((r["channel"] == c).sum() * (y[r["channel"] == c].mean() - y.mean()) ** 2
                  for c in set(r["channel"]))
    eta = math.sqrt(between / ((y - y.mean()) @ (y - y.mean())))
    assert res["channel"].correlation == pytest.approx(eta, abs=1e-9)
    assert res["channel"].kind == "category" and res["channel"].n == 4000


def test_filters_apply_and_a_constant_dimension_is_left_out(planted):
    r, con = planted
    res = drivers.key_drivers(con, Filters(channel=("phone",)), "nps")
    keep = r["channel"] == "phone"
    assert res.n == int(keep.sum())
    assert "channel" in {x["name"] for x in res.left_out}
    sub = {k: v[keep] for k, v in r.items()}
    groups = players(sub)
    del groups["channel"]
    assert res.r2 == pytest.approx(ols_r2(sub["nps"].astype(float), [c for g in groups.values() for c in g]),
                                   abs=1e-8)


def test_kinds_keep_only_the_asked_drivers(planted):
    _, con = planted
    res = drivers.key_drivers(con, Filters(), "nps", kinds=("category",))
    assert {d.kind for d in res.drivers} == {"category"}
    assert {d.name for d in res.drivers} == {"channel", "segment", "attr:tier"}
    # without the scores the categories share all of R^2 between them
    assert sum(d.share for d in res.drivers) == pytest.approx(100.0)


def airline_rows(n: int = 3000, k: int = 13, seed: int = 11):
    """k service ratings 0-5 where 0 means 'not applicable' (about 5% each), NPS driven by the first."""
    rng = np.random.default_rng(seed)
    ratings = rng.integers(1, 6, (n, k))
    na = rng.random((n, k)) < 0.05
    nps = np.clip(np.round(5 + 1.5 * (ratings[:, 0] - 3) + 0.3 * (ratings[:, 1] - 3) + rng.normal(0, 1.2, n)), 0, 10)
    stored = np.where(na, 0, ratings)
    keys = [f"q{j:02d}" for j in range(k)]
    frame = pd.DataFrame({"response_id": [f"a{i}" for i in range(n)], "nps": nps.astype(int)}
                         | {key: stored[:, j].astype(str) for j, key in enumerate(keys)})
    con = cxdata.connect(":memory:")
    con.register("airline", frame)
    con.execute(f"insert into responses (response_id, responded_at, nps, attributes) "  # noqa: S608
                f"select response_id, timestamp '2026-02-01', nps, map({keys!r}, [{', '.join(keys)}]) from airline")
    con.unregister("airline")
    con = tiny_db(con=con)
    return con, stored, nps, keys


def test_not_applicable_codes_are_missing_and_many_drivers_use_relative_weights():
    con, stored, nps, keys = airline_rows()
    res = drivers.key_drivers(con, Filters(), "nps", na_codes=["0"])
    complete = (stored != 0).all(axis=1)
    assert res.n == int(complete.sum())  # listwise: every rating answered
    assert res.method == "relative_weights"  # 13 drivers: more than dominance.MAX_PLAYERS
    assert len(res.drivers) == 13 > dominance.MAX_PLAYERS
    assert res.drivers[0].name == "attr:q00"
    y = nps[complete].astype(float)
    x = [stored[complete, j].astype(float) for j in range(13)]
    assert res.r2 == pytest.approx(ols_r2(y, x), abs=1e-8)
    assert sum(d.importance for d in res.drivers) == pytest.approx(res.r2, abs=1e-9)
    # read as a number, 0 is a rating: every row counts and the fit is worse
    as_number = drivers.key_drivers(con, Filters(), "nps", na_codes=[])
    assert as_number.n == len(nps) and as_number.r2 < res.r2
    # the setting declares it for the data set
    con.execute("insert or replace into settings values ('rating_na_codes', '0')")
    assert drivers.key_drivers(con, Filters(), "nps").n == res.n


def test_relative_weights_agree_with_shapley_on_the_same_matrix(planted):
    r, _ = planted
    groups = players(r)
    cols = [r["nps"].astype(float)] + [c for g in groups.values() for c in g]
    corr = np.corrcoef(np.column_stack(cols).T)
    idx, start = [], 1
    for g in groups.values():
        idx.append(list(range(start, start + len(g))))
        start += len(g)
    exact = dominance.shapley(corr, idx)
    approx = dominance.relative_weights(corr, idx)
    assert approx.sum() == pytest.approx(exact.sum(), abs=1e-9)
    assert np.argmax(approx) == np.argmax(exact) == 0
    assert np.abs(approx - exact).max() < 0.02


def test_a_rarely_answered_score_is_left_out_not_allowed_to_empty_the_model():
    r = planted_rows(400, seed=3)
    con = insert(r)
    con.execute("update responses set enjoyment = null where try_cast(substr(response_id, 2) as int) % 3 <> 0")
    res = drivers.key_drivers(con, Filters(), "nps")
    assert "enjoyment" not in {d.name for d in res.drivers}
    reason = next(x["reason"] for x in res.left_out if x["name"] == "enjoyment")
    assert "134 of the 400" in reason
    assert res.n == 400


def test_too_few_answers_is_said_not_computed():
    r = planted_rows(20, seed=5)
    res = drivers.key_drivers(insert(r), Filters(), "nps")
    assert res.r2 is None and res.drivers == [] and "Too few answers (20)" in res.note


def test_cli_json_contract(tmp_path):
    path = tmp_path / "d.duckdb"
    con = cxdata.connect(path)
    r = planted_rows(1500, seed=9)
    insert(r, con=con)
    con.close()
    out = subprocess.run([sys.executable, "-m", "cxdata", "drivers", "--db", str(path), "--kpi", "nps",
                          "--channel", "web", "--channel", "app", "--json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    got = json.loads(out.stdout)
    assert {"kpi", "n", "r2", "drivers"} <= got.keys() and got["kpi"] == "nps"
    assert got["n"] == int(np.isin(r["channel"], ["web", "app"]).sum())
    for d in got["drivers"]:
        assert {"name", "kind", "importance", "share", "correlation", "n"} <= d.keys()
    imp = [d["importance"] for d in got["drivers"]]
    assert imp == sorted(imp, reverse=True) and got["drivers"][0]["name"] == "csat"
    assert sum(imp) == pytest.approx(got["r2"], abs=1e-9)
    text = subprocess.run([sys.executable, "-m", "cxdata", "drivers", "--db", str(path), "--kpi", "csat"],
                          capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "association, not cause" in text and "n=1,500" in text


def test_grouping_on_one_key_or_one_code_per_category_gives_the_same_figures(planted, monkeypatch):
    _, con = planted
    one_key = drivers.key_drivers(con, Filters(), "nps")
    many = [drivers.Candidate(f"c{i}", "category", "x", tuple(str(v) for v in range(2 ** 21))) for i in range(3)]
    assert driver_cells.key_strides(many) is None  # (2^21 + 1)^3 codes do not fit one 62-bit key
    monkeypatch.setattr(driver_cells, "key_strides", lambda cats: None)  # force the per-category grouping
    per_code = drivers.key_drivers(con, Filters(), "nps")
    assert per_code.r2 == pytest.approx(one_key.r2, abs=1e-12)
    assert [(d.name, round(d.importance, 12)) for d in per_code.drivers] == \
        [(d.name, round(d.importance, 12)) for d in one_key.drivers]


def test_partialling_out_wide_categories_gives_every_subsets_least_squares_r2():
    """``subset_r2`` partials the widest players out (touchpoints nested in channels, regions):
    every subset's R^2 must still be the one least squares gives on the rows."""
    rng = np.random.default_rng(3)
    n = 3000
    channel = rng.integers(0, 3, n)
    touch = channel * 4 + rng.integers(0, 4, n)  # 12 touchpoints, 4 in each channel
    region = rng.integers(0, 6, n)
    x1, x2 = rng.normal(size=(2, n))
    y = x1 + 0.5 * (touch % 5) + 0.3 * region - 0.2 * channel + rng.normal(size=n)
    cols = [y, x1, x2, *dummies(channel), *dummies(touch), *dummies(region)]
    corr = np.corrcoef(np.column_stack(cols), rowvar=False)
    groups = [[1], [2], [3, 4], list(range(5, 16)), list(range(16, 21))]
    assert sum(len(g) >= dominance.WIDE for g in groups) == 2  # touchpoints and regions are partialled
    values = dominance.subset_r2(corr, groups)
    for mask in range(1, 1 << len(groups)):
        expected = ols_r2(y, [cols[c] for j, g in enumerate(groups) if mask >> j & 1 for c in g])
        assert values[mask] == pytest.approx(expected, abs=1e-8), mask
