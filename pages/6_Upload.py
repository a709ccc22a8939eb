"""Upload: a survey tool's or CRM's CSV export, read and mapped before anything is written, then
imported in one transaction; the other pages show it at once (the data version changes)."""

import streamlit as st

from cxdata import i18n, ingest, queries, ui
from cxdata.i18n import N_, _, ngettext
from cxdata.ui import alerts_view, auth, charts, state, upload
from cxdata.ui import upload_text as words
from cxdata.ui.text import plain

view = ui.start("Upload", N_("Upload a CSV export"),
                N_("Import what your survey tool or CRM exports (Qualtrics, SurveyMonkey, Google Forms, "
                   "Typeform, Delighted, or any CSV). Nothing is written until you press **Import**: "
                   "first you see how the file was read, how its columns map to the dashboard's fields, "
                   "and which rows would be rejected and why."), filters=False)
db = view.db

if not auth.gate(N_("import files")):
    st.stop()

limit = upload.max_upload_mb()
with st.expander(_("Funnel stages (the order journey events are counted in)")):
    order = st.text_input(_("Stages, in funnel order"), value=", ".join(state.stages(db.cur, db.key, db.version)),
                          key="upload_stages", help=_("An import of journey events whose stages are not "
                                                      "in this order stops and lists them; add them here, "
                                                      "or map each to a stage."))
    if st.button(_("Save the order"), key="upload_stages_save"):
        saved_order = upload.attempt(lambda: upload.run_set_stages(db.cur, order))
        if saved_order is not None:
            st.success(_("Funnel order: {order} (journeys recomputed).").format(
                order=" → ".join(plain(s) for s in saved_order)))

file = st.file_uploader(_("Choose a CSV export (CSV, TSV or TXT; at most {limit} MB)").format(limit=limit),
                        type=upload.ACCEPTED_TYPES, key="upload_file")
st.caption(_("This server accepts files up to {limit} MB (`server.maxUploadSize`). Excel files: save "
             "them as CSV UTF-8 first.").format(limit=limit))
if file is None:
    st.stop()

path = upload.stored_upload(file)
file_key = path.name
left, middle, right = st.columns(3)
kind = left.selectbox(_("Kind of data"), list(words.KINDS), format_func=words.in_this_language(lambda k: _(words.KINDS[k])),
                      key="upload_kind")
date_format = middle.selectbox(_("Dates like 03/04/2024"), list(words.DATE_FORMATS),
                               format_func=words.in_this_language(lambda k: _(words.DATE_FORMATS[k])), key="upload_dates",
                               help=_("Day-first or month-first is decided from the whole column (a "
                                      "value over 12 settles it); choose here when it cannot be."))
saved = ingest.list_mappings(db.cur)
mapping_name = right.selectbox(_("Use a saved mapping"), ["", *saved["name"].tolist()],
                               format_func=words.in_this_language(lambda n: n or _("(none: map automatically)")),
                               key="upload_saved")

applied = upload.applied_options(file_key)
try:
    base = upload.preview(db.cur, str(path), file.name, kind, applied, date_format, mapping_name, db.version,
                          lang=i18n.get_lang())
except ingest.IngestError as exc:
    upload.show_problem(exc, file_key, file.name)
    st.stop()

st.markdown(words.read_sentence(base))

st.subheader(_("Mapping"))
st.caption(_("Which column of the file feeds each field of the dashboard, as found by name, question "
             "text or values. Change any of them; columns left unmapped are kept as attributes."))
options = [upload.NOT_MAPPED, *base.columns]
chosen: dict[str, str] = {}
grid = st.columns(4)
for i, field in enumerate(upload.fields(base.kind)):
    auto = base.mapping.get(field, upload.NOT_MAPPED)
    chosen[field] = grid[i % 4].selectbox(
        words.field_label(field), options, index=options.index(auto) if auto in options else 0,
        format_func=words.in_this_language(lambda c: words.column_label(base.labels, c)),
        key=f"upload_map_{file_key}_{base.kind}_{mapping_name}_{field}",
        help=words.field_help(base, field))
for field, why in base.not_mapped.items():
    st.caption(_("{field} not mapped: {why}").format(field=words.field_label(field), why=plain(why)))
with st.expander(_("Options: value meanings, constants, scales, kept columns")):
    st.caption(_(words.OPTIONS_HELP))
    typed = st.text_area(_("Options"), value=upload.options_text(applied), key=f"upload_options_text_{file_key}",
                         label_visibility="collapsed")
    if st.button(_("Apply options"), key=f"upload_options_apply_{file_key}"):
        try:
            st.session_state[upload.options_key(file_key)] = upload.parse_options(typed)
            st.rerun()
        except ingest.IngestError as exc:
            st.error(plain(exc))
for column, used_by in upload.doubled(chosen).items():
    st.warning(_("Column {column} is chosen for {fields}: a column feeds one field, "
                 "so only {last} will get it.").format(column=plain(column), fields=", ".join(used_by),
                                                       last=used_by[-1]))
overrides = applied | upload.overrides(base.mapping, chosen)
try:
    shown = (upload.preview(db.cur, str(path), file.name, base.kind, overrides, date_format,
                            mapping_name, db.version, lang=i18n.get_lang()) if overrides != applied else base)
except ingest.IngestError as exc:
    upload.show_problem(exc, file_key, file.name)
    st.stop()

st.subheader(_("What the import will do"))
for sentence in shown.conversions or [_("Values are loaded as they are: no conversion needed.")]:
    st.markdown("- " + plain(sentence))
