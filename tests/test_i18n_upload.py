"""The Upload and Imports pages, and the import library's messages, in Italian: no English sentence
on the pages, a rejected file still named with its lines, column and reason, and an Italian import
history read back as an English one is (the order of a source's dates, the share of rejects).

The pages run in AppTest on a small demo database with ``lang=it``, unlocked with the import
password. Every text a viewer reads (headings, captions, markdown, notices, metrics, table headers,
the widgets' labels, options and help) is split into words; none may be an English stop word
(``stop_words``) that is not also Italian. Data values are taken out first: the file's name and
column names, the database's names (source, stages, filter values), and code (``backticks``,
command-line options), which is typed as it is in both languages.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import stop_words
from streamlit.testing.v1 import AppTest

from cxdata import db, i18n
from cxdata.ingest import IngestError, import_file, preview_file
from cxdata.ingest.dates import parse_datetimes, read_order

APP_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
UPLOAD, IMPORTS = "pages/6_Upload.py", "pages/7_Imports.py"
PASSWORD = "ciao mondo"

ENGLISH = set(stop_words.get_stop_words("english"))
ITALIAN = set(stop_words.get_stop_words("italian"))
# Italian words the English stop-word list holds too, and what Italian CX teams say in English
ITALIAN_WORDS = {"date", "data", "come", "fine", "media", "area", "ore", "volte", "state", "es"}
ELIDED = {"l", "dell", "all", "un", "dall", "nell", "quell", "sull", "d"}
LOANWORDS = {"touchpoint", "funnel", "upload", "email", "dashboard", "export", "file", "hash", "english",
             "italiano", "benjamini", "hochberg", "qualtrics", "surveymonkey", "typeform", "delighted",
             "google", "forms", "crm", "utf", "tsv", "txt", "mb", "csv", "excel"}
# Ten answers, three of them (lines 4, 7 and 10) with a date that is no date: 30% of the rows,
# over the 1% an import takes as broken rows, so the import stops and names them.
BAD_DATES = (b"id,date,nps\n1,2024-01-01,9\n2,2024-01-02,8\n3,not-a-date,7\n4,2024-01-04,10\n"
             b"5,2024-01-05,3\n6,yesterday,6\n7,2024-01-07,9\n8,2024-01-08,9\n9,2024-13-45,8\n"
             b"10,2024-01-10,5\n")


@pytest.fixture
def cx_db(ui_demo_db, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the session's demo database (the tests import into it), the password set."""
    import streamlit as st

    path = tmp_path / "cx.duckdb"
    shutil.copy(ui_demo_db, path)
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def opened(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = lang
    at.switch_page(page)
    return at.run()


def unlocked_with(lang: str, name: str, data: bytes) -> AppTest:
    """The Upload page, unlocked, with ``data`` uploaded as ``name``."""
    at = opened(UPLOAD, lang)
    at.text_input(key="cx_auth_password_input").set_value(PASSWORD)
    at.get("form_submit_button")[0].click()
    at.run()
    at.get("file_uploader")[0].set_value((name, data, "text/csv"))
    return at.run()


def texts_of(at: AppTest) -> list[str]:
    """Everything a viewer reads on the page, the tables' headers included."""
    out = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [el.value for el in at.get(kind)]
    for kind in ("selectbox", "radio"):
        for w in at.get(kind):
            out += [w.label, w.help or "", *map(str, w.options)]
    for kind in ("text_input", "text_area", "checkbox", "button"):
        out += [f"{w.label} {w.help or ''}" for w in at.get(kind)]
    out += [f"{m.label}" for m in at.metric]
    out += [e.proto.label for e in at.get("expandable")]
    out += [b.proto.label for b in at.get("download_button")]
    out += [" ".join(map(str, d.value.columns)) for d in at.dataframe]
    return [t for t in out if t]


def data_pattern(path: Path, *extra: str) -> re.Pattern:
    """Names that are data, never translated: the database's sources, files, stages and filter
    values, and ``extra`` (the uploaded file's name and columns), longest first."""
    from cxdata.ui import state

    con = state._connection(str(path)).cursor()  # the app's own connection: one per process
    values = {str(v) for (v,) in con.execute(
        "select value from filter_values union select stage from stages union select source from imports "
        "union select file_name from imports union select coalesce(message, '') from imports "
        "where file_name like 'demo%'").fetchall() if v}
    con.close()
    values |= {e for e in extra if e}
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def unescaped(text: str) -> str:
    """Markdown as a reader sees it: ``plain``'s backslashes gone."""
    return html.unescape(text).replace("\\", "")


def english_words(texts: list[str], data: re.Pattern, quoted: tuple[str, ...] = ()) -> dict[str, str]:
    """The English stop words left in ``texts`` (word -> its text). Not words to translate: data,
    code typed as it is (``backticks``, command-line options, option keys and values, field names
    such as ``responded_at``, date masks), and quoted words of the file's own columns (``quoted``:
    the synonym 'how likely are you to recommend' found in a column's name)."""
    found = {}
    columns = " | ".join(q.lower() for q in quoted)
    for text in texts:
        clean = unescaped(text)
        clean = re.sub(r"'([^']+)'", lambda m: " " if m[1].lower() in columns else m[0], clean)
        clean = data.sub(" ", re.sub(r"\bid:\S+", " ", clean))  # a row key: id:<column>
        for code in (r"`[^`]*`", r"--\w[\w-]*(?:[ =][^\s,)]+)?", r"\b[\w.]+:[^=)]*=[^\s,)]*", r"\b[\w.]+=[^\s,)]*",
                     r"\b\w+:\w+", r"\b\w*_\w*\b", r"\b(?:gg|mm|aaaa|dd|yyyy)(?:/(?:gg|mm|aaaa|dd|yyyy))+\b"):
            clean = re.sub(code, " ", clean)
        for word in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", clean):
            low = word.lower()
            if len(word) < 2 or word.isupper() or low in ITALIAN | ITALIAN_WORDS | LOANWORDS:
                continue
            if "'" in low and (low.split("'")[0] in ITALIAN | ELIDED or low.split("'")[1] in ITALIAN):
                continue  # an elided Italian article or preposition ("l'importazione", "dell'export")
            if low in ENGLISH:
                found.setdefault(low, text)
    return found


def columns_of(data: bytes) -> list[str]:
    return data.decode().splitlines()[0].split(",")


def test_the_check_catches_english_and_lets_data_and_code_through(cx_db):
    data = data_pattern(cx_db, "How likely are you to recommend us to a friend?")
    assert english_words(["Le righe sono identificate da **row-hash** all'interno della fonte."], data) == {}
    assert english_words(["Colonna 'How likely are you to recommend us to a friend?' scelta"], data) == {}
    assert english_words(["esegui `python -m cxdata import FILE`, --map customer_id=Email Address"], data) == {}
    assert set(english_words(["Rows are identified within their source"], data)) >= {"are", "within", "their"}


def test_the_upload_page_in_italian_from_the_file_to_the_summary(cx_db):
    name, data = "tool_google_forms.csv", (DATA / "tool_google_forms.csv").read_bytes()
    at = unlocked_with("it", name, data)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Carica un export CSV"
    before = texts_of(at)
    # how the file was read, the mapping's reasons, the conversions: the library's sentences in Italian
    read = unescaped(" ".join(m.value for m in at.markdown))
    assert "separato da virgole" in read and "date numeriche lette con il mese prima (mm/gg)" in read
    assert "contiene indirizzi e-mail, dati personali" in read
    at.button(key="upload_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [m.label for m in at.metric] == ["Righe lette", "Caricate", "Duplicati", "Scartate"]
    summary = unescaped(" ".join(s.value for s in at.success))
    assert "L'importazione" in summary and "3 righe caricate da tool_google_forms.csv" in summary
    left = english_words(before + texts_of(at), data_pattern(cx_db, name, *columns_of(data)), tuple(columns_of(data)))
    assert not left, "English on the Italian Upload page:\n" + "\n".join(f"{w!r} in {t!r}" for w, t in left.items())


def test_a_rejected_upload_in_italian_names_the_file_lines_column_and_reason(cx_db):
    at = unlocked_with("it", "bad_dates.csv", BAD_DATES)
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    said = unescaped(at.error[0].value)
    assert "L'importazione di bad_dates.csv si fermerebbe qui" in said
    assert "3 righe su 10 (30,0%) verrebbero scartate per 'date': non è una data (righe 4, 7, 10)" in said
    assert "upload_import" not in [b.key for b in at.button]  # nothing to import until it is fixed
    left = english_words(texts_of(at), data_pattern(cx_db, "bad_dates.csv", *columns_of(BAD_DATES)))
    assert not left, left
    # the same file in English: the library's own sentence, as before
    with pytest.raises(IngestError) as info:
        preview_file(BAD_DATES, file_name="bad_dates.csv")
    english = opened(UPLOAD, "en")
    english.text_input(key="cx_auth_password_input").set_value(PASSWORD)
    english.get("form_submit_button")[0].click()
    english.run()
    english.get("file_uploader")[0].set_value(("bad_dates.csv", BAD_DATES, "text/csv"))
    english.run()
    assert info.value.problems[0].startswith("3 of 10 rows (30.0%) would be rejected for 'date': not a date "
                                             "(lines 4, 7, 10)")
    assert info.value.problems[0] in unescaped(english.error[0].value)


def test_rejected_rows_in_italian_on_both_pages(cx_db):
    data = (DATA / "bad_rows.csv").read_bytes()
    at = unlocked_with("it", "bad_rows.csv", data)
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "motivo" in d.value.columns)
    reasons = dict(zip(table["riga"], table["motivo"], strict=True))
    # bad_rows.csv, line by line: the header is line 1
    assert reasons == {3: "non è una data", 4: "non è un numero né un'etichetta nota",
                       5: "non è un numero intero", 6: "fuori scala 0-10",
                       7: "responded_at mancante (obbligatorio)",
                       8: "nessun punteggio dato (nps, csat tutti vuoti)",
                       9: "attesi 5 campi, trovati 4", 10: "attesi 5 campi, trovati 6",
                       11: "fuori scala 1-5"}
    at.button(key="upload_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]

    imports = opened(IMPORTS, "it")
    assert not imports.exception, [e.value for e in imports.exception]
    assert imports.title[0].value == "Importazioni"
    shown = next(d.value for d in imports.dataframe if "motivo" in d.value.columns)
    assert list(shown.columns) == ["riga", "colonna", "valore", "motivo"] and len(shown) == 9
    history = next(d.value for d in imports.dataframe if "Scartate" in d.value.columns)
    assert history["Stato"].tolist()[0] == "completata" and history["Da"].tolist()[0] == "titolare della password"
    left = english_words(texts_of(imports), data_pattern(cx_db, "bad_rows.csv", *columns_of(data)))
    assert not left, "English on the Italian Imports page:\n" + "\n".join(f"{w!r} in {t!r}" for w, t in left.items())


def test_the_pages_in_english_read_as_before(cx_db):
    at = unlocked_with("en", "bad_rows.csv", (DATA / "bad_rows.csv").read_bytes())
    assert at.title[0].value == "Upload a CSV export"
    table = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert list(table.columns) == ["line", "column", "value", "reason"]
    assert table["reason"].tolist()[:2] == ["not a date", "not a number or a known label"]
    # and the check above would see English here
    assert len(english_words(texts_of(at), data_pattern(cx_db, "bad_rows.csv"))) >= 10


def test_a_source_imported_in_italian_keeps_the_order_of_its_dates_in_english(tmp_path):
    """The order a source's dates were read in is read back from its stored message, in the
    language of whoever imported it."""
    con = db.connect(tmp_path / "cx.duckdb")
    head = "Timestamp,How likely are you to recommend us?\n"
    april = head + "4/20/2024 10:00:00,9\n4/21/2024 11:00:00,7\n5/02/2024 09:00:00,10\n"
    week = head + "5/1/2024 10:00:00,9\n5/2/2024 11:00:00,3\n5/6/2024 12:00:00,10\n"
    with i18n.using("it"):
        a = import_file(con, april.encode(), file_name="forms_april.csv")
    assert any(c.startswith("responded_at: date numeriche lette con il mese prima") for c in a.conversions)
    b = import_file(con, week.encode(), file_name="forms_may.csv")  # in English
    assert b.source == a.source
    assert any("as the earlier files of this source were" in c for c in b.conversions)
    may = [r[0].date().isoformat() for r in con.execute(
        "select responded_at from responses where import_id = $i order by 1", {"i": b.import_id}).fetchall()]
    assert may == ["2024-05-01", "2024-05-02", "2024-05-06"]
    # and the other way round: English history, Italian import
    with i18n.using("it"):
        again = import_file(con, (head + "5/3/2024 10:00:00,9\n5/4/2024 11:00:00,8\n").encode(),
                            file_name="forms_may_2.csv")
        assert any("come i file precedenti di questa fonte" in c for c in again.conversions)
    assert [r[0].month for r in con.execute(
        "select responded_at from responses where import_id = $i", {"i": again.import_id}).fetchall()] == [5, 5]
    con.close()


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_order_sentence_is_read_back(lang):
    with i18n.using(lang):
        _ts, told = parse_datetimes(__import__("pandas").Series(["03/04/2024"]), "monthfirst", "responded_at")
        _ts, settled = parse_datetimes(__import__("pandas").Series(["25/04/2024"]), None, "occurred_at")
    assert read_order(told[0]) == "month" and read_order(settled[0]) == "day"


def test_unanswered_rows_do_not_stop_an_italian_import(tmp_path):
    """The share of rejects leaves out rows with no score, whatever the language their reason is
    written in: 3 of 5 rows unanswered still import the other 2."""
    data = b"id,date,nps\n1,2024-01-01,9\n2,2024-01-02,\n3,2024-01-03,\n4,2024-01-04,\n5,2024-01-05,7\n"
    con = db.connect(tmp_path / "cx.duckdb")
    with i18n.using("it"):
        r = import_file(con, data, file_name="partial.csv")
    assert (r.loaded, r.rejected) == (2, 3)
    assert {rej.reason for rej in r.rejects} == {"nessun punteggio dato (nps tutti vuoti)"}
    con.close()
