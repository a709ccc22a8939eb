"""Issue 16, property: any sequence of imports (overlapping ids, files with and without an id
column, the same file again, --replace) and undos leaves the database equal, table by table, to
replaying the surviving imports, in their order, into an empty database."""

from __future__ import annotations

from helpers.dbstate import assert_same, canonical
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxdata import db
from cxdata.ingest import IngestError, import_file, undo_import

ROW = st.tuples(st.integers(1, 6), st.sampled_from(["2026-01-01", "2026-01-02", "2026-01-03"]),
                st.integers(0, 10), st.sampled_from(["", "slow", "kind"]))
FILE = st.tuples(st.booleans(), st.sampled_from(["s1", "s2"]), st.lists(ROW, min_size=1, max_size=6))
OP = st.one_of(st.tuples(st.just("import"), st.integers(0, 3), st.booleans()),
               st.tuples(st.just("undo"), st.integers(0, 5), st.just(False)))


def render(with_id: bool, rows) -> bytes:
    head = "id,date,nps,remark" if with_id else "date,nps,remark"
    lines = [f"{i},{d},{n},{r}" if with_id else f"{d},{n},{r}" for i, d, n, r in rows]
    return ("\n".join([head, *lines]) + "\n").encode()


def do_import(con, files, idx: int, replace: bool = False):
    with_id, source, rows = files[idx]
    return import_file(con, render(with_id, rows), file_name=f"f{idx}.csv", source=source, replace=replace)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(FILE, min_size=4, max_size=4), ops=st.lists(OP, min_size=1, max_size=7))
def test_any_history_equals_replaying_the_survivors(files, ops):
    con = db.connect(":memory:")
    for op, arg, replace in ops:
        if op == "import":
            before = canonical(con)
            try:
                do_import(con, files, arg, replace)
            except IngestError as exc:  # refused (the same content while an import of it stands,
                # or too many rejects): nothing changed
                assert replace is False or "imported as import" not in str(exc)
                assert_same(canonical(con), before)
        else:
            live = [r[0] for r in con.execute("select import_id from imports where status = 'done' "
                                              "order by import_id").fetchall()]
            if live:
                undo_import(con, live[arg % len(live)])
    survivors = [int(r[0][1:-4]) for r in con.execute(
        "select file_name from imports where status = 'done' order by import_id").fetchall()]
    replay = db.connect(":memory:")
    for idx in survivors:
        do_import(replay, files, idx)
    assert_same(canonical(con), canonical(replay))
