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
from cxdata.i18n import N_, _

from .controls import grain_word
from .figures import with_interval
from .plot import PALETTE
from .text import KPI_NAMES, esc, fmt_kpi

WINDOW_OPTIONS = ("0", *(str(w) for w in trends.MOVING_WINDOWS))
COMPARE_OPTIONS = ("none", "year")
YEAR_COLOR = "#7f7f7f"
TARGET_COLOR = "#333333"


# "3 weeks": the grain's plural, a whole phrase per grain (Italian inflects the noun differently)
PERIODS = {"day": N_("{n} days"), "week": N_("{n} weeks"), "month": N_("{n} months"), "quarter": N_("{n} quarters")}
AVERAGES = {"day": N_("{window}-day average"), "week": N_("{window}-week average"),
            "month": N_("{window}-month average"), "quarter": N_("{window}-quarter average")}
COMPARE_LABELS = {"none": N_("nothing"), "year": N_("the same period a year earlier")}


def periods(n: int | str, grain: str) -> str:
    return _(PERIODS[grain]).format(n=n)


def window_label(grain: str):
    def label(value: str) -> str:
        return _("off") if value == "0" else periods(value, grain)
    return label


def compare_label(value: str) -> str:
    return _(COMPARE_LABELS[value])


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
            average_words = _(AVERAGES[grain]).format(window=window)
            name = f"{esc(group)}, {average_words}" if group else average_words
            _line(fig, with_interval(part, kpi), kpi, name, color, "dot")
    if earlier is not None and not earlier.empty:
        _line(fig, with_interval(earlier, kpi), kpi, _("a year earlier"), YEAR_COLOR, "dash")
    if target is not None:
        fig.add_hline(y=target, line={"color": TARGET_COLOR, "width": 1.5, "dash": "longdash"},
                      annotation_text=_("target {value}").format(value=fmt_kpi(kpi, target)), annotation_position="top left")
    return fig


def _line(fig: go.Figure, d: pd.DataFrame, kpi: str, name: str, color: str, dash: str) -> None:
    d = d.sort_values("period")
    fig.add_trace(go.Scatter(
        x=d["period"], y=d["est"], name=name, mode="lines", line={"color": color, "width": 2.5, "dash": dash},
        customdata=list(zip(d["n"], d["low"], d["high"], strict=True)),
        hovertemplate=(f"<b>{name}</b><br>%{{x|%d %b %Y}}<br>{KPI_NAMES[kpi]} %{{y:,.1f}}<br>"
                       + _("95%: {low} to {high}").format(low="%{customdata[1]:,.1f}", high="%{customdata[2]:,.1f}")
                       + "<br>n = %{customdata[0]:,}<extra></extra>")))


def note(kpi: str, grain: str, window: int, earlier: bool, target: float | None, split: bool) -> str:
    """The caption's words for the extra lines (empty when none is drawn)."""
    bits = []
    if window:
        bits.append(_("dotted: the {kpi} of the answers of each {grain} and the {before} before it, pooled "
                      "(its n in the hover); none for the first {periods}").format(
            kpi=KPI_NAMES[kpi], grain=grain_word(grain), before=window - 1, periods=periods(window - 1, grain)))
    if earlier and not split:
        words = (N_("grey dashed: the same {grain} 52 weeks earlier, same filters") if grain in ("day", "week")
                 else N_("grey dashed: the same {grain} a year earlier, same filters"))
        bits.append(_(words).format(grain=grain_word(grain)))
    elif earlier:
        bits.append(_("the year-earlier line is drawn without a split"))
    if target is not None:
        bits.append(_("long dashes: the target, {value} (Settings page)").format(value=fmt_kpi(kpi, target)))
    return "; ".join(bits)
