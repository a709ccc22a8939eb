"""The Why page's helpers: cached key drivers and pain points, their figures, tables and words.

Cached like ``state``'s wrappers: every argument the result depends on (cursor not hashed,
database key, data version, ``Filters``, the page's controls)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxdata import catalog
from cxdata.filters import Filters
from cxdata.insight import drivers as drv
from cxdata.insight import painpoints as pain

from . import controls
from .plot import BAD, PALETTE, layout
from .text import KPI_NAMES, esc, fmt_count, fmt_delta, plain

# Which drivers to weigh: everything measured, or what a team can act on (the other survey scores
# are answers to the same survey: they go with the outcome because they measure the same feeling).
DRIVER_SETS = {"all": drv.KINDS, "no_scores": ("rating", "category")}
SET_LABELS = {"all": "Every measure", "no_scores": "Without the other scores"}
KIND_COLORS = {"score": PALETTE[0], "rating": PALETTE[2], "category": PALETTE[4]}
KIND_LABELS = {"score": "another score", "rating": "a rating (imported)", "category": "a category"}
MAX_BARS = 15  # pain points drawn; the download has them all


def set_label(key: str) -> str:
    return SET_LABELS[key]


def driver_label(name: str) -> str:
    """'CSAT (1-5)', 'Channel', 'wait_band (imported)'."""
    return catalog.FIELD_LABELS.get(name) or controls.dim_label(name)


@st.cache_data(show_spinner="Weighing the drivers…", max_entries=128)
def drivers(_cur, key: str, version: int, filters: Filters, kpi: str, driver_set: str) -> drv.DriverResult:
    return drv.key_drivers(_cur, filters, kpi, kinds=DRIVER_SETS[driver_set])


@st.cache_data(show_spinner=False, max_entries=128)
def pain_points(_cur, key: str, version: int, filters: Filters, kpi: str) -> pain.PainPoints:
    return pain.pain_points(_cur, filters, kpi)


# ---- key drivers ------------------------------------------------------------------------------
def drivers_table(result: drv.DriverResult) -> pd.DataFrame:
    """One row per driver, most important first: what the chart shows, and its download."""
    rows = [{"driver": d.name, "label": driver_label(d.name), "kind": d.kind,
             "share_of_r2_pct": d.share, "importance": d.importance,
             "correlation": d.correlation, "correlation_is": "eta" if d.kind == "category" else "r",
             "n": d.n, "small_sample": d.small_sample} for d in result.drivers]
    return pd.DataFrame(rows)


def drivers_figure(result: drv.DriverResult, title: str) -> go.Figure:
    """Horizontal bars of each driver's share of R^2, the largest on top; colour says the kind."""
    t = drivers_table(result).iloc[::-1]
    corr = [("η " if k == "category" else "r ") + (f"{c:+.2f}" if k != "category" else f"{c:.2f}")
            for k, c in zip(t["kind"], t["correlation"], strict=True)]
    fig = go.Figure(go.Bar(
        x=t["share_of_r2_pct"], y=[esc(v) for v in t["label"]], orientation="h",
        marker_color=[KIND_COLORS[k] for k in t["kind"]],
        marker_pattern_shape=["/" if s else "" for s in t["small_sample"]],
        customdata=list(zip(t["importance"], corr, t["n"], [KIND_LABELS[k] for k in t["kind"]], strict=True)),
        text=[f"{s:.1f}%  ({c}, n={fmt_count(n)})" for s, c, n in zip(t["share_of_r2_pct"], corr, t["n"], strict=True)],
        textposition="auto",
        hovertemplate="%{y}: %{customdata[3]}<br>%{x:.1f}% of R² (importance %{customdata[0]:.4f})"
                      "<br>%{customdata[1]} with the outcome<br>n = %{customdata[2]:,}<extra></extra>"))
    layout(fig, title, height=max(260, 90 + 34 * len(t)))
    fig.update_xaxes(title="Share of the explained variance (% of R²)", rangemode="tozero")
    fig.update_yaxes(automargin=True, type="category")
    return fig


def drivers_note(result: drv.DriverResult) -> str:
    how = ("Shapley decomposition of R²" if result.method == "shapley"
           else "relative weights (Johnson), too many drivers for every subset")
    return (f"R² {result.r2:.2f} from {fmt_count(result.n)} answers with every driver "
            f"({fmt_count(result.n_outcome)} with the outcome); {how}; r: Pearson, η: correlation ratio "
            "of a category; hatched: small sample")


