"""The Upload page previews a file and then imports it: the import reuses the rows the preview
read and checked (3-4 s for a million rows) only when nothing that changes them has changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxdata import db
from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file, pipeline, preview_file
from cxdata.queries import kpi_set

DATA = Path(__file__).parent / "data"


@pytest.fixture
def con(tmp_path):
    pipeline.forget_last()
    c = db.connect(tmp_path / "cx.duckdb")
    yield c
    c.close()
    pipeline.forget_last()


@pytest.fixture
def reads(monkeypatch):
    """How many times a file was read and how many times its rows were checked."""
    calls = {"read": 0, "check": 0}
    read, check = pipeline.read_raw, pipeline._prepare

    def counting_read(*a, **k):
        calls["read"] += 1
        return read(*a, **k)

    def counting_check(*a, **k):
        calls["check"] += 1
        return check(*a, **k)

    monkeypatch.setattr(pipeline, "read_raw", counting_read)
    monkeypatch.setattr(pipeline, "_prepare", counting_check)
    return calls


def test_the_import_after_a_preview_reuses_its_rows(con, tmp_path, reads):
    shown = preview_file(DATA / "clean.csv", con=con)
    assert reads == {"read": 1, "check": 1}
    result = import_file(con, DATA / "clean.csv")
    assert reads == {"read": 1, "check": 1}
    # the same as an import of the file on its own
    other = db.connect(tmp_path / "other.duckdb")
    pipeline.forget_last()
    alone = import_file(other, DATA / "clean.csv")
    assert (result.rows_read, result.loaded, result.rejected) == (alone.rows_read, alone.loaded, alone.rejected)
    assert result.rows_read == shown.rows_read
    assert kpi_set(con, Filters()).nps.value == kpi_set(other, Filters()).nps.value
    assert result.conversions == alone.conversions


def test_the_page_sequence_reuses_the_rows(con, reads):
    """The Upload page previews with the kind left to the library, then imports naming the
    kind the preview found."""
    shown = preview_file(DATA / "clean.csv", con=con, file_name="export.csv")
    import_file(con, DATA / "clean.csv", kind=shown.kind, file_name="export.csv")
    assert reads == {"read": 1, "check": 1}


def test_a_kind_other_than_the_one_found_checks_again(con, reads):
    shown = preview_file(DATA / "interactions.csv", con=con)
    assert shown.kind == "interactions"
    preview_file(DATA / "interactions.csv", con=con, kind="interactions")
    assert reads["check"] == 1
    with pytest.raises(IngestError, match="no score column"):  # one error, not a reject per row
        import_file(con, DATA / "interactions.csv", kind="responses")
    assert reads["check"] == 2


def test_an_import_empties_the_slot(con, reads):
    import_file(con, DATA / "clean.csv")
    preview_file(DATA / "clean.csv", con=con)
    assert reads == {"read": 2, "check": 2}


def test_a_changed_file_is_read_again(con, tmp_path, reads):
    path = tmp_path / "export.csv"
    shutil.copy(DATA / "clean.csv", path)
    preview_file(path, con=con)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")  # header and two rows
    result = import_file(con, path)
    assert reads == {"read": 2, "check": 2}
    assert result.rows_read == 2
    assert con.execute("select count(*) from responses").fetchone()[0] == 2


def test_other_choices_check_the_rows_again(con, reads):
    preview_file(DATA / "ces_plain.csv", con=con)
    # the CES direction said at import differs from the preview's: the scores are converted
    result = import_file(con, DATA / "ces_plain.csv", mapping={"ces.direction": "ease"})
    assert reads["check"] == 2
    assert any("8 - x" in c for c in result.conversions)
    assert sorted(r[0] for r in con.execute("select ces from responses").fetchall()) == [1, 2]


def test_a_changed_data_set_direction_checks_the_rows_again(con, reads):
    preview_file(DATA / "ces_plain.csv", con=con)
    db.set_setting(con, "ces_direction", "ease")
    import_file(con, DATA / "ces_plain.csv")
    assert reads["check"] == 2
