"""Funnel: customers at each journey stage per channel, conversion and drop-off, the worst step."""

import streamlit as st

from cxdata import ui
from cxdata.funnel import reads_events, split_across, worst_step
from cxdata.ui import charts, figures, funnels, state
from cxdata.ui.text import plain

view = ui.start("Funnel", "Where customers drop off along the journey")
db, filters = view.db, view.filters

window = view.choice("Conversion window", funnels.WINDOWS, key="window", default=funnels.DEFAULT_WINDOW,
                     format_func=funnels.window_label, widget="radio",
                     help="A customer counts at a stage only if they reach it, in order, within this many "
                          "days of their first stage.")
st.caption("The journey-stage filter does not apply here: the funnel is made of the stages.")
# Two or more channels: each channel's funnel is quick, the one across them is not; draw the quick
# part first and the funnel across the channels when it is ready.
split = split_across(filters)
if split:
    st.caption("The funnel across the chosen channels follows each customer through the events themselves: "
               "at tens of millions of events it comes about half a second after each channel's funnel.")
elif reads_events(filters):
    st.caption("With a touchpoint or attribute filter the journeys are followed through the events "
               "themselves: on a large data set this takes seconds the first time.")
steps = state.funnel_steps(db.cur, db.key, db.version, filters, window, per_channel_only=split)
if not charts.empty(steps, "journey events"):
    worst = worst_step(steps)
    if worst:
        st.warning(plain(worst.words), icon=":material/trending_down:")
    left, right = st.columns([2, 3])
    with right:
        charts.plot(view, figures.funnel_by_channel(steps, "How far each channel's customers get"),
                    key="funnel_channels", narrow_field="channel")
        channels_footer = st.empty()
    if split:
        with left:
            steps = funnels.whole(state.funnel_across(db.cur, db.key, db.version, filters, window), steps)
    starters = funnels.starters(steps)
    with left:
        charts.show(view, figures.funnel_overall(steps, funnels.overall_title(filters)),
                    funnels.overall(steps), key="funnel_all", n=starters)
    with channels_footer.container():
        charts.footer(view, steps, "funnel_channels", starters, "click a bar to filter the dashboard to that channel")
    st.markdown("**Conversion from the previous stage, per channel** (%)")
    charts.table(funnels.conversion_table(steps), key="funnel_conversion", hide_index=False)
