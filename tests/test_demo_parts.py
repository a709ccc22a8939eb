"""The first start's demo load in two transactions (``generate_demo(responses_ready=...)``): when
the first ends, another connection of the process sees every response with its counts and none of
the journey events; at the end the file holds what the one-transaction load writes, table for
table; a file left between the two parts (the process stopped) is built again."""

from __future__ import annotations

import duckdb
import pytest

from cxdata import db, demo, queries
from cxdata.filters import Filters

SIZE = {"responses": 3_000, "interactions": 15_000, "seed": 11}
TIMES = ("started_at", "finished_at")  # when the load ran: the only difference allowed


def _tables(con) -> dict[str, list[tuple]]:
    """Every table's rows in order, but the data version (bumped once per transaction) and the
    import's times."""
    out = {}
    for (table,) in con.execute("select table_name from information_schema.tables "
                                "where table_name <> 'schema_meta' order by 1").fetchall():
        cols = [c for (c,) in con.execute("select column_name from information_schema.columns where "
                                          "table_name = $t order by ordinal_position", {"t": table}).fetchall()
                if c not in TIMES]
        quoted = ", ".join(f'"{c}"' for c in cols)
        out[table] = con.execute(f"select {quoted} from {table} order by all").fetchall()  # noqa: S608
    return out


def _nps_by_hand(con) -> float:
    """NPS from the rows: % scores 9-10 minus % scores 0-6, over the answers with a score."""
    scores = [s for (s,) in con.execute("select nps from responses where nps is not null").fetchall()]
    return 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)


def test_two_parts_write_what_one_transaction_writes(tmp_path):
    one = db.connect(tmp_path / "one.duckdb")
    demo.generate_demo(one, **SIZE)
    path = tmp_path / "two.duckdb"
    two = db.connect(path)
    seen = {}

    def ready() -> None:  # what a page of the same process reads between the two parts
        other = duckdb.connect(str(path))
        seen["rows"] = other.execute("select (select count(*) from responses), (select count(*) from "
                                     "interactions), (select count(*) from journey_starts)").fetchone()
        seen["pending"] = db.get_setting(other, demo.PENDING)
        seen["nps"] = queries.kpi_set(other, Filters()).nps.value  # from the count tables
        seen["nps by hand"] = _nps_by_hand(other)
        seen["imports"] = other.execute("select count(*) from imports").fetchone()[0]
        other.close()

    result = demo.generate_demo(two, **SIZE, responses_ready=ready)
    assert seen["rows"] == (3_000, 0, 0)
    assert seen["pending"] == str(result["import_id"]) and seen["imports"] == 1
    assert seen["nps"] == pytest.approx(seen["nps by hand"], abs=1e-9)
    assert seen["nps"] == pytest.approx(queries.kpi_set(one, Filters()).nps.value, abs=1e-9)
    assert db.get_setting(two, demo.PENDING) is None
    assert two.execute("select count(*) from interactions").fetchone()[0] == 15_000
    tables, expected = _tables(two), _tables(one)
    assert tables.keys() == expected.keys()
    for table, rows in expected.items():
        assert tables[table] == rows, table
    assert len(expected["journey_starts"]) > 1_000 and len(expected["kpi_daily"]) > 100


def test_a_load_stopped_between_its_parts_is_built_again(tmp_path, monkeypatch):
    path = tmp_path / "cx.duckdb"
    con = db.connect(path)

    def stop() -> None:  # the server stops once the responses are stored
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate_demo(con, **SIZE, responses_ready=stop)
    half = con.execute("select (select count(*) from responses), (select count(*) from interactions)").fetchone()
    assert half == (3_000, 0) and db.get_setting(con, demo.PENDING) is not None
    con.close()

    real = demo.generate_demo
    monkeypatch.setattr(demo, "generate_demo", lambda con, **kw: real(con, **SIZE, **kw))
    demo.ensure_database(path)  # what the next start does
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("select (select count(*) from responses), (select count(*) from interactions), "
                           "(select count(*) from imports)").fetchone() == (3_000, 15_000, 1)
        assert db.get_setting(con, demo.PENDING) is None
        assert con.execute("select count(*) from journey_starts").fetchone()[0] > 1_000
    finally:
        con.close()
