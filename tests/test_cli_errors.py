"""Issue 18, item 8: the command line says what went wrong in one sentence, with its exit code
(2 bad input, 1 failure), never a traceback: a corrupt or truncated database file, a database of a
newer schema, a full disk, a date format that is not one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cxdata import cli, db, upkeep

ROOT = Path(__file__).resolve().parent.parent


def main(capsys, *argv) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().err


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "cx.duckdb"
    con = db.connect(path)
    con.execute("insert into responses (response_id, responded_at, nps) values ('a', '2026-01-02', 9)")
    upkeep.rebuild_all(con)  # inserted outside an import: the count tables too
    con.close()
    return path


def test_a_truncated_database_file_is_one_sentence(good, tmp_path, capsys):
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(good.read_bytes()[:5000])
    code, err = main(capsys, "kpis", "--db", str(cut))
    assert code == 2 and "is not a DuckDB database this program can open" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_file_of_another_kind_is_one_sentence(tmp_path, capsys):
    other = tmp_path / "notes.duckdb"
    other.write_text("minutes of the meeting\n")
    code, err = main(capsys, "imports", "--db", str(other))
    assert code == 2 and "corrupt, truncated, or another kind of file" in err


def test_a_newer_schema_is_refused_and_left_alone(good, capsys):
    con = db.connect(good)
    con.execute("update schema_meta set value = '99' where key = 'schema_version'")
    con.close()
    before = good.read_bytes()
    code, err = main(capsys, "kpis", "--db", str(good))
    assert code == 1 and "newer than this program's" in err and "upgrade the program" in err
    assert good.read_bytes() == before


@pytest.mark.parametrize(("fmt", "words"), [("%Q", "bad directive"), ("dd/mm/yyyy", "not a date format")])
def test_a_date_format_that_is_not_one_is_refused(tmp_path, fmt, words):
    csv = tmp_path / "a.csv"
    csv.write_text("id,date,nps\n1,02/01/2026,9\n")
    out = subprocess.run([sys.executable, "-m", "cxdata", "import", str(csv), "--db", str(tmp_path / "x.duckdb"),
                          "--date-format", fmt], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr


def test_a_full_disk_is_said_and_nothing_is_written(tmp_path, capsys):
    """A 3 MB tmpfs for the database: the import of a 10 MB file runs out of room mid-way."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        path = mnt / "cx.duckdb"
        db.connect(path).close()
        csv = tmp_path / "big.csv"
        # comments that do not compress, so the rows cannot fit in 3 MB
        rows = [f"{i},2026-01-02,{i % 11},{(i * 2654435761) % 10**12:012d}{i:08x}" for i in range(200_000)]
        csv.write_text("id,date,nps,comment\n" + "\n".join(rows) + "\n")
        code, err = main(capsys, "import", str(csv), "--db", str(path))
        assert code == 1 and "The disk is full" in err and "nothing was written" in err
        assert "Traceback" not in err
        con = db.connect(path, read_only=True)
        assert con.execute("select count(*) from responses").fetchone()[0] == 0
        assert con.execute("select count(*) from imports").fetchone()[0] == 0
        con.close()
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)


@pytest.mark.parametrize(("flag", "value", "used"), [("--to", "9999-12-31", "2199-12-31"),
                                                     ("--from", "0001-01-01", "1900-01-01")])
def test_extreme_dates_on_the_command_line_are_clamped_with_a_notice(good, capsys, flag, value, used):
    """Issue 18, item 1: `kpis --to 9999-12-31` printed a traceback (the day after the end overflowed)."""
    code = cli.main(["kpis", "--db", str(good), flag, value, "--json"])
    out = capsys.readouterr()
    assert code == 0 and "Traceback" not in out.err
    assert f"{value} is outside the dates" in out.err and f"{used} was used" in out.err
    import json

    assert json.loads(out.out)["nps"]["n"] == 1  # the one response, 2026-01-02, is inside either way
