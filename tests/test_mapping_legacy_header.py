"""Issue 17, item 7: Qualtrics' legacy export (two header rows, the question texts in the second,
no ImportId row) is recognised: the question row is a header, not a data row."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.mapping import DATA  # noqa: E402 - the shared literal files

from cxdata.filters import Filters
from cxdata.ingest import import_file, preview_file
from cxdata.ingest.read import detect_header
from cxdata.queries import kpi_set


def test_detect_header_legacy_qualtrics():
    assert detect_header([["ResponseID", "StartDate", "EndDate", "Q1"],
                          ["ResponseID", "StartDate", "EndDate", "How likely?"],
                          ["R_1", "2016-03-01", "2016-03-01", "10"]]) == ("qualtrics-legacy", 2)
    assert detect_header([["V1", "V2", "V8", "Q1"], ["ResponseID", "ResponseSet", "StartDate", "Why?"],
                          ["R_1", "Default Response Set", "2014-08-26", "ok"]]) == ("qualtrics-legacy", 2)
    # a plain file whose first data row happens to hold dates is not one
    assert detect_header([["ResponseID", "StartDate", "nps"], ["R_1", "2016-03-01", "9"]]) == ("plain", 1)


def test_legacy_export_with_codes_in_the_first_row(con):
    p = preview_file(DATA / "qualtrics_legacy.csv")
    assert (p.header_style, p.header_lines, p.rows_read) == ("qualtrics-legacy", 2, 3)
    assert p.labels["Q1"] == "How likely are you to recommend Acme to a friend or colleague?"
    assert p.mapping == {"response_id": "ResponseID", "responded_at": "EndDate", "nps": "Q1",
                         "csat": "Q2", "comment": "Q3"}
    assert "Qualtrics legacy export: 2 header rows read as one." in p.conversions
    r = import_file(con, DATA / "qualtrics_legacy.csv")
    assert (r.rows_read, r.loaded, r.rejected) == (3, 3, 0)
    k = kpi_set(con, Filters())
    assert k.nps.value == pytest.approx(0.0)  # 10, 3, 8: one promoter, one detractor
    assert k.csat.value == pytest.approx(200 / 3)  # 5, 2, 4
    keys = {r[0] for r in con.execute("select distinct unnest(map_keys(attributes)) from responses").fetchall()}
    assert not keys & {"IPAddress", "LocationLatitude", "LocationLongitude", "RecipientEmail"}


def test_legacy_export_with_v_codes(con):
    p = preview_file(DATA / "qualtrics_legacy_v.csv")
    assert (p.header_style, p.header_lines, p.rows_read) == ("qualtrics-legacy", 2, 2)
    assert p.columns[:3] == ["ResponseID", "ResponseSet", "Name"]
    assert p.mapping == {"response_id": "ResponseID", "responded_at": "EndDate", "nps": "Q1",
                         "comment": "Q2"}
    import_file(con, DATA / "qualtrics_legacy_v.csv")
    rows = con.execute("select response_id, responded_at, nps from responses order by 1").fetchall()
    assert rows == [("R_a1", datetime(2014, 8, 26, 10, 5), 9), ("R_b2", datetime(2014, 8, 27, 11, 3), 6)]
