"""Why: what goes with the scores (key drivers) and where the journey loses points (pain points)."""

import streamlit as st

from cxdata import ui
from cxdata.i18n import N_, _
from cxdata.ui import charts, controls, themes_view, why
from cxdata.ui.text import plain

view = ui.start("Why", N_("Why scores move"),
                N_("What goes together with a score, and where the journey loses the most points."))
db, filters = view.db, view.filters

left, right = st.columns([2, 3])
kpi = view.choice(_("Outcome"), controls.KPIS, key="kpi", default="nps", format_func=controls.kpi_label,
                  widget="radio", container=left)
driver_set = view.choice(_("Drivers"), list(why.DRIVER_SETS), key="drivers", default="all",
                         format_func=why.set_label, widget="radio", container=right,
                         help=_("The other survey scores measure the same feeling as the outcome: leave "
                                "them out to see what a team can act on (waits, channels, segments...)."))

st.subheader(_("Key drivers"))
result = why.drivers(db.cur, db.key, db.version, filters, kpi, driver_set)
if not result.drivers:
    st.info(plain(why.library_words(result.note) if result.note else
                  _("No drivers to weigh under these filters. Widen the dates or clear a filter.")))
else:
    title = _("What goes with {kpi}: share of the explained differences").format(kpi=controls.kpi_label(kpi))
    charts.show(view, why.drivers_figure(result, title), why.drivers_table(result), key=f"why_drivers_{kpi}",
                n=result.n, note=why.drivers_note(result))
    for line in why.drivers_words(result):
        st.markdown(line)
    dim = why.top_category(result)
    if dim:
        st.page_link("pages/2_Segments.py", label=_("See {kpi} by {dimension} on Segments").format(
                         kpi=controls.kpi_label(kpi), dimension=why.driver_label(dim).lower()),
                     icon=":material/bar_chart:", query_params=why.segments_params(filters, dim, kpi))

st.subheader(_("Pain points"))
points = why.pain_points(db.cur, db.key, db.version, filters, kpi)
for level in why.LEVELS:
    table = why.pain_table(points, level)
    if table.empty:
        st.info(_(why.NO_PAIN[level]))
        continue
    title = _(why.PAIN_TITLES[level]).format(kpi=controls.kpi_label(kpi))
    charts.show(view, why.pain_figure(points, level, title), table, key=f"why_pain_{level.replace(' ', '_')}_{kpi}",
                n=points.n, note=why.pain_note(points, level))
if points.small:
    with st.expander(_("Small samples, not ranked ({n})").format(n=len(points.small))):
        st.markdown("\n".join(f"- {line}" for line in why.small_lines(points)))

st.subheader(_("What customers say: comment themes"))
theme_kpi = kpi if kpi in themes_view.GROUPS else "nps"
if theme_kpi != kpi:
    st.caption(_("Comments are compared between NPS detractors and promoters here: CES has no low and high "
                 "groups of comments of its own."))
themes_view.show_themes(view, theme_kpi)
