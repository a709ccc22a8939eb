"""``python tests/helpers/wide_import.py N``: import a CSV of N columns (one data row) into an
in-memory database that already holds rows, and print one JSON line: the outcome, the message,
the seconds taken and whether the database is unchanged. Run in a subprocess so that a test can
bound the time with a timeout instead of hanging."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from cxdata import db
from cxdata.ingest import IngestError, import_file

DATA = Path(__file__).resolve().parent.parent / "data"


def snapshot(con) -> tuple:
    return tuple(con.execute(f"select count(*), sum(hash(t)) from {t} t").fetchone()  # noqa: S608
                 for t in ("responses", "interactions", "imports", "import_rejects"))


def main(n: int) -> dict:
    con = db.connect(":memory:")
    import_file(con, DATA / "clean.csv")
    header = ["response_id", "responded_at", "nps"] + [f"col{i}" for i in range(n - 3)]
    row = ["w1", "2024-01-01", "9"] + ["v"] * (n - 3)
    data = (",".join(header) + "\n" + ",".join(row) + "\n").encode()
    before = snapshot(con)
    began = time.perf_counter()
    try:
        result = import_file(con, data, file_name="wide.csv")
    except IngestError as exc:
        return {"outcome": "rejected", "message": str(exc), "seconds": time.perf_counter() - began,
                "unchanged": snapshot(con) == before}
    return {"outcome": "loaded", "loaded": result.loaded, "rows_read": result.rows_read,
            "rejected": result.rejected, "seconds": time.perf_counter() - began,
            "unchanged": snapshot(con) == before}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
