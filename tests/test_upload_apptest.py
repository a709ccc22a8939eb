"""The Upload and Imports pages in AppTest: the write gate (off without configuration, a wrong
password writes nothing, the write paths check it themselves), an upload driven through
``st.file_uploader`` with a mapping override, the summary against the library, the other pages
seeing the new data without a restart, and undo with confirmation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxdata import db, ingest, queries
from cxdata.filters import Filters

APP_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
UPLOAD, IMPORTS = "pages/6_Upload.py", "pages/7_Imports.py"
PASSWORD = "correct horse battery staple"
AUG_2023 = {"from": "2023-08-01", "to": "2023-08-31"}  # the tool exports' dates; no demo data there


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    from cxdata import demo

    path = tmp_path_factory.mktemp("upload") / "demo.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=3_000, interactions=10_000, seed=11)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture
def cx_db(small_demo, tmp_path, monkeypatch) -> Path:
    """A fresh copy of the small demo database per test (tests write to it), caches empty, no
    password configured."""
    import streamlit as st

    path = tmp_path / "cx.duckdb"
    shutil.copy(small_demo, path)
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.delenv("CX_IMPORT_PASSWORD", raising=False)
    st.cache_data.clear()
    yield path
    st.cache_data.clear()


def run(page: str | None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def unlock(at: AppTest, password: str) -> AppTest:
    at.text_input(key="cx_auth_password_input").set_value(password)
    at.get("form_submit_button")[0].click()
    return at.run()


def upload(at: AppTest, name: str, data: bytes | None = None) -> AppTest:
    data = (DATA / name).read_bytes() if data is None else data
    at.get("file_uploader")[0].set_value((name, data, "text/csv"))
    return at.run()


def frame_with(at: AppTest, column: str):
    """The first table shown with ``column`` (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def button_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def same_db_connection(path: Path):
    """The app's own connection (one per process; a second one to the file would be refused)."""
    from cxdata.ui import state

    return state._connection(str(path)).cursor()


def aug_n(cur) -> int:
    f, _ = Filters.from_query_params(AUG_2023)
    return queries.kpi_summary(cur, f).current.nps.n


def test_without_configuration_importing_is_off_and_says_how_to_turn_it_on(cx_db):
    at = run(UPLOAD)
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "turned off" in text and "import_password" in text and "CX_IMPORT_PASSWORD" in text
    assert not at.get("file_uploader")
    assert not any(label.startswith("Import") for label in button_labels(at))
    # The reading pages stay readable.
    overview = run(None)
    assert not overview.exception and len(overview.metric) == 3


def test_a_wrong_password_gives_no_way_to_import(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = unlock(run(UPLOAD), "correct horse battery")
    assert not at.exception
    assert any("not the import password" in e.value for e in at.error)
    assert not at.get("file_uploader")
    assert not any(label.startswith("Import") for label in button_labels(at))


def test_the_write_paths_refuse_a_session_that_may_not_write(cx_db, monkeypatch):
    from cxdata.ui import auth
    from cxdata.ui import upload as up

    con = db.connect(":memory:")
    ingest.import_file(con, DATA / "tool_typeform.csv", mapping={"ces.direction": "ease"})  # import 1
    for configured in (None, PASSWORD):  # off, and on but not unlocked
        if configured:
            monkeypatch.setenv("CX_IMPORT_PASSWORD", configured)
        with pytest.raises(auth.NotAllowed):
            up.run_import(con, DATA / "tool_typeform.csv", file_name="tool_typeform.csv", kind="auto",
                          mapping={}, mapping_name="", save_as="", date_format="auto")
        with pytest.raises(auth.NotAllowed):
            up.run_undo(con, 1)
    assert con.execute("select count(*) from responses").fetchone()[0] == 3
    assert con.execute("select status from imports").fetchall() == [("done",)]


def test_upload_previews_maps_imports_and_the_overview_shows_it_without_restart(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    before = run(None, AUG_2023)  # fills the caches for these filters: no data in Aug 2023 yet
    assert any("No survey responses match" in i.value for i in before.info)

    at = unlock(run(UPLOAD), PASSWORD)
    assert not at.error
    at = upload(at, "tool_google_forms.csv")
    assert not at.exception, [e.value for e in at.exception]
    read = " ".join(m.value for m in at.markdown)
    assert "comma" in read and "month\\-first" in read  # detected and stated before the import
    assert at.selectbox(key=next(k for k in keys(at) if k.endswith("_csat"))).value.startswith("How satisfied")
    preview = frame_with(at, "response_id")
    assert len(preview) == 3 and "nps" in preview.columns and "csat" in preview.columns

    # Override: the satisfaction column left unmapped goes to the attributes, said before importing.
    at.selectbox(key=next(k for k in keys(at) if k.endswith("_csat"))).set_value("").run()
    preview = frame_with(at, "response_id")
    assert "csat" not in preview.columns
    assert "How satisfied" in " ".join(m.value for m in at.markdown)  # now listed as an attribute

    at.button(key="upload_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    expected = ingest.import_file(db.connect(":memory:"), DATA / "tool_google_forms.csv",
                                  mapping={"csat": ""}, dry_run=True)
    shown = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert shown == {"Rows read": expected.rows_read, "Loaded": expected.loaded,
                     "Duplicates": expected.duplicates, "Rejected": expected.rejected}
    link = next(p for p in at.get("page_link") if "Overview" in p.proto.label)
    assert link.proto.query_string == "from=2023-08-26&to=2023-08-28"

    cur = same_db_connection(cx_db)
    row = ingest.list_imports(cur).iloc[0]
    assert row["file_name"] == "tool_google_forms.csv" and row["imported_by"] == "password holder"
    assert cur.execute("select count(*) from responses where import_id = $i and csat is not null",
                       {"i": int(row["import_id"])}).fetchone()[0] == 0

    after = run(None, AUG_2023)  # same filters, cached before the import: the new version shows
    assert not after.exception
    captions = " ".join(c.value for c in after.caption)
    assert f"n = {aug_n(cur)}" in captions and aug_n(cur) == expected.loaded


def keys(at: AppTest) -> list[str]:
    return [s.key for s in at.selectbox if s.key and s.key.startswith("upload_map_")]


def test_a_password_changed_after_unlocking_stops_the_import(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = upload(unlock(run(UPLOAD), PASSWORD), "tool_delighted.csv")
    monkeypatch.setenv("CX_IMPORT_PASSWORD", "rotated")  # checked when writing, not when drawing
    at.button(key="upload_import").click().run()
    assert not at.exception
    assert not at.metric
    cur = same_db_connection(cx_db)
    assert len(ingest.list_imports(cur)) == 1  # the demo import only


def test_a_file_that_is_not_csv_gets_one_clear_message(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = upload(unlock(run(UPLOAD), PASSWORD), "not_csv.xlsx")
    assert not at.exception
    assert len(at.error) == 1 and "Save As" in at.error[0].value and "CSV" in at.error[0].value
    assert "upload_import" not in [b.key for b in at.button]
    assert "200 MB" in " ".join(c.value for c in at.caption)


def test_imports_page_lists_the_demo_import_and_undo_removes_the_rows(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    cur = same_db_connection(cx_db)
    done = ingest.import_file(cur, DATA / "tool_qualtrics.csv", imported_by="test")
    n_before = aug_n(cur)
    assert n_before == done.loaded > 0

    at = run(IMPORTS)
    assert not at.exception
    table = frame_with(at, "File")
    assert list(table["File"]) == ["tool_qualtrics.csv", "demo data (seed 11)"]
    at.selectbox(key="imports_pick").set_value(done.import_id).run()
    assert not at.checkbox  # the gate first
    at = unlock(at, PASSWORD)
    button = at.button(key=f"imports_undo_{done.import_id}")
    assert button.disabled  # until the confirmation is ticked
    sure = at.checkbox(key=f"imports_undo_sure_{done.import_id}")
    assert sure.label == f"I understand {done.loaded} rows will be removed from the responses"
    sure.check().run()
    at.button(key=f"imports_undo_{done.import_id}").click().run()
    assert not at.exception and not at.error
    assert any(f"{done.loaded} rows removed" in s.value for s in at.success)
    assert aug_n(cur) == n_before - done.loaded == 0
    assert ingest.list_imports(cur).iloc[0]["status"] == "undone"
    overview = run(None, AUG_2023)
    assert any("No survey responses match" in i.value for i in overview.info)


def test_before_an_undo_the_page_says_which_rows_another_import_keeps(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    cur = same_db_connection(cx_db)
    rows = [f"x{i},2023-08-{1 + i % 28:02d},{i % 11}" for i in range(30)]
    a = ingest.import_file(cur, ("id,date,nps\n" + "\n".join(rows[:20]) + "\n").encode(),
                           file_name="a.csv", source="s")
    b = ingest.import_file(cur, ("id,date,nps\n" + "\n".join(rows[10:]) + "\n").encode(),
                           file_name="b.csv", source="s")
    at = unlock(run(IMPORTS), PASSWORD)
    at.selectbox(key="imports_pick").set_value(a.import_id).run()
    assert "Source" in frame_with(at, "File").columns
    sure = at.checkbox(key=f"imports_undo_sure_{a.import_id}")
    assert f"except those that import {b.import_id} (10 rows) delivered too" in sure.label
    sure.check().run()
    at.button(key=f"imports_undo_{a.import_id}").click().run()
    assert not at.exception and not at.error
    assert aug_n(cur) == 20  # b's 20 rows, 10 of them taken over from a


def test_imports_page_shows_rejects_and_offers_them_as_csv(cx_db):
    cur = same_db_connection(cx_db)
    done = ingest.import_file(cur, DATA / "bad_rows.csv")
    assert done.rejected > 0
    at = run(IMPORTS)
    at.selectbox(key="imports_pick").set_value(done.import_id).run()
    assert not at.exception
    assert len(frame_with(at, "reason")) == done.rejected
    assert at.get("download_button")
    # Undo is gated even for reading visitors: no password configured, no undo button.
    assert f"imports_undo_{done.import_id}" not in [b.key for b in at.button]
    assert any("turned off" in w.value for w in at.warning)


def test_rejects_are_shown_before_and_after_and_the_same_file_again_replaces(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    expected = ingest.import_file(db.connect(":memory:"), DATA / "bad_rows.csv", dry_run=True)
    assert expected.rejected > 0
    at = upload(unlock(run(UPLOAD), PASSWORD), "bad_rows.csv")
    assert not at.exception
    assert any(f"{expected.rejected} of {expected.rows_read} rows will be rejected" in w.value
               for w in at.warning)
    assert len(frame_with(at, "reason")) == expected.rejected
    at.text_input(key="upload_save_as").set_value("bad rows tool")
    at.button(key="upload_import").click().run()
    assert not at.exception
    shown = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert shown["Rejected"] == expected.rejected and shown["Loaded"] == expected.loaded
    assert [d.label for d in at.get("download_button")].count("Download the rejected rows (CSV)") == 1
    assert "bad rows tool" in at.selectbox(key="upload_saved").options  # saved for the next export

    # Issue 16: the same file again is not imported twice: the page names the earlier import and
    # offers to replace it (undo and import in one step)
    first_id = ingest.list_imports(same_db_connection(cx_db)).iloc[0]["import_id"]
    assert any(f"imported as import {first_id}" in w.value for w in at.warning)
    assert at.button(key="upload_import").disabled
    at.checkbox(key=next(c.key for c in at.checkbox if c.key.startswith("upload_replace_"))).check().run()
    assert not at.button(key="upload_import").disabled
    at.button(key="upload_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert shown["Loaded"] == expected.loaded and shown["Duplicates"] == 0
    assert any(f"Replaced import {first_id}" in m.value for m in at.markdown)
    history = ingest.list_imports(same_db_connection(cx_db))
    assert history.iloc[1]["import_id"] == first_id and history.iloc[1]["status"] == "undone"
    assert history.iloc[0]["status"] == "done"


def test_with_an_identity_provider_only_listed_people_may_import(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)  # [auth] takes precedence over it

    def with_login(email: str | None, users: list[str] | None) -> AppTest:
        at = AppTest.from_file(str(APP_ROOT / "dashboard.py"), default_timeout=90)
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                              "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                              "server_metadata_url": "https://example.com/.well-known/openid-configuration"}
        if users is not None:
            at.secrets["import_users"] = users
        at.user = {"is_logged_in": True, "email": email} if email else {"is_logged_in": False}
        at.switch_page(UPLOAD)
        return at.run()

    out = with_login(None, ["ann@example.com"])
    assert not out.exception and [b.label for b in out.button if b.label == "Log in"]
    assert not out.get("file_uploader")
    other = with_login("bob@example.com", ["ann@example.com"])
    assert any("may not import" in w.value for w in other.warning) and not other.get("file_uploader")
    nobody_listed = with_login("ann@example.com", None)
    assert not nobody_listed.get("file_uploader")
    listed = with_login("Ann@Example.com", ["ann@example.com"])
    assert not listed.exception and listed.get("file_uploader")
    assert not listed.get("form_submit_button")  # no password form when a provider is configured


def test_a_busy_database_gives_the_sentence_on_the_upload_page(tmp_path, monkeypatch):
    from helpers.busy import held

    path = tmp_path / "busy.duckdb"
    with held(path):
        monkeypatch.setenv("CX_DB", str(path))
        monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
        for page in (UPLOAD, IMPORTS):
            at = run(page)
            assert not at.exception
            assert at.error and "in use by another process" in at.error[0].value
            assert not at.get("file_uploader")


@pytest.mark.parametrize("page", ["pages/6_Upload.py", "pages/7_Imports.py"])
def test_upload_and_imports_draw_no_filter_sidebar(cx_db, page):
    at = run(page, {"channel": ["web"], "from": ["2026-01-01"]})
    assert not at.exception
    assert len(at.date_input) == 0 and len(at.multiselect) == 0
    overview = run(None)
    assert len(overview.date_input) >= 1  # the filter pages still have them


def test_a_write_that_runs_out_of_memory_gets_one_sentence(monkeypatch):
    def page():
        import duckdb

        from cxdata.ui import upload

        con = duckdb.connect()
        con.execute("set memory_limit = '2MB'")
        # a real DuckDB out-of-memory error (a list cannot spill to disk)
        upload.attempt(lambda: con.execute("select list(range) from range(10000000)").fetchall())

    monkeypatch.setenv("CX_MEMORY_LIMIT", "3GB")
    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    from cxdata.ui import upload

    assert [e.value for e in at.error] == [upload.OUT_OF_MEMORY.format(limit="3GB")]
    assert "nothing was changed" in at.error[0].value


AIRLINE = (b"id,date,satisfaction,Ease of Online booking\n"
           b"1,2026-01-02,satisfied,5\n2,2026-01-03,neutral or dissatisfied,0\n"
           b"3,2026-01-04,neutral or dissatisfied,3\n4,2026-01-05,satisfied,4\n"
           b"5,2026-01-06,neutral or dissatisfied,2\n")


def test_an_unknown_label_is_fixed_on_the_page_without_the_command_line(cx_db, monkeypatch):
    """Issue 17: the import stops on labels it cannot score; the page asks what each means, the
    analyst answers there, and the import gives the hand-computed CSAT (2 satisfied of 5 = 40%)."""
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = upload(unlock(run(UPLOAD), PASSWORD), "airline.csv", AIRLINE)
    assert not at.exception
    assert any("neutral or dissatisfied" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "upload_import"]  # nothing to import yet
    fixes = {t.label: t for t in at.text_input if t.key and t.key.startswith("upload_fix_")}
    # 'satisfied' is a known label; the other is asked, with no value filled in for the analyst
    (label, box), = fixes.items()
    assert label == "What does 'neutral or dissatisfied' mean in CSAT (1-5)? (a number, or 'none' for no answer)"
    assert box.value == ""
    box.set_value("2")
    at.button(key=next(b.key for b in at.button if b.key.startswith("upload_apply_"))).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="upload_import").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = {m.label: int(m.value.replace(",", "")) for m in at.metric}
    assert (shown["Loaded"], shown["Rejected"]) == (5, 0)
    cur = same_db_connection(cx_db)
    csat = cur.execute("select count(*), count(*) filter (where csat >= 4) from responses "
                       "where import_id = (select max(import_id) from imports)").fetchone()
    assert csat == (5, 2)
    # the 0-5 'Ease' rating was not taken for CES (1-7): no CES figure from it
    assert cur.execute("select count(ces) from responses where import_id = (select max(import_id) "
                       "from imports)").fetchone()[0] == 0


def test_stages_are_set_on_the_upload_page_behind_the_gate(cx_db, monkeypatch):
    monkeypatch.setenv("CX_IMPORT_PASSWORD", PASSWORD)
    at = unlock(run(UPLOAD), PASSWORD)
    at.text_input(key="upload_stages").set_value("awareness, cart, purchase").run()
    at.button(key="upload_stages_save").click().run()
    assert not at.exception and not at.error
    assert db.stages(same_db_connection(cx_db)) == ["awareness", "cart", "purchase"]


def test_a_full_disk_during_an_import_is_said_as_such(tmp_path, caplog):
    """Issue 18, item 7: not 'another import is writing'; the server log says it too."""
    import subprocess

    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    big = tmp_path / "big.csv"
    big.write_text("id,date,nps,comment\n" + "\n".join(
        f"{i},2026-01-02,{i % 11},{(i * 2654435761) % 10**12:012d}{i:08x}" for i in range(200_000)) + "\n")

    def page(folder: str, csv: str):
        from pathlib import Path

        from cxdata import db, ingest
        from cxdata.ui import upload

        con = db.connect(Path(folder) / "cx.duckdb")
        upload.attempt(lambda: ingest.import_file(con, csv))
        con.close()

    from cxdata import db

    db.connect(mnt / "cx.duckdb").close()  # created and checkpointed: the import's rows must not fit
    try:
        at = AppTest.from_function(page, default_timeout=120, args=(str(mnt), str(big))).run()
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True)
    from cxdata.ui import upload

    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [upload.DISK_FULL]
    assert any("disk full" in r.getMessage() for r in caplog.records)


def test_upload_files_nobody_uses_any_more_are_deleted(tmp_path, monkeypatch):
    """Issue 18, item 10: uploaded temp files (cx_upload_*) were never deleted."""
    import os
    import tempfile

    from cxdata.ui import upload as upload_ui

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh, other = tmp_path / "cx_upload_old.csv", tmp_path / "cx_upload_new.csv", tmp_path / "mine.csv"
    for p in (old, fresh, other):
        p.write_text("id,date,nps\n")
    now = 1_800_000_000
    os.utime(old, (now - upload_ui.STALE_SECONDS - 60,) * 2)
    os.utime(fresh, (now - 60,) * 2)
    os.utime(other, (now - 10 * upload_ui.STALE_SECONDS,) * 2)
    assert upload_ui.sweep_stale(now) == 1
    assert not old.exists() and fresh.exists() and other.exists()
