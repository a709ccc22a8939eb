"""Settings: the data set's definitions a CX team may change (CES direction, KPI targets), read by
everyone, changed behind the same gate as importing."""

import streamlit as st

from cxdata import catalog, settings, ui
from cxdata.i18n import N_, _
from cxdata.ui import auth, settings_view, state

view = ui.start("Settings", N_("Definitions and targets"),
                N_("How the figures are defined for this data set. Everyone can read them; changing one "
                   "needs the import password (or an allowed login), like importing."), filters=False)
db = view.db

settings_view.show_saved()
current = settings_view.current(db.cur, db.key, db.version)
st.markdown(settings_view.definitions_markdown(current))

if not auth.gate(N_("change settings")):
    st.stop()

with st.form("cx_settings"):
    direction = st.radio(_("CES scale"), catalog.CES_DIRECTIONS, horizontal=True,
                         index=catalog.CES_DIRECTIONS.index(current["ces_direction"]),
                         format_func=settings_view.direction_words,
                         help=_("How your survey asks the effort question: it decides whether a low or a "
                                "high CES is good, and which answers count as low effort."))
    cols = st.columns(3)
    typed = {key: cols[i].text_input(settings_view.target_label(key), value=settings_view.shown(current[key]),
                                     key=f"cx_set_{key}", help=settings_view.target_help(key))
             for i, key in enumerate(settings.TARGETS)}
    saved = st.form_submit_button(_("Save"), icon=":material/save:")
if saved:
    changed = settings_view.save(db.cur, {"ces_direction": direction, **typed})
    if changed is not None:  # draw the page again on the new definitions, with the message
        state.clear_caches()
        settings_view.remember_saved(changed)
        st.rerun()
