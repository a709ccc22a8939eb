"""Segments: every KPI by any dimension or imported attribute, and a heatmap over two dimensions."""

import streamlit as st

from cxdata import ui
from cxdata.i18n import N_, _
from cxdata.ui import charts, controls, figures, segments, state
from cxdata.ui.text import plain

view = ui.start("Segments", N_("Who is happier, and who is not"))
db, filters = view.db, view.filters
direction = state.ces_direction(db.cur, db.key, db.version)
dims = controls.dimensions(view)

left, right = st.columns([3, 2])
dim = view.choice(_("Break down by"), dims, key="dim", default="segment", format_func=controls.dim_label,
                  container=left)
kpi = view.choice(_("KPI"), controls.KPIS, key="kpi", default="nps", format_func=controls.kpi_label,
                  widget="radio", container=right)
better = segments.higher_is_better(kpi, direction)

table = state.segment_breakdown(db.cur, db.key, db.version, filters, dim)
if not charts.empty(table, N_("survey responses")):
    title = _("{kpi} by {dimension}, best first").format(kpi=controls.kpi_label(kpi),
                                                       dimension=controls.dim_label(dim).lower())
    charts.show(view, figures.breakdown(table, kpi, title, better), table, key=f"seg_bar_{dim}_{kpi}",
                n=int(table[f"{kpi}_n"].sum()), narrow_field=controls.dim_field(dim),
                note=_("blue ▲ / orange ▼: better / worse than the rest beyond the noise, after the "
                       "Benjamini-Hochberg correction over every group and KPI of this breakdown (5%); grey: "
                       "within the noise; hatched: small sample; click a bar to filter the dashboard to it"))
    st.markdown(_("**Every KPI by {dimension}**").format(dimension=plain(controls.dim_label(dim).lower())))
    stages = state.stages(db.cur, db.key, db.version)
    charts.table(segments.kpi_table(table, direction, segments.axis_order(dim, stages)),
                 column_config=segments.table_config())

st.subheader(_("Two dimensions at once"))
a, b, c = st.columns(3)
rows = view.choice(_("Rows"), dims, key="rows", default="segment", format_func=controls.dim_label, container=a)
cols = view.choice(_("Columns"), dims, key="cols", default="channel", format_func=controls.dim_label, container=b)
hm_kpi = view.choice(_("Colour by"), controls.KPIS, key="hm_kpi", default="nps", format_func=controls.kpi_label,
                     container=c)
problem = segments.heatmap_problem(rows, cols)
if problem:
    st.info(problem)
else:
    grid = state.kpi_heatmap(db.cur, db.key, db.version, filters, rows, cols)
    if not charts.empty(grid, N_("survey responses")):
        title = _("{kpi} by {rows} and {columns}").format(kpi=controls.kpi_label(hm_kpi),
                                                          rows=controls.dim_label(rows).lower(),
                                                          columns=controls.dim_label(cols).lower())
        stages = state.stages(db.cur, db.key, db.version)
        fig = figures.heatmap(grid, hm_kpi, controls.dim_label(rows), controls.dim_label(cols), title,
                              segments.higher_is_better(hm_kpi, direction),
                              segments.axis_order(rows, stages), segments.axis_order(cols, stages))
        charts.show(view, fig, grid, key="seg_heatmap", n=int(grid[f"{hm_kpi}_n"].sum()),
                    note=segments.heatmap_note(grid, hm_kpi))
