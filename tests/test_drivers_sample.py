"""The key drivers' fixed sample (``cube.SAMPLE_TABLE``, read by ``insight.driver_cells.source``
when the filters keep many answers): the same figures as the plain pass over the same rows, the
same rows after any imports and undos, an upgrade that fills it, and the plain pass when it is
missing. Which rows are in the sample is asked of DuckDB's ``hash`` of the literal ids (the
sample's definition); everything else is computed from the rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import old_schema  # tests/ is on sys.path under pytest
from test_drivers import insert, planted_rows

from cxdata import cube, db
from cxdata.filters import Filters
from cxdata.ingest import import_file, undo_import
from cxdata.insight import drivers

EVERY = cube.SAMPLE_EVERY
COLUMNS = "import_id, responded_at, channel, segment, nps, csat, ces, needs_met, enjoyment, cast(attributes as varchar)"


def in_sample(con, ids: list[str], parts: int = cube.SAMPLE_PARTS) -> np.ndarray:
    """Which of ``ids`` the sample's rule keeps: hash(id) a multiple of ``SAMPLE_EVERY``, and (in
    its first ``parts`` parts) the hash's next bits below ``parts``."""
    con.register("ids_frame", pd.DataFrame({"id": ids}))
    sql = (f"select hash(id) % {EVERY} = 0 and hash(id) // {EVERY} % {cube.SAMPLE_PARTS} < {parts} as keep "  # noqa: S608
           "from ids_frame")
    keep = con.execute(sql).fetchnumpy()["keep"]
    con.unregister("ids_frame")
    return np.asarray(keep, dtype=bool)


def subset(r: dict, keep: np.ndarray) -> dict:
    return {k: v[keep] for k, v in r.items()}


def figures(res: drivers.DriverResult) -> list[tuple]:
    return [(d.name, d.kind, d.importance, d.correlation, d.n) for d in res.drivers]


def assert_same_figures(a: drivers.DriverResult, b: drivers.DriverResult, rtol: float = 1e-9) -> None:
    assert (a.n, a.n_outcome, a.method) == (b.n, b.n_outcome, b.method)
    assert a.r2 == pytest.approx(b.r2, rel=rtol)
    assert [x[:2] + x[4:] for x in figures(a)] == [x[:2] + x[4:] for x in figures(b)]
    for x, y in zip(figures(a), figures(b), strict=True):
        assert x[2] == pytest.approx(y[2], rel=rtol, abs=1e-15) and x[3] == pytest.approx(y[3], rel=rtol)


def sample_rows(con) -> list[tuple]:
    return con.execute(f"select {COLUMNS} from {cube.SAMPLE_TABLE} order by all").fetchall()  # noqa: S608


def rule_rows(con) -> list[tuple]:
    """The rows of ``responses`` the rule keeps, as the sample stores them."""
    sql = f"select {COLUMNS} from responses where hash(response_id) % {EVERY} = 0 order by all"  # noqa: S608
    return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def planted():
    r = planted_rows(8000, seed=11)
    return r, insert(r)


@pytest.mark.parametrize("f", [Filters(), Filters(channel=("web", "app")), Filters(segment=("S2",))])
def test_the_sample_gives_the_plain_pass_figures_of_its_rows(planted, f):
    r, con = planted
    keep = in_sample(con, [f"r{i}" for i in range(len(r["nps"]))])
    assert 300 < keep.sum() < 700  # about 8,000 / 16
    sampled = drivers.key_drivers(con, f, "nps", sample_above=0)
    only_those = insert(subset(r, keep))  # a file holding just the sampled rows, read in full
    plain = drivers.key_drivers(only_those, f, "nps", sample_above=None)
    assert sampled.sample_every == EVERY and plain.sample_every is None
    assert_same_figures(sampled, plain)
    rows = keep & (np.isin(r["channel"], f.channel) if f.channel else True) & (
        np.isin(r["segment"], f.segment) if f.segment else True)
    assert sampled.n == sampled.n_outcome == int(rows.sum())
    assert f"1 answer in {EVERY}" in sampled.note and f"{sampled.n:,} with every driver" in sampled.note
    assert sampled.as_dict()["sample_every"] == EVERY
    assert sampled.drivers[0].name == "csat"  # the planted driver leads in the sample too