if shown.unmapped:
    kept = ", ".join(plain(c) for c in shown.unmapped[:30])
    if len(shown.unmapped) > 30:
        kept = _("{columns} and {n} more").format(columns=kept, n=len(shown.unmapped) - 30)
    st.markdown("- " + _("Kept as attributes (usable as filters and breakdowns): {columns}.").format(columns=kept))

st.markdown(_("**The first {n} rows as they will be loaded** (rejected rows left out)").format(
    n=min(len(shown.frame), 20)))
charts.table(upload.display_frame(shown.frame), key="upload_preview_table")

rejects = upload.rejects_frame(shown.rejects)
if len(rejects):
    st.warning(_("{rejected} of {read} rows will be rejected, each with its reason "
                 "(they are stored with the import and can be downloaded).").format(
        rejected=i18n.count(len(rejects)), read=i18n.count(shown.rows_read)))
    charts.table(words.shown_rejects(rejects.head(500)), key="upload_rejects_preview")
else:
    st.success(_("All {n} rows pass the checks.").format(n=i18n.count(shown.rows_read)))

save_as = st.text_input(_("Save this mapping as (optional)"), key="upload_save_as", max_chars=80,
                        placeholder=_("e.g. Qualtrics delivery survey"),
                        help=_("Reuse it for the next export of the same tool with 'Use a saved mapping'."))
source = st.text_input(
    _("Source (the survey or export stream this file belongs to)"), key="upload_source", max_chars=80,
    placeholder=shown.source,
    help=_("Rows are identified within their source: the same id in two sources is two responses, "
           "and next month's export of the same survey should go to the same source. Left empty: "
           "{source}, the source of earlier files with these columns, or a new one.").format(source=shown.source))
st.caption((_("Rows are identified by **{key}** within the source (the file's id column).")
            if shown.key.startswith("id:") else
            _("Rows are identified by **{key}** within the source (a hash of the whole row: the file has "
              "no id column).")).format(key=plain(shown.key)))

replace = False
for earlier in shown.earlier:
    st.warning(plain(earlier["message"]), icon=":material/content_copy:")
    replace = st.checkbox(_("Replace import {id}: undo it and import this file "
                            "with the mapping above, in one step").format(id=earlier["import_id"]),
                          key=f"upload_replace_{file_key}")

done = st.session_state.get("upload_result")
again = bool(done and done[0] == file_key)
pressed = st.button((_("Import {n} rows again") if again else _("Import {n} rows")).format(
                        n=i18n.count(shown.rows_read)),
                    type="secondary" if again else "primary", key="upload_import",
                    icon=":material/upload:", disabled=bool(shown.earlier) and not replace,
                    help=_("This file was imported before: tick Replace, or undo that import first.")
                    if shown.earlier and not replace else None)
if pressed:
    bar = st.progress(0.0, text=_("Starting the import"))
    outcome = upload.attempt(lambda: upload.import_with_alerts(
        db.cur, path, file_name=file.name, kind=base.kind, mapping=overrides,
        mapping_name=mapping_name, save_as=save_as, date_format=date_format, source=source,
        replace=replace, progress=lambda f, msg: bar.progress(min(max(float(f), 0.0), 1.0), text=msg)))
    if outcome is not None:
        st.session_state["upload_result"] = (file_key, *outcome)
        st.rerun()  # every part of the page (and the cached queries) now sees the new data version

if done and done[0] == file_key:
    result, new_alerts = done[1], done[2]
    st.subheader(_("Summary"))
    st.success(_("Import {id} is done: {n} rows loaded from {file}.").format(
        id=result.import_id, n=i18n.count(result.loaded), file=plain(result.file_name)),
        icon=":material/check_circle:")
    for column, (label, value) in zip(st.columns(4), words.summary(result).items(), strict=True):
        column.metric(_(label), i18n.count(value), border=True)
    for line in words.identity_lines(result):
        st.markdown("- " + line)
    for sentence in result.conversions:
        if sentence not in shown.conversions:  # said above already; only what the import added
            st.info(plain(sentence))
    if result.rejects:
        table = upload.rejects_frame(result.rejects)
        st.markdown("**" + _("Rejected rows") + "**")
        charts.table(words.shown_rejects(table), key="upload_rejects_done")
        st.download_button(_("Download the rejected rows (CSV)"), charts.csv_bytes(table),
                           file_name=f"import_{result.import_id}_rejects.csv", mime="text/csv",
                           key="upload_rejects_csv", on_click="ignore", icon=":material/download:")
    if new_alerts:
        st.warning(ngettext("{n} new alert after this import (beyond the noise after the Benjamini-Hochberg "
                            "correction, or below a target):",
                            "{n} new alerts after this import (beyond the noise after the Benjamini-Hochberg "
                            "correction, or below a target):", len(new_alerts)).format(n=len(new_alerts)),
                   icon=":material/notifications_active:")
        for a in new_alerts:
            script, params = alerts_view.link_target(a)
            st.page_link(script, label=alerts_view.label(a), query_params=params, icon=":material/trending_down:")
    first, last = queries.import_date_range(db.cur, result.kind, result.import_id)
    target = "dashboard.py" if result.kind == "responses" else "pages/3_Funnel.py"
    params = {"from": first.isoformat(), "to": last.isoformat()} if first else None
    st.page_link(target, query_params=params, icon=":material/arrow_forward:",
                 label=words.open_label(result.kind, first, last))
    st.page_link("pages/7_Imports.py", label=_("See every import (and undo this one)"),
                 icon=":material/history:")
