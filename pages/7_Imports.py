"""Imports: every import (file, when, by whom, counts, status), its rejected rows, and undo."""

import json

import streamlit as st

from cxdata import demo, i18n, ingest, ui
from cxdata.i18n import N_, _
from cxdata.ui import auth, charts, upload
from cxdata.ui import upload_text as words
from cxdata.ui.text import plain

view = ui.start("Imports", N_("Imports"),
                N_("Every import into this database, newest first. Pick one to see how its columns "
                   "were mapped, what was converted, the rows it rejected and why; undo it if it "
                   "should not have been loaded."), filters=False)
db = view.db

flash = st.session_state.pop("imports_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")

imports = ingest.list_imports(db.cur)
if imports.empty:
    st.info(_("No import yet: upload a file on the Upload page, or run `python -m cxdata import FILE`."))
    st.stop()
charts.table(words.imports_table(imports), key="imports_table",
             column_config={_("When"): st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})

rows = {int(r["import_id"]): r for r in imports.to_dict("records")}
chosen = st.selectbox(
    _("Import"), list(rows), key="imports_pick",
    format_func=words.in_this_language(lambda i: f"{i} · {rows[i]['file_name']} · {i18n.datetime(rows[i]['started_at'])} · "
                          f"{words.word(words.STATUS_WORDS, rows[i]['status'])}"))
row = rows[chosen]

st.subheader(_("Import {id}").format(id=chosen))
st.markdown(words.import_sentence(row))
if isinstance(row["message"], str) and row["message"]:  # NaN when none was stored
    for line in str(row["message"]).splitlines():
        st.markdown("- " + plain(line))
if row["mapping"]:
    try:
        mapping = json.loads(row["mapping"])
    except ValueError:
        mapping = {}
    if mapping:
        with st.expander(_("Mapping used (field ← column)")):
            charts.table([{_("field"): k, _("column"): v} for k, v in mapping.items()], key="imports_mapping")

rejects = ingest.import_rejects(db.cur, chosen)
if rejects.empty:
    st.caption(_("No rejected rows."))
else:
    st.markdown("**" + _("{n} rejected rows").format(n=i18n.count(len(rejects))) + "**")
    charts.table(words.shown_rejects(rejects), key="imports_rejects")
    st.download_button(_("Download the rejected rows (CSV)"), charts.csv_bytes(rejects),
                       file_name=f"import_{chosen}_rejects.csv", mime="text/csv",
                       key="imports_rejects_csv", on_click="ignore", icon=":material/download:")

st.subheader(_("Undo"))
if row["status"] != "done":
    st.info(_("Import {id} is {status}: there is nothing to undo.").format(
        id=chosen, status=words.word(words.STATUS_WORDS, row["status"])))
elif chosen in demo.demo_import_ids(db.cur):
    st.info(_("This is the demo data set: replace it with `python -m cxdata demo` rather than undo it."))
elif auth.gate(N_("undo imports")):
    n = int(row["loaded"])
    sure = st.checkbox(_("{outcome} from the {kind}").format(
        outcome=words.undo_outcome(db.cur, chosen, n), kind=words.word(words.KIND_WORDS, row["kind"])),
        key=f"imports_undo_sure_{chosen}")
    if st.button(_("Undo import {id}").format(id=chosen), type="primary", disabled=not sure,
                 key=f"imports_undo_{chosen}", icon=":material/undo:"):
        def undo():
            if not sure:  # the button is disabled without it; a forged rerun still needs it
                raise ingest.IngestError(_("tick the confirmation first."))
            return upload.run_undo(db.cur, chosen)

        removed = upload.attempt(undo)
        if removed is not None:
            st.session_state["imports_flash"] = _("Import {id} undone: {n} rows removed. Every page now "
                                                  "shows the data without them.").format(
                id=chosen, n=i18n.count(removed))
            st.rerun()