def drivers_words(result: drv.DriverResult) -> list[str]:
    """Markdown lines under the chart: the caveat, what was left out and why, a warning."""
    out = [f"*{drv.CAVEAT}*"]
    if result.note:
        out.append(plain(result.note))
    for left in result.left_out:
        out.append(f"Left out: **{plain(driver_label(left['name']))}**, {plain(left['reason'])}.")
    return out


def top_category(result: drv.DriverResult) -> str | None:
    """The most important categorical driver a Segments breakdown can show, if any."""
    return next((d.name for d in result.drivers if d.kind == "category"), None)


def segments_params(filters: Filters, dim: str, kpi: str) -> dict[str, list[str]]:
    """The Segments page's link: the same filters, broken down by ``dim``, colour by ``kpi``."""
    return filters.to_query_params() | {"dim": [dim], "kpi": [kpi]}


# ---- pain points ------------------------------------------------------------------------------
def pain_table(result: pain.PainPoints, level: str) -> pd.DataFrame:
    """The ranked pain points of one level (``touchpoint`` or ``stage x channel``)."""
    cols = ["level", "name", "stage", "channel", "n", "value", "rest", "gap", "margin", "share", "impact"]
    rows = [{c: getattr(p, c) for c in cols} for p in result.painpoints if p.level == level]
    return pd.DataFrame(rows, columns=cols).rename(columns={"share": "share_pct"})


def pain_figure(result: pain.PainPoints, level: str, title: str) -> go.Figure:
    """Points of the overall KPI each pain point costs (share x gap), the costliest on top, with
    the margin of that cost (share x the gap's margin) as error bars."""
    t = pain_table(result, level).head(MAX_BARS).iloc[::-1]
    kpi = result.kpi
    cost = t["impact"].abs()
    fig = go.Figure(go.Bar(
        x=cost, y=[esc(v) for v in t["name"]], orientation="h", marker_color=BAD,
        error_x={"type": "data", "array": t["margin"] * t["share_pct"] / 100, "color": "#444"},
        customdata=list(zip(t["value"], t["rest"], t["gap"], t["margin"], t["n"], strict=True)),
        text=[f"{fmt_delta(kpi, g)} vs the rest ± {m:.2f}  (n={fmt_count(n)})" if kpi == "ces"
              else f"{fmt_delta(kpi, g)} vs the rest ± {m:.1f}  (n={fmt_count(n)})"
              for g, m, n in zip(t["gap"], t["margin"], t["n"], strict=True)],
        # long bars: the words inside from the left, clear of the error bar at the end
        textposition=["inside" if c > 0.45 * cost.max() else "outside" for c in cost],
        insidetextanchor="start",
        hovertemplate="%{y}<br>" + KPI_NAMES[kpi] + " %{customdata[0]:.2f} against %{customdata[1]:.2f} "
                      "for the rest<br>gap %{customdata[2]:+.2f} ± %{customdata[3]:.2f}"
                      "<br>n = %{customdata[4]:,}<br>costs the overall figure %{x:.2f}<extra></extra>"))
    layout(fig, title, height=max(220, 90 + 34 * len(t)))
    fig.update_xaxes(title=f"{KPI_NAMES[kpi]} points the overall figure loses (share × gap)", rangemode="tozero")
    fig.update_yaxes(automargin=True, type="category")
    return fig


def pain_note(result: pain.PainPoints, level: str) -> str:
    shown = len(pain_table(result, level))
    more = f" (the {MAX_BARS} costliest drawn, all {shown} in the download)" if shown > MAX_BARS else ""
    better = "higher" if result.higher_is_better else "lower"
    return (f"only gaps to the rest beyond the noise (95%, after the Benjamini-Hochberg correction over every "
            f"group compared), on the worse side ({better} is better){more}; "
            f"{result.within_noise} other groups are within the noise or better")


def small_lines(result: pain.PainPoints) -> list[str]:
    """Markdown lines: the small-sample groups, flagged apart and never ranked."""
    return [f"**{plain(p.name)}** ({plain(p.level)}): {KPI_NAMES[result.kpi]} "
            f"{'–' if p.value is None else f'{p.value:.1f}'}, n = {fmt_count(p.n)}" for p in result.small]