def test_many_sampled_rows_are_read_from_fewer_parts(planted, monkeypatch):
    r, con = planted
    ids = [f"r{i}" for i in range(len(r["nps"]))]
    n_sampled, n_first = int(in_sample(con, ids).sum()), int(in_sample(con, ids, parts=1).sum())
    # the sample's answers estimated from its first part: 16 n_first in 16 parts, 8 n_first in 8,
    # 4 n_first in 4; at most 16 n_first / 3 answers: 4 parts are read
    monkeypatch.setattr(drivers, "SAMPLE_ROWS", 16 * n_first // 3)
    res = drivers.key_drivers(con, Filters(), "nps", sample_above=0)
    keep = in_sample(con, ids, parts=4)
    assert res.sample_every == EVERY * cube.SAMPLE_PARTS // 4 == 64
    assert res.n == int(keep.sum()) and 0.15 < keep.sum() / n_sampled < 0.35
    assert_same_figures(res, drivers.key_drivers(insert(subset(r, keep)), Filters(), "nps", sample_above=None))
    assert "1 answer in 64" in res.note


def test_the_sample_answers_only_above_the_threshold(planted):
    r, con = planted
    n_first = int(in_sample(con, [f"r{i}" for i in range(len(r["nps"]))], parts=1).sum())
    estimate = n_first * cube.SAMPLE_PARTS * EVERY  # the answers, estimated from the sample's first part
    assert drivers.key_drivers(con, Filters(), "nps").sample_every is None  # 8,000 answers: every row
    assert drivers.key_drivers(con, Filters(), "nps", sample_above=estimate - 1).sample_every == EVERY
    exact = drivers.key_drivers(con, Filters(), "nps", sample_above=estimate)
    assert exact.sample_every is None and exact.n == 8000 and "sample" not in (exact.note or "")


def test_without_the_sample_table_every_row_is_read():
    con = insert(planted_rows(3000, seed=5))
    plain = drivers.key_drivers(con, Filters(), "nps", sample_above=None)
    con.execute(f"drop table {cube.SAMPLE_TABLE}")  # noqa: S608 - a file without it
    res = drivers.key_drivers(con, Filters(), "nps", sample_above=0)
    assert res.sample_every is None and res.n == 3000
    assert_same_figures(res, plain, rtol=0)


def write_csv(path, r: dict, prefix: str) -> None:
    n = len(r["nps"])
    pd.DataFrame({"response_id": [f"{prefix}{i}" for i in range(n)],
                  "responded_at": [f"2026-02-{1 + i % 28:02d}" for i in range(n)],
                  **{k: r[k] for k in ("channel", "segment", "nps", "csat", "ces", "needs_met", "enjoyment")},
                  }).to_csv(path, index=False)


def test_an_import_and_its_undo_refresh_the_sample(tmp_path):
    con = db.connect(tmp_path / "cx.duckdb")
    first = planted_rows(3000, seed=3)
    insert(first, con=con)
    before_rows = sample_rows(con)
    assert before_rows == rule_rows(con) and len(before_rows) > 100
    before = drivers.key_drivers(con, Filters(), "nps", sample_above=0)
    second = planted_rows(5000, seed=4)
    write_csv(tmp_path / "more.csv", second, "x")
    result = import_file(con, tmp_path / "more.csv")
    assert result.loaded == 5000
    assert sample_rows(con) == rule_rows(con)
    added = int(in_sample(con, [f"x{i}" for i in range(5000)]).sum())
    assert len(sample_rows(con)) == len(before_rows) + added and added > 200
    after = drivers.key_drivers(con, Filters(), "nps", sample_above=0)
    assert after.n == before.n + added  # every planted row answers every score
    undo_import(con, result.import_id)
    assert sample_rows(con) == before_rows
    assert_same_figures(drivers.key_drivers(con, Filters(), "nps", sample_above=0), before, rtol=1e-12)
    con.close()


def test_an_upgrade_from_v8_fills_the_sample(tmp_path):
    path = tmp_path / "v8.duckdb"
    con = db.connect(path)
    r = planted_rows(2000, seed=8)
    insert(r, con=con)
    expected = sample_rows(con)
    assert len(expected) == int(in_sample(con, [f"r{i}" for i in range(2000)]).sum())
    con.execute(f"drop table {cube.SAMPLE_TABLE}")  # noqa: S608 - as schema v8 left the file
    old_schema.as_version(con, 8)
    con = old_schema.reopened(con, path)
    assert sample_rows(con) == expected
    con.close()
