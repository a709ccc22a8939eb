"""A demo database plus one import whose labels are hostile: SQL fragments, HTML and markdown in
channels, segments, an attribute's name and its values. Shared by the URL and export tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cxdata import db, demo
from cxdata.ingest import import_file

SQL_CHANNEL = "' or 1=1 --"
HTML_CHANNEL = "<img src=x onerror=alert(1)>"
BOLD_CHANNEL = "<b>bold</b>"
DROP_SEGMENT = "'; drop table responses; --"
ATTR_KEY = "' or 1=1 --"
ATTR_VALUE = "<script>alert(1)</script>"
# Rows per hostile channel; their dates fall in the default view (the last 90 days of the demo).
ROWS_PER_CHANNEL = 12


def hostile_csv() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["response_id", "customer_id", "responded_at", "channel", "segment", "region",
                "nps", "csat", "ces", "comment", ATTR_KEY])
    i = 0
    for channel in (SQL_CHANNEL, HTML_CHANNEL, BOLD_CHANNEL):
        for k in range(ROWS_PER_CHANNEL):
            i += 1
            w.writerow([f"hostile-{i}", f"hc-{i}", f"2026-10-{1 + k:02d} 10:00:00", channel, DROP_SEGMENT,
                        "[link](http://evil.example)", (k * 3) % 11, 1 + k % 5, 1 + k % 7,
                        "=cmd|' /C calc'!A0", ATTR_VALUE])
    return buf.getvalue().encode("utf-8")


def build(path: Path, responses: int = 5_000, interactions: int = 20_000) -> Path:
    con = db.connect(path)
    try:
        demo.generate_demo(con, responses=responses, interactions=interactions, seed=5)
        result = import_file(con, hostile_csv(), file_name="<b>hostile</b> export.csv")
        assert result.loaded == 3 * ROWS_PER_CHANNEL, result.as_dict()
        con.execute("checkpoint")
    finally:
        con.close()
    return path
