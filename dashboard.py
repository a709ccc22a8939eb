"""Overview: the headline KPIs, their change against the previous period, and what moved most."""

import streamlit as st

from cxdata import i18n, ui
from cxdata.i18n import N_, _
from cxdata.ui import alerts_view, charts, controls, figures, journeys_view, segments, state
from cxdata.ui.text import mover_sentence

view = ui.start("Overview", N_("Customer experience at a glance"), journeys=False)
db, filters = view.db, view.filters

summary = state.kpi_summary(db.cur, db.key, db.version, filters)
direction = state.ces_direction(db.cur, db.key, db.version)
days = controls.period_days(filters)
if not any(summary.current.n(k) for k in controls.KPIS):
    charts.empty(None, N_("survey responses"))
    st.stop()

alerts_view.show_alert_banner(view)
for column, kpi in zip(st.columns(3), controls.KPIS, strict=True):
    with column:
        charts.kpi_card(summary, kpi, direction, days)
value_slot = st.container()  # filled last: its query is the slowest of the page

grain = controls.auto_grain(filters)
trend = state.kpi_trend(db.cur, db.key, db.version, filters, grain)
if not charts.empty(trend, N_("survey responses")):
    partial = controls.partial_periods(grain, filters, state.date_bounds(db.cur, db.key, db.version))
    sparks = [figures.sparkline(trend, kpi, _("{kpi} by {grain}").format(kpi=controls.kpi_label(kpi),
                                                                          grain=controls.grain_word(grain)), partial)
              for kpi in controls.KPIS]
    note = _("bands: 95% confidence; hollow points: fewer than 30 answers")
    if partial:
        note += "; " + _("dashed to a hollow diamond: a partial period")
    charts.show_row(view, sparks, trend, key="overview_trends", note=note)

st.subheader(_("What moved most since the previous period"))
kpi = view.choice(_("Movers by"), controls.KPIS, key="movers", default="nps",
                  format_func=controls.kpi_label, widget="radio")
movers = state.biggest_movers(db.cur, db.key, db.version, filters, kpi)
if movers.empty:
    st.info(_("No segment, touchpoint, channel or region moved its {kpi} beyond the noise against the "
              "previous period of the same length (after the Benjamini-Hochberg correction for the number "
              "of groups compared).").format(kpi=controls.kpi_label(kpi)))
else:
    for row in movers.to_dict("records"):
        st.markdown("- " + mover_sentence(row, kpi))
    fig = figures.movers(movers, kpi, _("The {count} biggest moves in {kpi}").format(
        count=i18n.count(len(movers)), kpi=controls.kpi_label(kpi)), segments.higher_is_better(kpi, direction))
    charts.show(view, fig, movers, key="overview_movers", n=int(movers["n"].sum()),
                note=_("bars: change with its 95% margin; shown: moves beyond the noise after the "
                       "Benjamini-Hochberg correction over every group compared (5%)"))
st.page_link("pages/5_Why.py", label=_("Why scores move: key drivers, comment themes and pain points"),
             icon=":material/manage_search:", query_params=view.params)

journeys_view.value_tile(view, value_slot)
