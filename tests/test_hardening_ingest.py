"""Issue 18 on the importer: digits of other scripts, old Excel files, and a file read in bounded
memory. Expected figures by hand from the literal rows."""

from __future__ import annotations

import pytest

from cxdata import db
from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file
from cxdata.queries import kpi_set


@pytest.fixture
def con():
    c = db.connect(":memory:")
    yield c
    c.close()


def test_digits_of_other_scripts_are_read_as_digits(con):
    data = "id,date,nps\n1,2026-01-02,９\n2,2026-01-03,٩\n3,2026-01-04,९\n4,2026-01-05,7\n".encode()
    r = import_file(con, data, file_name="digits.csv")
    assert (r.loaded, r.rejected) == (4, 0)
    assert sorted(v for (v,) in con.execute("select nps from responses").fetchall()) == [7, 9, 9, 9]
    # 3 promoters, 1 passive of 4 -> +75
    assert kpi_set(con, Filters()).nps.value == pytest.approx(75.0)


def test_an_old_excel_file_gets_the_excel_sentence(con):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    with pytest.raises(IngestError, match=r"survey\.xls looks like an Excel .* CSV UTF-8"):
        import_file(con, ole2, file_name="survey.xls")


def test_a_device_or_pipe_is_refused_before_reading(con):
    """Issue 18, item 9: `import /dev/zero` read until the machine ran out of memory."""
    with pytest.raises(IngestError, match="zero is not a regular file"):
        import_file(con, "/dev/zero")


def test_a_file_over_the_import_limit_is_refused_with_the_limit(con, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_MAX_IMPORT_MB", "1")
    big = tmp_path / "big.csv"
    big.write_text("id,date,nps\n" + "".join(f"{i},2026-01-02,9\n" for i in range(80_000)))  # 1.6 MB
    with pytest.raises(IngestError, match=r"big\.csv is 2 MB, over the 1 MB an import reads at once"):
        import_file(con, big)
    assert con.execute("select count(*) from imports").fetchone()[0] == 0


# Issue 17 / trials: a CES question's words are not a direction; its stated anchors are.
def _ces_file(question: str) -> bytes:
    return (f'id,date,"{question}"\n1,2026-01-02,1\n2,2026-01-03,2\n3,2026-01-04,7\n').encode()


def test_ces_anchors_stated_in_the_question_are_followed(con):
    """'1 = very easy, 7 = very difficult' is the effort direction: kept as it is. The old guess
    read 'easy' as the ease direction and reversed it: CES 4.9 instead of 3.1 in the trials."""
    r = import_file(con, _ces_file("How easy was it? (1 = very easy, 7 = very difficult)"),
                    file_name="anchored.csv", mapping={"ces": "How easy was it? (1 = very easy, 7 = very difficult)"})
    assert sorted(v for (v,) in con.execute("select ces from responses").fetchall()) == [1, 2, 7]
    # 1 and 2 of 3 are low effort
    assert kpi_set(con, Filters()).ces.low_effort_pct == pytest.approx(200 / 3)
    assert r.loaded == 3


def test_ces_words_alone_ask_instead_of_guessing(con):
    q = "How easy was it to get your answer?"
    with pytest.raises(IngestError, match=r"ces\.direction=ease .* ces\.direction=effort") as info:
        import_file(con, _ces_file(q), file_name="words.csv", mapping={"ces": q})
    assert getattr(info.value, "fixes", {}) == {"ces.direction": ""}
    assert con.execute("select count(*) from responses").fetchone()[0] == 0
    import_file(con, _ces_file(q), file_name="words.csv", mapping={"ces": q, "ces.direction": "ease"})
    # 7 = easiest: 1, 2, 7 stored as 7, 6, 1 in the effort direction
    assert sorted(v for (v,) in con.execute("select ces from responses").fetchall()) == [1, 6, 7]


def test_a_zero_on_a_one_based_scale_names_the_not_applicable_option(con):
    """Trials: 0 = 'not applicable' in a 0-5 rating became the worst CES once converted."""
    data = b"id,date,Ease of Online booking\n1,2026-01-02,0\n2,2026-01-03,5\n3,2026-01-04,4\n4,2026-01-05,1\n"
    with pytest.raises(IngestError, match=r"--map-value ces:0= \(no answer\)"):
        import_file(con, data, file_name="airline.csv", kind="responses", mapping={"ces": "Ease of Online booking"})
    r = import_file(con, data, file_name="airline.csv", kind="responses", mapping={
        "ces": "Ease of Online booking", "ces.scale": "0-5", "ces.value:0": "", "ces.direction": "ease"})
    # three answers; the 0 is no answer, not the worst effort
    assert kpi_set(con, Filters()).ces.n == 3 and r.rejected == 1


def test_a_source_remembers_the_order_of_its_dates(con):
    """Trials: a week of a Google Forms export (every day under 13) was read day-first after two
    files of the same source had been read month-first: May's answers spread over the year."""
    head = "Timestamp,How likely are you to recommend us?\n"
    first = head + "4/20/2024 10:00:00,9\n4/21/2024 11:00:00,7\n5/02/2024 09:00:00,10\n"
    week = head + "5/1/2024 10:00:00,9\n5/2/2024 11:00:00,3\n5/6/2024 12:00:00,10\n"
    a = import_file(con, first.encode(), file_name="forms_april.csv")
    assert any("month-first" in c for c in a.conversions)
    b = import_file(con, week.encode(), file_name="forms_may.csv")
    assert b.source == a.source
    assert any("as the earlier files of this source were" in c for c in b.conversions)
    may = [r[0].date().isoformat() for r in con.execute(
        "select responded_at from responses where import_id = $i order by 1", {"i": b.import_id}).fetchall()]
    assert may == ["2024-05-01", "2024-05-02", "2024-05-06"]
    # a file of another source, alone, still gets the stated default (day-first) and says so
    c = db.connect(":memory:")
    alone = import_file(c, week.encode(), file_name="forms_may.csv")
    assert any("ambiguous" in x and "day-first" in x for x in alone.conversions)


def test_a_survey_tools_preview_answers_are_not_customers(con):
    data = (b"ResponseId,RecordedDate,Status,DistributionChannel,Q1\n"
            b"R_1,2026-01-02 10:00:00,IP Address,anonymous,10\n"
            b"R_2,2026-01-02 11:00:00,Survey Preview,preview,0\n"
            b"R_3,2026-01-03 10:00:00,IP Address,email,9\n"
            b"R_4,2026-01-03 12:00:00,Spam,anonymous,0\n")
    r = import_file(con, data, file_name="qualtrics.csv", mapping={"nps": "Q1"})
    assert (r.loaded, r.rejected) == (2, 2)
    assert {rej.line for rej in r.rejects} == {3, 5}
    assert all("not a respondent" in rej.reason for rej in r.rejects)
    # two promoters of two: the preview's and the spam's 0 are not detractors
    assert kpi_set(con, Filters()).nps.value == pytest.approx(100.0)
