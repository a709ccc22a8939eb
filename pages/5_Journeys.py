"""Journeys: how customers move between channels along the funnel, and what experience is worth."""

import streamlit as st

from cxdata import ui
from cxdata.i18n import N_, _
from cxdata.ui import charts, funnels, journeys_view
from cxdata.ui.text import plain

view = ui.start("Journeys", N_("How customers move between channels, and what experience is worth"))
db, filters = view.db, view.filters

st.subheader(_("Paths between channels"))
window = view.choice(_("Conversion window"), funnels.WINDOWS, key="window", default=funnels.DEFAULT_WINDOW,
                     format_func=funnels.window_label, widget="radio",
                     help=_("As on the Funnel page: a journey reaches a stage only within this many days of "
                            "its first stage."))
st.caption(_(journeys_view.PATHS_NOTE) + journeys_view.cost_note(view))
out = journeys_view.paths(db.cur, db.key, db.version, filters, window)
if out["journeys"] == 0:
    charts.empty(None, N_("journeys"))
else:
    journeys_view.switching_metric(out)
    charts.show(view, journeys_view.sankey(out, _("Which channel customers use at each stage")),
                journeys_view.links_frame(out), key="journeys_sankey", n=out["journeys"],
                note=journeys_view.stage_note(out) + " · " + _("one node per channel per stage"))
    st.markdown(_("**Top paths before {stage}**, and how many of them went on to it").format(
        stage=plain(out["purchase_stage"])))
    charts.table(journeys_view.paths_table(out), key="journeys_paths")
    st.caption(journeys_view.stopped_note(out))

st.subheader(_("The value of experience"))
days = view.choice(_("Revenue over the next"), journeys_view.VALUE_DAYS, key="days", default=365,
                   format_func=journeys_view.days_label, widget="radio")
val = journeys_view.value(db.cur, db.key, db.version, filters, days)
if val["customers"] == 0:
    charts.empty(None, N_("customers with an NPS response"))
else:
    journeys_view.difference_metrics(val)
    title = _("Revenue per customer in the {days} days after their response").format(days=days)
    charts.show(view, journeys_view.value_figure(val, title), journeys_view.value_frame(val),
                key="journeys_value", n=val["customers"],
                note=_("bars: mean with its 95% interval; hatched: small sample"))
    charts.table(journeys_view.value_frame(val), key="journeys_value_table")
    st.caption(_(journeys_view.CAVEAT))
