"""The ``funnel`` command's contract: ``python -m cxdata funnel [FILTERS] [--window DAYS]
[--mode strict|any] --json`` prints the library's counts and days to each step, nothing else."""

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers.tiny import tiny_db

import cxdata
from cxdata import funnel
from cxdata.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 3, 1, 9, 0)
# (customer, day, channel, stage, segment); ann buys before she considers
EVENTS = [
    ("ann", 0, "web", "awareness", "SME"), ("ann", 1, "web", "purchase", "SME"),
    ("ann", 3, "web", "consideration", "SME"),
    ("bo", 0, "web", "awareness", "SME"), ("bo", 2, "web", "consideration", "SME"),
    ("bo", 2.5, "store", "purchase", "SME"),
    ("cy", 0, "app", "awareness", "Consumer"), ("cy", 10, "app", "consideration", "Consumer"),
]


def run(*args):
    return subprocess.run([sys.executable, "-m", "cxdata", "funnel", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def funnel_db(tmp_path):
    path = tmp_path / "cx.duckdb"
    rows = [(f"e{i}", c, T0 + timedelta(days=d), ch, st, seg) for i, (c, d, ch, st, seg) in enumerate(EVENTS)]
    con = tiny_db("interactions", ("event_id", "customer_id", "occurred_at", "channel", "stage", "segment"), rows,
                  con=cxdata.connect(path))
    con.close()
    return path


@pytest.mark.parametrize("args, filters, window, mode", [
    ((), Filters(), 30, "strict"),
    (("--mode", "any"), Filters(), 30, "any"),
    (("--window", "7", "--segment", "SME"), Filters(segment=("SME",)), 7, "strict"),
    (("--channel", "web", "--channel", "store", "--mode", "any", "--from", "2024-03-01"),
     Filters(channel=("web", "store"), date_from=T0.date()), 30, "any"),
])
def test_json_equals_the_library(funnel_db, args, filters, window, mode):
    out = run("--db", str(funnel_db), "--json", *args)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    con = cxdata.connect(funnel_db)
    steps = funnel.funnel_steps(con, filters, window_days=window, mode=mode)
    days = funnel.days_to_step(con, filters, window_days=window, mode=mode)
    assert (got["window_days"], got["mode"]) == (window, mode)
    assert got["counts"] == {ch: dict(zip(g["stage"], g["customers"].tolist(), strict=True))
                             for ch, g in steps.groupby("channel")}
    expected = {}
    for r in days.itertuples():
        expected.setdefault(r.stage, {})[r.channel] = [None if r.median != r.median else r.median, r.n]
    assert {s: {ch: [v["median"], v["n"]] for ch, v in by.items()} for s, by in got["days_to_step"].items()} == expected
    assert set(got["days_to_step"]["consideration"][funnel.ALL_CHANNELS]) >= {"median", "p25", "p75", "n"}


def test_by_hand(funnel_db):
    got = json.loads(run("--db", str(funnel_db), "--json").stdout)
    # across channels: ann, bo, cy start; ann and bo consider (3 and 2 days), cy after 10 days;
    # bo buys half a day after considering (in the store); ann bought before considering
    assert got["counts"][funnel.ALL_CHANNELS] == {"awareness": 3, "consideration": 3, "purchase": 1,
                                                  "retention": 0, "advocacy": 0}
    assert got["days_to_step"]["consideration"][funnel.ALL_CHANNELS] == {
        "median": 3.0, "p25": 2.5, "p75": 6.5, "n": 3, "entered": 3, "within_1": 0.0,
        "within_7": pytest.approx(200 / 3), "within_30": 100.0}
    assert got["days_to_step"]["purchase"][funnel.ALL_CHANNELS]["median"] == 0.5
    anyway = json.loads(run("--db", str(funnel_db), "--json", "--mode", "any").stdout)
    assert anyway["counts"][funnel.ALL_CHANNELS]["purchase"] == 2  # ann counts in any order
    assert anyway["counts"]["web"] == {"awareness": 2, "consideration": 2, "purchase": 1, "retention": 0,
                                       "advocacy": 0}


def test_text_output_and_bad_arguments(funnel_db):
    out = run("--db", str(funnel_db), "--window", "7")
    assert out.returncode == 0, out.stderr
    assert "window 7 days · strict order" in out.stdout
    # ann 3 days and bo 2 to consider, on the web: two customers, a small sample
    assert "median 2.5 days (p25 2.2, p75 2.8)  small sample" in out.stdout
    assert run("--db", str(funnel_db), "--mode", "sideways").returncode == 2
    assert run("--db", str(funnel_db), "--window", "-1").returncode == 2
