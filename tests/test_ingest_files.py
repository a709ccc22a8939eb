"""One small file per quirk in tests/data/: rows loaded, rejects with their reasons, KPIs after load.

Expected KPIs are computed by hand from the literal rows, in the comment of each case.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from cxdata.db import connect
from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file, import_rejects, preview_file
from cxdata.queries import kpi_set

DATA = Path(__file__).parent / "data"


@pytest.fixture
def con():
    c = connect(":memory:")
    yield c
    c.close()


def check(result):
    assert result.rows_read == result.loaded + result.duplicates + result.rejected
    assert len(result.rejects) == result.rejected
    return result


def approx(x):
    return pytest.approx(x, abs=1e-9)


# file, kwargs, (rows_read, loaded, duplicates, rejected), rejects [(line, column, reason)],
# expected NPS, CSAT (% satisfied), CES mean (None: no such answers)
CASES = [
    # NPS 10, 9, 7, 3: 2 promoters, 1 detractor of 4 -> 25; CSAT 5,4,3,2 -> 2/4; CES (2+1+4+6)/4
    ("clean.csv", {}, (4, 4, 0, 0), [], 25.0, 50.0, 3.25),
    # 9, 10, 5 -> (2 - 1)/3; CSAT 4, 5, 2 -> 2/3
    ("delimiter_semicolon.csv", {}, (3, 3, 0, 0), [], 100 / 3, 200 / 3, None),
    ("delimiter_tab.tsv", {}, (2, 2, 0, 0), [], 0.0, None, None),  # 10 and 0
    ("delimiter_pipe.csv", {}, (3, 3, 0, 0), [], None, 200 / 3, None),  # 5, 1, 4
    ("encoding_utf8_bom.csv", {}, (2, 2, 0, 0), [], 0.0, 50.0, None),  # 10, 6; 5, 3
    ("encoding_utf16.csv", {}, (2, 2, 0, 0), [], 50.0, None, None),  # 9, 8
    ("encoding_cp1252.csv", {}, (2, 2, 0, 0), [], 0.0, None, None),  # 10, 4
    ("dates_dayfirst.csv", {}, (3, 3, 0, 0), [], 100 / 3, None, None),  # 10, 9, 0
    ("dates_monthfirst.csv", {}, (3, 3, 0, 0), [], 100 / 3, None, None),
    ("dates_ambiguous.csv", {}, (2, 2, 0, 0), [], 100.0, None, None),
    ("dates_two_digit_years.csv", {}, (3, 3, 0, 0), [], 100 / 3, None, None),  # 10, 7, 8
    # 10, 9, 3, 8 loaded (31-Feb rejected) -> (2 - 1)/4
    ("dates_month_names.csv", {}, (5, 4, 0, 1), [(6, "date", "not a date")], 25.0, None, None),
    ("dates_mixed.csv", {}, (5, 5, 0, 0), [], 20.0, None, None),  # 10, 9, 6, 8, 7 -> (2-1)/5
    ("dates_timezones.csv", {}, (4, 4, 0, 0), [], 50.0, None, None),  # 10, 9, 8, 7
    # Qualtrics 10, 4, 8 -> 0; CSAT 5, 2, 4 -> 2/3
    ("tool_qualtrics.csv", {}, (3, 3, 0, 0), [], 0.0, 200 / 3, None),
    # SurveyMonkey 10, 6, 9 -> 1/3; CSAT labels 5, 2, 4 -> 2/3
    ("tool_surveymonkey.csv", {}, (3, 3, 0, 0), [], 100 / 3, 200 / 3, None),
    # Google Forms 9, 3, 10 -> 1/3; CSAT 5, 2, 4 -> 2/3
    ("tool_google_forms.csv", {}, (3, 3, 0, 0), [], 100 / 3, 200 / 3, None),
    # Typeform 10, 7, 2 -> 0; "how easy" 7, 2, 4 -> effort 1, 6, 4, mean 11/3
    # "How easy was it...": the direction is stated, never guessed from the words (issue 17)
    ("tool_typeform.csv", {"mapping": {"ces.direction": "ease"}}, (3, 3, 0, 0), [], 0.0, None, 11 / 3),
    ("tool_delighted.csv", {}, (3, 3, 0, 0), [], 0.0, None, None),  # 10, 6, 8
    # labels 5, 4, 3, 1 and "So-so" told to be 3 -> 2/5 (unknown, it stops the import: issue 17)
    ("labels_csat.csv", {"mapping": {"csat.value:So-so": "3"}}, (5, 5, 0, 0), [], None, 40.0, None),
    ("labels_nps.csv", {}, (3, 3, 0, 0), [], 100 / 3, None, None),  # 10, 0, 9
    # told 0-5 -> 1, 2, 3, 3, 4, 5: 2 of 6 satisfied (not told, it is not mapped: issue 17)
    ("scale_0_5.csv", {"mapping": {"csat.scale": "0-5"}}, (6, 6, 0, 0), [], None, 100 / 3, None),
    # told 1-10 -> 1, 3, 4, 4, 5: 3 of 5 satisfied
    ("scale_1_10.csv", {"mapping": {"csat.scale": "1-10"}}, (5, 5, 0, 0), [], None, 60.0, None),
    ("ces_plain.csv", {}, (2, 2, 0, 0), [], None, None, 6.5),  # 7, 6 taken as effort
    # told the export is "ease" (7 = easiest): 7, 6 -> 1, 2
    ("ces_plain.csv", {"mapping": {"ces.direction": "ease"}}, (2, 2, 0, 0), [], None, None, 1.5),
    # explicit scale override: the 0-5 file read as 1-5 keeps 1..5 and rejects the 0
    ("scale_0_5.csv", {"mapping": {"csat.scale": "1-5"}}, (6, 5, 0, 1),
     [(2, "csat", "out of range 1-5")], None, 40.0, None),
    # b1 (9, 5) and b11 (6, 1) loaded: NPS 0, CSAT 50
    ("bad_rows.csv", {}, (11, 2, 0, 9), [
        (3, "responded_at", "not a date"),
        (4, "nps", "not a number or a known label"),
        (5, "nps", "not a whole number"),
        (6, "nps", "out of range 0-10"),
        (7, "responded_at", "responded_at missing (required)"),
        (8, None, "no score answered (nps, csat all empty)"),
        (9, None, "expected 5 fields, found 4"),
        (10, None, "expected 5 fields, found 6"),
        (11, "csat", "out of range 1-5"),
    ], 0.0, 50.0, None),
    ("duplicate_ids.csv", {}, (4, 3, 0, 1),
     [(4, "response_id", "same id as line 2 with other values (a row repeated whole counts as a "
                         "duplicate)")], 100 / 3, None, None),
    ("header_only.csv", {}, (0, 0, 0, 0), [], None, None, None),
    # 10 and 8 loaded (the 11 on line 4, after a comment spanning lines 2-3, rejected) -> 1/2
    ("multiline_comment.csv", {}, (3, 2, 0, 1), [(4, "nps", "out of range 0-10")], 50.0, None, None),
    ("blank_lines.csv", {}, (2, 1, 0, 1), [(5, "nps", "not a number or a known label")],
     100.0, None, None),
    # 10, 7, 2 -> 0; CSAT 5, 4, 1 -> 2/3; CES 2, 3, 7 -> 4
    ("italian_headers.csv", {}, (3, 3, 0, 0), [], 0.0, 200 / 3, 4.0),
    ("overlap_a.csv", {}, (3, 3, 0, 0), [], 0.0, None, None),  # 10, 6, 8: 1 promoter, 1 detractor
]


@pytest.mark.parametrize(("name", "kwargs", "counts", "rejects", "nps", "csat", "ces"), CASES,
                         ids=[f"{c[0]}{'+' + ','.join(c[1].get('mapping', {})) if c[1] else ''}"
                              for c in CASES])
def test_quirk_file(con, name, kwargs, counts, rejects, nps, csat, ces):
    result = check(import_file(con, DATA / name, **kwargs))
    assert (result.rows_read, result.loaded, result.duplicates, result.rejected) == counts
    assert [(r.line, r.column, r.reason) for r in result.rejects] == rejects
    stored = import_rejects(con, result.import_id)
    assert [(int(r.line), r.reason) for r in stored.itertuples()] == [(ln, rs) for ln, _, rs in rejects]
    k = kpi_set(con, Filters())
    assert k.nps.value == (None if nps is None else approx(nps))
    assert k.csat.value == (None if csat is None else approx(csat))
    assert k.ces.mean == (None if ces is None else approx(ces))
    assert con.execute("select count(*) from responses where import_id = $i",
                       {"i": result.import_id}).fetchone()[0] == result.loaded


def _dates(con):
    return [r[0] for r in con.execute("select responded_at from responses order by response_id").fetchall()]


@pytest.mark.parametrize(("name", "kwargs", "expected"), [
    ("dates_dayfirst.csv", {}, ["2024-03-05", "2024-03-13", "2024-04-01"]),
    ("dates_monthfirst.csv", {}, ["2024-05-03", "2024-03-13", "2024-01-04"]),
    ("dates_ambiguous.csv", {}, ["2024-03-05", "2024-04-06"]),
    ("dates_ambiguous.csv", {"date_format": "monthfirst"}, ["2024-05-03", "2024-06-04"]),
    ("dates_ambiguous.csv", {"date_format": "%m/%d/%Y"}, ["2024-05-03", "2024-06-04"]),
    ("dates_two_digit_years.csv", {}, ["2023-08-26", "2023-09-01", "1999-01-15"]),
    ("dates_month_names.csv", {}, ["2023-08-26", "2023-09-03", "2023-08-05", "2023-08-27"]),
    ("dates_mixed.csv", {}, ["2023-08-26", "2023-08-27", "2023-08-28", "2023-08-29 14:30",
                             "2023-08-30 09:15"]),
    ("dates_timezones.csv", {}, ["2023-08-26 21:30", "2023-08-26 10:00", "2023-08-26 15:00",
                                 "2023-08-26 10:00"]),
    # Qualtrics says its times are America/Denver (UTC-6 in August)
    ("tool_qualtrics.csv", {}, ["2023-08-26 16:05:01", "2023-08-27 17:02:01", "2023-08-28 18:03:01"]),
    ("tool_surveymonkey.csv", {}, ["2023-08-26 10:05", "2023-08-27 13:35", "2023-08-28 09:04"]),
    ("tool_google_forms.csv", {}, ["2023-08-26 10:15:05", "2023-08-27 18:01:44", "2023-08-28 09:30"]),
    ("tool_typeform.csv", {"mapping": {"ces.direction": "ease"}},
     ["2023-08-26 10:02:10", "2023-08-27 11:04", "2023-08-28 12:01:30"]),
    ("tool_delighted.csv", {}, ["2023-08-26 10:00", "2023-08-27 11:00", "2023-08-28 11:00"]),
])
def test_dates_as_loaded(con, name, kwargs, expected):
    check(import_file(con, DATA / name, **kwargs))
    # sorted: a file without an id column is keyed by row hashes, whose order says nothing
    assert sorted(_dates(con)) == sorted(datetime.fromisoformat(e) for e in expected)


def test_ambiguous_dates_say_so(con):
    result = import_file(con, DATA / "dates_ambiguous.csv")
    assert any("ambiguous" in c and "day-first" in c for c in result.conversions)


def test_text_and_attributes_survive_encodings(con):
    check(import_file(con, DATA / "encoding_cp1252.csv"))
    rows = con.execute("select comment, attributes['città'] from responses order by response_id").fetchall()
    assert rows == [("Perché sì: 5€ risparmiati", "Forlì"), ("Così così", "Cantù")]
    check(import_file(con, DATA / "encoding_utf16.csv"))
    assert con.execute("select attributes['Città'] from responses where response_id = 'u1'").fetchone() == ("Milano",)


def test_bom_does_not_stick_to_the_first_column():
    p = preview_file(DATA / "encoding_utf8_bom.csv")
    assert p.encoding == "UTF-8 with BOM" and p.delimiter == ";"
    assert p.columns[0] == "Data" and p.mapping["responded_at"] == "Data"


@pytest.mark.parametrize(("name", "encoding", "delimiter", "style"), [
    ("clean.csv", "UTF-8", ",", "plain"),
    ("delimiter_semicolon.csv", "UTF-8", ";", "plain"),
    ("delimiter_tab.tsv", "UTF-8", "\t", "plain"),
    ("delimiter_pipe.csv", "UTF-8", "|", "plain"),
    ("encoding_utf16.csv", "UTF-16", "\t", "plain"),
    ("encoding_cp1252.csv", "Windows-1252", ",", "plain"),
    ("tool_qualtrics.csv", "UTF-8", ",", "qualtrics"),
    ("tool_surveymonkey.csv", "UTF-8", ",", "surveymonkey"),
])
def test_sniffing(name, encoding, delimiter, style):
    p = preview_file(DATA / name)
    assert (p.encoding, p.delimiter, p.header_style) == (encoding, delimiter, style)


def test_tool_mappings():
    q = preview_file(DATA / "tool_qualtrics.csv")
    assert q.header_lines == 3
    assert q.mapping == {"response_id": "ResponseId", "responded_at": "RecordedDate", "channel": "Q4",
                         "nps": "Q1", "csat": "Q2", "comment": "Q3"}
    sm = preview_file(DATA / "tool_surveymonkey.csv")
    assert "Which channels did you use? - Web" in sm.columns
    assert "Which channels did you use? - Phone" in sm.columns
    assert sm.mapping["response_id"] == "Respondent ID" and sm.mapping["responded_at"] == "End Date"
    tf = preview_file(DATA / "tool_typeform.csv", mapping={"ces.direction": "ease"})
    assert tf.mapping["responded_at"] == "Submit Date (UTC)" and tf.mapping["response_id"] == "#"
    de = preview_file(DATA / "tool_delighted.csv")
    assert de.mapping["nps"] == "Score"


def test_interactions_with_decimal_comma(con):
    r = check(import_file(con, DATA / "decimal_comma.csv"))
    assert r.kind == "interactions" and (r.loaded, r.rejected) == (3, 1)
    assert [(x.line, x.column, x.value, x.reason) for x in r.rejects] == [(5, "revenue", "abc", "not a number")]
    total = con.execute("select sum(revenue) from interactions").fetchone()[0]
    assert float(total) == approx(1334.40)
    assert any("decimal comma" in c for c in r.conversions)


def test_interactions(con):
    r = check(import_file(con, DATA / "interactions.csv"))
    assert r.kind == "interactions" and (r.loaded, r.rejected) == (4, 1)
    assert [(x.line, x.reason) for x in r.rejects] == [(6, "customer_id missing (required)")]
    n, total = con.execute("select count(*), sum(revenue) from interactions").fetchone()
    assert (n, float(total)) == (4, approx(59.90))


def test_overlapping_exports_without_ids(con):
    a = check(import_file(con, DATA / "overlap_a.csv"))
    b = check(import_file(con, DATA / "overlap_b.csv"))
    # b repeats a's last row; its two identical store rows are two answers, both kept
    assert (a.loaded, b.loaded, b.duplicates) == (3, 2, 1)
    with pytest.raises(IngestError, match="imported as import 2"):  # issue 16: same content refused
        import_file(con, DATA / "overlap_b.csv")
    # 10, 6, 8, 9, 9 -> 3 promoters, 1 detractor of 5
    assert kpi_set(con, Filters()).nps.value == approx(40.0)
    ids = [r[0] for r in con.execute("select response_id from responses").fetchall()]
    assert all(i.startswith("h:") for i in ids) and len(set(ids)) == 5


@pytest.mark.parametrize(("name", "words"), [
    ("empty.csv", ["empty.csv", "empty"]),
    ("not_csv.xlsx", ["not_csv.xlsx", "Excel", "CSV"]),
    ("does_not_exist.csv", ["does_not_exist.csv", "no such file"]),
])
def test_unreadable_files_get_one_clear_message(con, name, words):
    with pytest.raises(IngestError) as info:
        import_file(con, DATA / name)
    for w in words:
        assert w in str(info.value)
    assert con.execute("select count(*) from imports").fetchone()[0] == 0


def test_preview_shows_rows_as_loaded():
    p = preview_file(DATA / "tool_typeform.csv", rows=2, mapping={"ces.direction": "ease"})
    assert len(p.frame) == 2 and p.rows_read == 3 and p.kind == "responses"
    assert list(p.frame["ces"]) == [1, 6]  # 7 and 2 on the ease scale
    assert list(p.frame["response_id"]) == ["a1b2c3", "d4e5f6"]
    assert p.frame["attributes"][0]["Network ID"] == "abc123"
    assert any("8 - x" in c for c in p.conversions)
