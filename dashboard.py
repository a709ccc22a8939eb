"""Overview: the headline KPIs, their change against the previous period, and what moved most."""

import streamlit as st

from cxdata import ui
from cxdata.ui import alerts_view, charts, controls, figures, journeys_view, segments, state
from cxdata.ui.text import mover_sentence

view = ui.start("Overview", "Customer experience at a glance")
db, filters = view.db, view.filters

summary = state.kpi_summary(db.cur, db.key, db.version, filters)
direction = state.ces_direction(db.cur, db.key, db.version)
days = controls.period_days(filters)
if not any(summary.current.n(k) for k in controls.KPIS):
    charts.empty(None, "survey responses")
    st.stop()

alerts_view.show_alert_banner(view)
for column, kpi in zip(st.columns(3), controls.KPIS, strict=True):
    with column:
        charts.kpi_card(summary, kpi, direction, days)
value_slot = st.container()  # filled last: its query is the slowest of the page

grain = controls.auto_grain(filters)
trend = state.kpi_trend(db.cur, db.key, db.version, filters, grain)
if not charts.empty(trend, "survey responses"):
    partial = controls.partial_periods(grain, filters, state.date_bounds(db.cur, db.key, db.version))
    sparks = [figures.sparkline(trend, kpi, f"{controls.kpi_label(kpi)} by {grain}", partial)
              for kpi in controls.KPIS]
    charts.show_row(view, sparks, trend, key="overview_trends",
                    note="bands: 95% confidence; hollow points: fewer than 30 answers"
                         + ("; dashed to a hollow diamond: a partial period" if partial else ""))

st.subheader("What moved most since the previous period")
kpi = view.choice("Movers by", controls.KPIS, key="movers", default="nps",
                  format_func=controls.kpi_label, widget="radio")
movers = state.biggest_movers(db.cur, db.key, db.version, filters, kpi)
if movers.empty:
    st.info(f"No segment, touchpoint, channel or region moved its {controls.kpi_label(kpi)} beyond the "
            "noise against the previous period of the same length (after the Benjamini-Hochberg "
            "correction for the number of groups compared).")
else:
    for row in movers.to_dict("records"):
        st.markdown("- " + mover_sentence(row, kpi))
    fig = figures.movers(movers, kpi, f"The {len(movers)} biggest moves in {controls.kpi_label(kpi)}",
                         segments.higher_is_better(kpi, direction))
    charts.show(view, fig, movers, key="overview_movers", n=int(movers["n"].sum()),
                note="bars: change with its 95% margin; shown: moves beyond the noise after the "
                     "Benjamini-Hochberg correction over every group compared (5%)")
st.page_link("pages/5_Why.py", label="Why scores move: key drivers, comment themes and pain points",
             icon=":material/manage_search:", query_params=view.params)

journeys_view.value_tile(view, value_slot)
