"""Imports are atomic, idempotent and undoable; dry runs write nothing; mappings can be saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxdata import db
from cxdata.filters import Filters
from cxdata.ingest import (
    IngestError,
    import_file,
    import_rejects,
    list_imports,
    list_mappings,
    undo_import,
)
from cxdata.ingest import load as load_mod
from cxdata.queries import kpi_set

DATA = Path(__file__).parent / "data"


@pytest.fixture
def con(tmp_path):
    c = db.connect(tmp_path / "cx.duckdb")
    yield c
    c.close()


def check(result):
    assert result.rows_read == result.loaded + result.duplicates + result.rejected
    return result


def snapshot(con):
    k = kpi_set(con, Filters())
    return (
        con.execute("select count(*) from responses").fetchone()[0],
        con.execute("select count(*) from interactions").fetchone()[0],
        con.execute("select count(*) from imports").fetchone()[0],
        con.execute("select count(*) from import_rejects").fetchone()[0],
        db.data_version(con),
        k.nps.value, k.csat.value, k.ces.mean,
    )


def test_reimport_loads_nothing_twice(con):
    # Issue 16: the same content is refused, naming the earlier import (it used to load as duplicates)
    first = check(import_file(con, DATA / "clean.csv"))
    before = snapshot(con)
    with pytest.raises(IngestError, match=r"imported as import 1 .*--replace"):
        import_file(con, DATA / "clean.csv")
    assert (first.loaded, first.duplicates) == (4, 0)
    assert snapshot(con) == before
    # the same rows in another file of the same columns are duplicates already in the source
    again = check(import_file(con, (DATA / "clean.csv").read_bytes() + b"\n", file_name="clean_again.csv"))
    assert (again.loaded, again.duplicates, again.duplicates_in_source, again.rejected) == (0, 4, 4, 0)
    assert again.source == first.source
    assert con.execute("select count(*) from responses").fetchone()[0] == 4


def test_failure_mid_import_leaves_database_as_before(con, monkeypatch):
    check(import_file(con, DATA / "clean.csv"))
    before = snapshot(con)
    monkeypatch.setattr(load_mod, "CHUNK_ROWS", 1)  # one row per insert, so rows are written first
    real = load_mod._insert_chunk
    calls = []

    def failing(con_, kind, first, last, import_id):
        calls.append(first)
        real(con_, kind, first, last, import_id)
        if len(calls) == 2:  # after two rows were inserted
            raise RuntimeError("disk full")

    monkeypatch.setattr(load_mod, "_insert_chunk", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(con, DATA / "dates_mixed.csv")
    assert len(calls) == 2
    assert snapshot(con) == before
    # and the connection is usable: the same import succeeds afterwards
    monkeypatch.setattr(load_mod, "_insert_chunk", real)
    r = check(import_file(con, DATA / "dates_mixed.csv"))
    assert r.loaded == 5


def test_failure_survives_reopen(tmp_path, monkeypatch):
    path = tmp_path / "cx.duckdb"
    con = db.connect(path)
    check(import_file(con, DATA / "clean.csv"))
    before = snapshot(con)
    monkeypatch.setattr(load_mod, "_insert_chunk", lambda *a: (_ for _ in ()).throw(OSError("boom")))
    with pytest.raises(OSError):
        import_file(con, DATA / "bad_rows.csv")
    con.close()
    con = db.connect(path)
    assert snapshot(con) == before
    con.close()


def test_dry_run_writes_nothing(con):
    check(import_file(con, DATA / "clean.csv"))
    before = snapshot(con)
    r = check(import_file(con, DATA / "bad_rows.csv", dry_run=True, save_mapping_as="x"))
    assert r.import_id is None and r.status == "dry run"
    assert (r.loaded, r.rejected) == (2, 9)
    again = check(import_file(con, DATA / "clean.csv", dry_run=True))
    assert (again.loaded, again.duplicates) == (0, 4)
    assert snapshot(con) == before
    assert len(list_mappings(con)) == 0


def test_undo_removes_exactly_that_import(con):
    a = check(import_file(con, DATA / "clean.csv"))
    kpis_after_a = snapshot(con)[5:]
    b = check(import_file(con, DATA / "dates_mixed.csv", imported_by="anna"))
    v = db.data_version(con)
    assert undo_import(con, b.import_id) == 5
    assert db.data_version(con) == v + 1
    assert con.execute("select count(*) from responses").fetchone()[0] == 4
    assert con.execute("select count(*) from responses where import_id = $i",
                       {"i": a.import_id}).fetchone()[0] == 4
    assert snapshot(con)[5:] == kpis_after_a
    imports = list_imports(con)
    assert list(imports["import_id"]) == [b.import_id, a.import_id]  # newest first
    assert list(imports["status"]) == ["undone", "done"]
    assert imports.loc[0, "imported_by"] == "anna"
    with pytest.raises(IngestError, match="already undone"):
        undo_import(con, b.import_id)
    with pytest.raises(IngestError, match="no import 99"):
        undo_import(con, 99)
    # after an undo the same file loads again
    assert check(import_file(con, DATA / "dates_mixed.csv")).loaded == 5


def test_undo_interactions(con):
    r = check(import_file(con, DATA / "interactions.csv"))
    assert undo_import(con, r.import_id) == 4
    assert con.execute("select count(*) from interactions").fetchone()[0] == 0


def test_imports_table_and_rejects_recorded(con):
    r = check(import_file(con, DATA / "bad_rows.csv", file_name="upload from anna.csv"))
    row = list_imports(con).iloc[0]
    assert (row.file_name, row.kind, row.status) == ("upload from anna.csv", "responses", "done")
    assert (row.rows_read, row.loaded, row.duplicates, row.rejected) == (11, 2, 0, 9)
    rej = import_rejects(con, r.import_id)
    assert list(rej.columns) == ["line", "column", "value", "reason"]
    assert rej.iloc[0].to_dict() == {"line": 3, "column": "responded_at", "value": "2024-02-30",
                                     "reason": "not a date"}
    assert con.execute("select count(*) from responses where import_id is null").fetchone()[0] == 0


def test_saved_mapping_is_reused(con):
    # The saved mapping carries the option that the csat column is on a 0-5 scale.
    first = check(import_file(con, DATA / "scale_0_5.csv", mapping={"csat.scale": "0-5"},
                              save_mapping_as="acme survey"))
    saved = list_mappings(con)
    assert list(saved["name"]) == ["acme survey"]
    undo_import(con, first.import_id)
    again = check(import_file(con, DATA / "scale_0_5.csv", mapping_name="acme survey"))
    assert again.loaded == 6 and any("0-5 scale (as the import was told)" in c for c in again.conversions)
    with pytest.raises(IngestError, match="no saved mapping named 'nope'"):
        import_file(con, DATA / "scale_0_5.csv", mapping_name="nope")


def test_mapping_override_and_unknown_column(con):
    r = check(import_file(con, DATA / "delimiter_semicolon.csv", mapping={"channel": None}))
    assert "channel" not in r.mapping
    assert con.execute("select attributes['canale'] from responses where response_id = 's1'").fetchone() == ("web",)
    with pytest.raises(IngestError, match="'Nope' .mapped to nps. is not in the file"):
        import_file(con, DATA / "clean.csv", mapping={"nps": "Nope"})
    with pytest.raises(IngestError, match="not a field of responses"):
        import_file(con, DATA / "clean.csv", mapping={"revenue": "nps"})


def test_progress_is_reported(con):
    seen = []
    check(import_file(con, DATA / "clean.csv", progress=lambda f, m: seen.append((f, m))))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_ces_ease_data_set_keeps_ease_exports(con):
    db.set_setting(con, "ces_direction", "ease")
    r = check(import_file(con, DATA / "tool_typeform.csv"))  # "how easy": already ease
    assert not any("8 - x" in c for c in r.conversions)
    assert sorted(x[0] for x in con.execute("select ces from responses").fetchall()) == [2, 4, 7]
