"""The Trends page's extra lines: a moving average, the same periods a year earlier, the target.

The figures come from ``cxdata.trends`` (pooled answers, not averaged figures); this module caches
those queries and draws the lines over a copy of the page's trend figure.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxdata import trends
from cxdata.filters import Filters

from .figures import with_interval
from .plot import PALETTE
from .text import KPI_NAMES, esc, fmt_kpi

WINDOW_OPTIONS = ("0", *(str(w) for w in trends.MOVING_WINDOWS))
COMPARE_OPTIONS = ("none", "year")
YEAR_COLOR = "#7f7f7f"
TARGET_COLOR = "#333333"


def window_label(grain: str):
    def label(value: str) -> str:
        return "off" if value == "0" else f"{value} {grain}s"
    return label


def compare_label(value: str) -> str:
    return {"none": "nothing", "year": "the same period a year earlier"}[value]


@st.cache_data(show_spinner=False, max_entries=128)
def moving_average(_cur, key: str, version: int, filters: Filters, grain: str, window: int,
                   split: str | None) -> pd.DataFrame:
    return trends.moving_average(_cur, filters, grain, window, split)


@st.cache_data(show_spinner=False, max_entries=128)
def year_earlier(_cur, key: str, version: int, filters: Filters, grain: str) -> pd.DataFrame:
    return trends.year_earlier(_cur, filters, grain)


@st.cache_data(show_spinner=False, max_entries=16)
def targets(_cur, key: str, version: int) -> dict[str, float]:
    return trends.targets(_cur)


def overlaid(base: go.Figure, kpi: str, grain: str, *, average: pd.DataFrame | None = None, window: int = 0,
             earlier: pd.DataFrame | None = None, target: float | None = None,
             colors: tuple[tuple[str, str], ...] = ()) -> go.Figure:
    """A copy of the trend figure ``base`` with the moving average (dotted, per group of ``colors``
    when split), the year-earlier line (grey, dashed) and the target (a horizontal line)."""
    fig = go.Figure(base)
    if average is not None and not average.empty:
        groups = colors or (("", PALETTE[0]),)
        for group, color in groups:
            part = average if not colors else average[average["split"].astype(str) == group]
            name = f"{esc(group) + ', ' if group else ''}{window}-{grain} average"
            _line(fig, with_interval(part, kpi), kpi, name, color, "dot")
    if earlier is not None and not earlier.empty:
        _line(fig, with_interval(earlier, kpi), kpi, "a year earlier", YEAR_COLOR, "dash")
    if target is not None:
        fig.add_hline(y=target, line={"color": TARGET_COLOR, "width": 1.5, "dash": "longdash"},
                      annotation_text=f"target {fmt_kpi(kpi, target)}", annotation_position="top left")
    return fig


def _line(fig: go.Figure, d: pd.DataFrame, kpi: str, name: str, color: str, dash: str) -> None:
    d = d.sort_values("period")
    fig.add_trace(go.Scatter(
        x=d["period"], y=d["est"], name=name, mode="lines", line={"color": color, "width": 2.5, "dash": dash},
        customdata=list(zip(d["n"], d["low"], d["high"], strict=True)),
        hovertemplate=(f"<b>{name}</b><br>%{{x|%d %b %Y}}<br>{KPI_NAMES[kpi]} %{{y:.1f}}"
                       "<br>95%: %{customdata[1]:.1f} to %{customdata[2]:.1f}"
                       "<br>n = %{customdata[0]:,}<extra></extra>")))


def note(kpi: str, grain: str, window: int, earlier: bool, target: float | None, split: bool) -> str:
    """The caption's words for the extra lines (empty when none is drawn)."""
    bits = []
    if window:
        bits.append(f"dotted: the {KPI_NAMES[kpi]} of the answers of each {grain} and the {window - 1} "
                    f"before it, pooled (its n in the hover); none for the first {window - 1} {grain}s")
    if earlier and not split:
        ago = "52 weeks" if grain in ("day", "week") else "a year"
        bits.append(f"grey dashed: the same {grain} {ago} earlier, same filters")
    elif earlier:
        bits.append("the year-earlier line is drawn without a split")
    if target is not None:
        bits.append(f"long dashes: the target, {fmt_kpi(kpi, target)} (Settings page)")
    return "; ".join(bits)
