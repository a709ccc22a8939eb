"""Imports: every import (file, when, by whom, counts, status), its rejected rows, and undo."""

import json

import streamlit as st

from cxdata import demo, ingest, ui
from cxdata.ui import auth, charts, upload
from cxdata.ui.text import plain

view = ui.start("Imports", "Imports",
                "Every import into this database, newest first. Pick one to see how its columns "
                "were mapped, what was converted, the rows it rejected and why; undo it if it "
                "should not have been loaded.", filters=False)
db = view.db

flash = st.session_state.pop("imports_flash", None)
if flash:
    st.success(flash, icon=":material/check_circle:")

imports = ingest.list_imports(db.cur)
if imports.empty:
    st.info("No import yet: upload a file on the Upload page, or run `python -m cxdata import FILE`.")
    st.stop()
charts.table(upload.imports_table(imports), key="imports_table",
             column_config={"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})

rows = {int(r["import_id"]): r for r in imports.to_dict("records")}
chosen = st.selectbox(
    "Import", list(rows), key="imports_pick",
    format_func=lambda i: f"{i} · {rows[i]['file_name']} · {rows[i]['started_at']:%d %b %Y %H:%M} · "
                          f"{rows[i]['status']}")
row = rows[chosen]

st.subheader(f"Import {chosen}")
st.markdown(f"**{plain(row['file_name'])}**: {row['kind']}, {row['status']}; by "
            f"{plain(row['imported_by'] or '(not recorded)')}. Rows read {row['rows_read']:,}: "
            f"{row['loaded']:,} loaded, {row['duplicates']:,} duplicates ({row['duplicates_in_source']:,} "
            f"already in its source, {row['duplicates_in_file']:,} repeated in the file), "
            f"{row['rejected']:,} rejected. Source **{plain(row['source'])}**, rows keyed by "
            f"{plain(row['key'])}.")
if row["message"]:
    for line in str(row["message"]).splitlines():
        st.markdown("- " + plain(line))
if row["mapping"]:
    try:
        mapping = json.loads(row["mapping"])
    except ValueError:
        mapping = {}
    if mapping:
        with st.expander("Mapping used (field ← column)"):
            charts.table([{"field": k, "column": v} for k, v in mapping.items()], key="imports_mapping")

rejects = ingest.import_rejects(db.cur, chosen)
if rejects.empty:
    st.caption("No rejected rows.")
else:
    st.markdown(f"**{len(rejects):,} rejected rows**")
    charts.table(rejects, key="imports_rejects")
    st.download_button("Download the rejected rows (CSV)", charts.csv_bytes(rejects),
                       file_name=f"import_{chosen}_rejects.csv", mime="text/csv",
                       key="imports_rejects_csv", on_click="ignore", icon=":material/download:")

st.subheader("Undo")
if row["status"] != "done":
    st.info(f"Import {chosen} is {row['status']}: there is nothing to undo.")
elif chosen in demo.demo_import_ids(db.cur):
    st.info("This is the demo data set: replace it with `python -m cxdata demo` rather than undo it.")
elif auth.gate("undo imports"):
    n = int(row["loaded"])
    sure = st.checkbox(f"{upload.undo_outcome(db.cur, chosen, n)} from the {row['kind']}",
                       key=f"imports_undo_sure_{chosen}")
    if st.button(f"Undo import {chosen}", type="primary", disabled=not sure,
                 key=f"imports_undo_{chosen}", icon=":material/undo:"):
        def undo():
            if not sure:  # the button is disabled without it; a forged rerun still needs it
                raise ingest.IngestError("tick the confirmation first.")
            return upload.run_undo(db.cur, chosen)

        removed = upload.attempt(undo)
        if removed is not None:
            st.session_state["imports_flash"] = (f"Import {chosen} undone: {removed:,} rows removed. "
                                                 "Every page now shows the data without them.")
            st.rerun()
