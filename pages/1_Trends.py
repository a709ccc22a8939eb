"""Trends: one KPI over time, with its confidence band and n per point, optionally split."""

import streamlit as st

from cxdata import ui
from cxdata.ui import charts, controls, figures, state

view = ui.start("Trends", "How the KPIs move over time")
db, filters = view.db, view.filters

left, mid, right = st.columns([2, 3, 2])
kpi = view.choice("KPI", controls.KPIS, key="kpi", default="nps", format_func=controls.kpi_label,
                  widget="radio", container=left)
grain = view.choice("Grain", list(controls.GRAIN_LABELS), key="grain", default=controls.auto_grain(filters),
                    format_func=controls.grain_label, widget="radio", container=mid)
split = controls.split_arg(view.choice("Split by", controls.dimensions(view, with_none=True), key="split",
                                      default=controls.NO_SPLIT, format_func=controls.dim_label,
                                      container=right))

trend = state.kpi_trend(db.cur, db.key, db.version, filters, grain, split)
if not charts.empty(trend, "survey responses"):
    name = controls.kpi_label(kpi)
    by = f" by {controls.dim_label(split).lower()}" if split else ""
    title = f"{name} per {grain}{by}" + ("" if split else ", with its 95% confidence band")
    colors = figures.group_colors(trend, kpi) if split else ()  # one colour per group in both charts
    partial = controls.partial_periods(grain, filters, state.date_bounds(db.cur, db.key, db.version))
    n = int(trend[f"{kpi}_n"].sum())
    charts.show(view, figures.trend(trend, kpi, split, title, colors, partial), trend, key="trend_main", n=n,
                note=figures.trend_note(trend, kpi, colors, partial))
    charts.show(view, figures.sample_sizes(trend, kpi, split, f"How many answered ({name}) per {grain}",
                                           colors, partial), trend, key="trend_n", n=n)
