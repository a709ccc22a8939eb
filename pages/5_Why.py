"""Why: what goes with the scores (key drivers) and where the journey loses points (pain points)."""

import streamlit as st

from cxdata import ui
from cxdata.ui import charts, controls, themes_view, why
from cxdata.ui.text import plain

view = ui.start("Why", "Why scores move",
                "What goes together with a score, and where the journey loses the most points.")
db, filters = view.db, view.filters

left, right = st.columns([2, 3])
kpi = view.choice("Outcome", controls.KPIS, key="kpi", default="nps", format_func=controls.kpi_label,
                  widget="radio", container=left)
driver_set = view.choice("Drivers", list(why.DRIVER_SETS), key="drivers", default="all",
                         format_func=why.set_label, widget="radio", container=right,
                         help="The other survey scores measure the same feeling as the outcome: leave "
                              "them out to see what a team can act on (waits, channels, segments...).")

st.subheader("Key drivers")
result = why.drivers(db.cur, db.key, db.version, filters, kpi, driver_set)
if not result.drivers:
    st.info(plain(result.note or "No drivers to weigh under these filters. Widen the dates or clear a filter."))
else:
    title = f"What goes with {controls.kpi_label(kpi)}: share of the explained differences"
    charts.show(view, why.drivers_figure(result, title), why.drivers_table(result), key=f"why_drivers_{kpi}",
                n=result.n, note=why.drivers_note(result))
    for line in why.drivers_words(result):
        st.markdown(line)
    dim = why.top_category(result)
    if dim:
        st.page_link("pages/2_Segments.py", label=f"See {controls.kpi_label(kpi)} by "
                     f"{why.driver_label(dim).lower()} on Segments", icon=":material/bar_chart:",
                     query_params=why.segments_params(filters, dim, kpi))

st.subheader("Pain points")
points = why.pain_points(db.cur, db.key, db.version, filters, kpi)
for level, what in (("touchpoint", "touchpoints"), ("stage x channel", "journey stage × channel cells")):
    table = why.pain_table(points, level)
    if table.empty:
        st.info(f"No {what} fall below the rest beyond the noise under these filters.")
        continue
    title = f"{controls.kpi_label(kpi)} points lost to {what}, costliest first"
    charts.show(view, why.pain_figure(points, level, title), table, key=f"why_pain_{level.replace(' ', '_')}_{kpi}",
                n=points.n, note=why.pain_note(points, level))
if points.small:
    with st.expander(f"Small samples, not ranked ({len(points.small)})"):
        st.markdown("\n".join(f"- {line}" for line in why.small_lines(points)))

st.subheader("What customers say: comment themes")
theme_kpi = kpi if kpi in themes_view.GROUPS else "nps"
if theme_kpi != kpi:
    st.caption("Comments are compared between NPS detractors and promoters here: CES has no low and high "
               "groups of comments of its own.")
themes_view.show_themes(view, theme_kpi)
