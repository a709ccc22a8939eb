"""Funnel: customers at each journey stage per channel, conversion and drop-off, the worst step,
how long each step takes, and how each stage is rated."""

import streamlit as st

from cxdata import ui
from cxdata.funnel import reads_events, scores, split_across, worst_step
from cxdata.i18n import N_, _
from cxdata.ui import charts, figures, funnel_state, funnels, journey_figures
from cxdata.ui.text import plain

view = ui.start("Funnel", N_("Where customers drop off along the journey"))
db, filters = view.db, view.filters

window = view.choice(_("Conversion window"), funnels.WINDOWS, key="window", default=funnels.DEFAULT_WINDOW,
                     format_func=funnels.window_label, widget="radio",
                     help=_("A customer counts at a stage only if they reach it within this many days of their "
                            "first stage."))
order = view.choice(_("Steps"), funnels.ORDERS, key="order", default="strict", format_func=funnels.order_label,
                    widget="radio",
                    help=_("In order: each stage after the one before it. Any order: a stage counts once it and "
                           "every stage before it were reached within the window, whatever their order."))
st.caption(_("The journey-stage filter does not apply here: the funnel is made of the stages."))
# Two or more channels, in order: each channel's funnel is quick, the one across them is not; draw
# the quick part first and the funnel across the channels when it is ready.
split = split_across(filters) and order == "strict"
if split:
    st.caption(_("The funnel across the chosen channels follows each customer through the events themselves: "
                 "at tens of millions of events it comes about half a second after each channel's funnel."))
elif reads_events(filters) or order == "any":
    st.caption(_("The journeys are followed through the events themselves (any order, a touchpoint or "
                 "attribute filter, or two or more channels): on a large data set this takes seconds the first time."))
steps = funnel_state.funnel_steps(db.cur, db.key, db.version, filters, window, order, per_channel_only=split)
if not charts.empty(steps, N_("journey events")):
    worst = worst_step(steps)
    if worst:
        st.warning(plain(worst.words), icon=":material/trending_down:")
    left, right = st.columns([2, 3])
    with right:
        charts.plot(view, figures.funnel_by_channel(steps, _("How far each channel's customers get")),
                    key="funnel_channels", narrow_field="channel")
        channels_footer = st.empty()
    if split:
        with left:
            steps = funnels.whole(funnel_state.funnel_across(db.cur, db.key, db.version, filters, window, order),
                                  steps)
    starters = funnels.starters(steps)
    with left:
        charts.show(view, figures.funnel_overall(steps, funnels.overall_title(filters)),
                    funnels.overall(steps), key="funnel_all", n=starters)
    with channels_footer.container():
        charts.footer(view, steps, "funnel_channels", starters,
                      _("click a bar to filter the dashboard to that channel"))
    st.markdown(_("**Conversion from the previous stage, per channel** (%)"))
    charts.table(funnels.conversion_table(steps), key="funnel_conversion", hide_index=False)

    st.subheader(_("How long each step takes"))
    if funnel_state.timing_wanted(db.cur, db.key, db.version):
        days = funnel_state.days_to_step(db.cur, db.key, db.version, filters, window, order)
        charts.show(view, journey_figures.time_to_convert(days, _("Days from the previous stage, per channel")),
                    funnels.time_table(days), key="funnel_time", n=funnels.converters(days),
                    note=_("boxes: 25th-75th percentile around the median; whiskers: 5th and 95th"))
        st.markdown(_("**Reached the next stage within 7 days of the previous one, per channel** (% of those at "
                      "the previous stage; within 1 and 30 days: the chart's CSV)"))
        charts.table(funnels.within_table(days), key="funnel_within", hide_index=False)

    st.subheader(_("Scores along the journey"))
    along = scores.along_journey(steps, funnel_state.stage_scores(db.cur, db.key, db.version, filters))
    loss = scores.biggest_loss(along)
    if loss is not None:
        st.info(plain(scores.loss_words(loss)), icon=":material/insights:")
    charts.show(view, journey_figures.loss_and_scores(along, _("Where customers are lost, and how they rate that stage")),
                funnels.scores_table(along), key="funnel_scores", n=funnels.rated(along),
                note=_("NPS of the responses given at each stage on each channel; hollow: fewer than 30 answers"))
