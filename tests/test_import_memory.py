"""Issue 18, item 9: the import reads in bounded memory. A file the memory limit cannot hold is
refused, by its size before a byte is read, or by its rows after the one pass that fingerprints it;
an accepted file is imported with the process's peak resident memory under the limit plus the
margin the README states (measured on a real ``python -m cxdata import`` in a child process)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxdata import db
from cxdata.ingest import IngestError, import_file
from cxdata.ingest.source import BYTES_PER_FILE_BYTE, BYTES_PER_ROW

ROOT = Path(__file__).resolve().parent.parent
# The README's figure: an import's peak resident memory stays under its memory limit plus this
# (the interpreter and its libraries, about 180 MB, and what DuckDB allocates beside its limit).
MARGIN_MB = 300


@pytest.fixture
def capped(tmp_path):
    """A database whose DuckDB memory limit is 30 MB: an import may read a file of 10 MB."""
    c = db.connect(tmp_path / "cx.duckdb", memory_limit="30MB")
    yield c
    c.close()


def _responses(path: Path, rows: int) -> Path:
    """A canonical responses export of ``rows`` rows (about 110 bytes each)."""
    channels = ("web", "app", "phone", "store", "email")
    with path.open("w") as f:
        f.write("response_id,customer_id,responded_at,channel,touchpoint,journey_stage,segment,"
                "region,product,nps,csat,ces,comment\n")
        f.writelines(f"R{i},C{i % 9973},2026-0{1 + i % 9}-{1 + i % 28:02d}T{i % 24:02d}:00:00,"
                     f"{channels[i % 5]},checkout,purchase,Consumer,Lazio,Fibra,{i % 11},"
                     f"{1 + i % 5},{1 + i % 7},answer {i % 97}\n" for i in range(rows))
    return path


def test_a_file_over_the_memory_limit_is_refused_before_it_is_read(capped, tmp_path):
    """1 GB (a sparse file: no disk, and all zeros, which a read would call binary) under a
    30 MB limit: refused at once, on its size, with the limit and the --memory-limit that would do.
    Before item 9 every file under 2,000 MB was read whole, whatever the limit."""
    big = tmp_path / "year.csv"
    with big.open("wb") as f:
        f.truncate(1_000_000_000)
    started = time.perf_counter()
    with pytest.raises(IngestError) as info:
        import_file(capped, big)
    assert time.perf_counter() - started < 2  # reading 1 GB, even of zeros, takes longer
    # 3 bytes held per byte of file: 3.0 GB needed, 0.03 GB allowed (30MB = 30,000,000 bytes)
    assert str(info.value) == (
        "year.csv is 1,000 MB, more than an import can read within a memory limit of 0.03 GB (it "
        "holds about 3.00 GB while reading this file): split the export by month and import the "
        "parts, or run the import with --memory-limit 3.0GB or more (CX_MEMORY_LIMIT for the "
        "dashboard) if the machine has the memory.")
    assert capped.execute("select count(*) from imports").fetchone()[0] == 0


def test_many_short_rows_are_refused_by_their_rows(capped, tmp_path):
    """A file under the size limit whose rows cost more than their bytes: 100,000 rows of
    ``id,date,nps`` (1.9 MB) need 3 x 1.9 MB + 300 B x 100,001 lines = 35.7 MB, over 30 MB."""
    path = tmp_path / "short.csv"
    path.write_text("id,date,nps\n" + "".join(f"{i},2026-01-02,9\n" for i in range(100_000)))
    size = path.stat().st_size
    need = BYTES_PER_FILE_BYTE * size + BYTES_PER_ROW * 100_001
    assert size < 30_000_000 // BYTES_PER_FILE_BYTE and need > 30_000_000
    with pytest.raises(IngestError, match=r"short\.csv is 2 MB in 100,001 lines, more than an import "
                                          r"can read within a memory limit of 0\.03 GB \(it holds "
                                          r"about 0\.04 GB .* --memory-limit 0\.1GB or more"):
        import_file(capped, path)
    # the same rows, fewer of them, are imported: 10,000 rows need 3.6 MB
    few = tmp_path / "few.csv"
    few.write_text("id,date,nps\n" + "".join(f"{i},2026-01-02,9\n" for i in range(10_000)))
    assert import_file(capped, few).loaded == 10_000


def test_an_upload_over_the_limit_is_refused_too(capped):
    """The Upload page hands bytes: the same limit applies, on their length."""
    data = b"id,date,nps\n" + b"1,2026-01-02,9\n" * 800_000  # 12 MB, over the 10 MB of 30 MB
    with pytest.raises(IngestError, match=r"upload\.csv is 12 MB, more than an import can read"):
        import_file(capped, data, file_name="upload.csv")


# The child reads its own high-water mark after the import: VmHWM counts only the memory of the
# program it runs. (``wait4``'s ru_maxrss does not do: Linux carries the parent's resident size at
# the fork into the child's figure, so after a few hundred tests in this process it read 1.75 GB.)
_RUNNER = """
import sys
from cxdata.cli import main
code = main(sys.argv[1:])
with open('/proc/self/status') as status:
    peak = next(line.split()[1] for line in status if line.startswith('VmHWM'))
sys.stderr.write('CX_PEAK_KB ' + peak + chr(10))
sys.exit(code)
"""


def _peak_import(path: Path, db_path: Path, cap: str) -> tuple[int, float, str]:
    """(exit code, peak resident MB, stderr) of ``python -m cxdata import`` in a child process."""
    env = {k: v for k, v in os.environ.items() if k not in ("CX_MAX_IMPORT_MB", "CX_MEMORY_LIMIT")}
    proc = subprocess.run([sys.executable, "-c", _RUNNER, "import", str(path), "--db", str(db_path),
                           "--memory-limit", cap], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=600)
    peaks = [line.split()[1] for line in proc.stderr.splitlines() if line.startswith("CX_PEAK_KB ")]
    return proc.returncode, (int(peaks[-1]) * 1024 / 1e6 if peaks else float("inf")), proc.stderr


def test_an_accepted_file_is_imported_under_the_limit_plus_the_margin(tmp_path):
    """A 430,000-row export (40 MB: 3 x 40 MB + 300 B x 430,001 lines = 250 MB needed, just under
    a 256 MB limit): imported whole, peak under 256 MB + the margin (measured: 492 MB). Before
    item 9 the import held the file, its text and its rows beside DuckDB's 256 MB: 640 MB."""
    path = _responses(tmp_path / "responses.csv", 430_000)
    size = path.stat().st_size
    assert BYTES_PER_FILE_BYTE * size + BYTES_PER_ROW * 430_001 < 255_000_000  # DuckDB's 256MB: 244.1 MiB
    code, peak, err = _peak_import(path, tmp_path / "cx.duckdb", "256MB")
    assert code == 0, err
    con = db.connect(tmp_path / "cx.duckdb", read_only=True)
    try:
        assert con.execute("select count(*) from responses").fetchone()[0] == 430_000
    finally:
        con.close()
    assert peak < 256 + MARGIN_MB, f"peak {peak:.0f} MB"
