"""Trends: one KPI over time, with its confidence band and n per point, optionally split."""

import streamlit as st

from cxdata import ui
from cxdata.i18n import N_, _
from cxdata.ui import charts, controls, figures, segments, state, trend_extras

view = ui.start("Trends", N_("How the KPIs move over time"))
db, filters = view.db, view.filters

left, mid, right = st.columns([2, 3, 2])
kpi = view.choice(_("KPI"), controls.KPIS, key="kpi", default="nps", format_func=controls.kpi_label,
                  widget="radio", container=left)
grain = view.choice(_("Grain"), list(controls.GRAIN_LABELS), key="grain", default=controls.auto_grain(filters),
                    format_func=controls.grain_label, widget="radio", container=mid)
split = controls.split_arg(view.choice(_("Split by"), controls.dimensions(view, with_none=True), key="split",
                                      default=controls.NO_SPLIT, format_func=controls.dim_label,
                                      container=right))
left, mid, _right = st.columns([2, 3, 2])
window = int(view.choice(_("Moving average"), trend_extras.WINDOW_OPTIONS, key="ma", default="0",
                         format_func=trend_extras.window_label(grain), container=left))
compare = view.choice(_("Compare with"), trend_extras.COMPARE_OPTIONS, key="compare", default="none",
                      format_func=trend_extras.compare_label, container=mid) == "year"

trend = state.kpi_trend(db.cur, db.key, db.version, filters, grain, split)
if not charts.empty(trend, N_("survey responses")):
    name = controls.kpi_label(kpi)
    word = controls.grain_word(grain)
    title = (_("{kpi} per {grain} by {dimension}").format(kpi=name, grain=word, dimension=controls.dim_label(split).lower())
             if split else _("{kpi} per {grain}, with its 95% confidence band").format(kpi=name, grain=word))
    stages = state.stages(db.cur, db.key, db.version)
    lines = charts.lines_choice(view, trend["split"].nunique(), container=_right) if split else None
    # one colour per group, the same on every page (palette), in both charts
    colors = (figures.group_colors(trend, kpi, lines, order=segments.axis_order(split, stages)) if split else ())
    partial = controls.partial_periods(grain, filters, state.date_bounds(db.cur, db.key, db.version))
    n = int(trend[f"{kpi}_n"].sum())
    target = trend_extras.targets(db.cur, db.key, db.version).get(kpi)
    average = (trend_extras.moving_average(db.cur, db.key, db.version, filters, grain, window, split)
               if window else None)
    earlier = (trend_extras.year_earlier(db.cur, db.key, db.version, filters, grain)
               if compare and not split else None)
    fig = figures.trend(trend, kpi, split, title, colors, partial)
    if window or earlier is not None or target is not None:
        fig = trend_extras.overlaid(fig, kpi, grain, average=average, window=window, earlier=earlier,
                                    target=target, colors=colors)
    extra = trend_extras.note(kpi, grain, window, compare, target, bool(split))
    charts.show(view, fig, trend, key="trend_main", n=n,
                note="; ".join(b for b in (figures.trend_note(trend, kpi, colors, partial), extra) if b))
    charts.show(view, figures.sample_sizes(trend, kpi, split, _("How many answered ({kpi}) per {grain}").format(kpi=name, grain=word),
                                           colors, partial), trend, key="trend_n", n=n)
