"""Journeys: how customers move between channels along the funnel, and what experience is worth."""

import streamlit as st

from cxdata import ui
from cxdata.ui import charts, funnels, journeys_view

view = ui.start("Journeys", "How customers move between channels, and what experience is worth")
db, filters = view.db, view.filters

st.subheader("Paths between channels")
window = view.choice("Conversion window", funnels.WINDOWS, key="window", default=funnels.DEFAULT_WINDOW,
                     format_func=funnels.window_label, widget="radio",
                     help="As on the Funnel page: a journey reaches a stage only within this many days of "
                          "its first stage.")
st.caption(journeys_view.PATHS_NOTE + journeys_view.cost_note(view))
out = journeys_view.paths(db.cur, db.key, db.version, filters, window)
if out["journeys"] == 0:
    charts.empty(None, "journeys")
else:
    journeys_view.switching_metric(out)
    charts.show(view, journeys_view.sankey(out, "Which channel customers use at each stage"),
                journeys_view.links_frame(out), key="journeys_sankey", n=out["journeys"],
                note=journeys_view.stage_note(out) + " · one node per channel per stage")
    st.markdown(f"**Top paths before {out['purchase_stage']}**, and how many of them went on to it")
    charts.table(journeys_view.paths_table(out), key="journeys_paths")
    st.caption(journeys_view.stopped_note(out))

st.subheader("The value of experience")
days = view.choice("Revenue over the next", journeys_view.VALUE_DAYS, key="days", default=365,
                   format_func=journeys_view.days_label, widget="radio")
val = journeys_view.value(db.cur, db.key, db.version, filters, days)
if val["customers"] == 0:
    charts.empty(None, "customers with an NPS response")
else:
    journeys_view.difference_metrics(val)
    charts.show(view, journeys_view.value_figure(val, f"Revenue per customer in the {days} days after their response"),
                journeys_view.value_frame(val), key="journeys_value", n=val["customers"],
                note="bars: mean with its 95% interval; hatched: small sample")
    charts.table(journeys_view.value_frame(val), key="journeys_value_table")
    st.caption(journeys_view.CAVEAT)
