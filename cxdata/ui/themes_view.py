"""Comment themes on a page: what low scorers say more than high scorers, and the other way, as two
ranked bar charts with each term's comments, z and example comments (``cxdata/insight/themes.py``).

    show_themes(view, "nps")   # or "csat"
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxdata.filters import Filters
from cxdata.insight import themes as lib

from . import charts
from .page import View
from .plot import BAD, GOOD, layout
from .text import esc, fmt_count, plain

GROUPS = {"nps": ("detractors (0-6)", "promoters (9-10)"), "csat": ("CSAT 1-3", "CSAT 4-5")}


@st.cache_data(show_spinner="Reading the comments…", max_entries=64)
def themes(_cur, key: str, version: int, filters: Filters, kpi: str) -> dict:
    """``insight.themes.themes``, cached by database, data version, filters and KPI."""
    return lib.themes(_cur, filters, kpi)


def theme_frame(items: list[dict]) -> pd.DataFrame:
    """One row per theme: term, comments, z, examples (joined by ' | ')."""
    return pd.DataFrame({"term": [t["term"] for t in items], "comments": [t["count"] for t in items],
                         "z": [round(t["z"], 1) for t in items],
                         "examples": [" | ".join(t["examples"]) for t in items]})


def theme_bars(items: list[dict], title: str, color: str) -> go.Figure:
    """Terms ranked by |z|, strongest on top; the hover gives the comments and the first example.
    Every label is escaped (``text.esc``): terms and comments are customers' words."""
    items = items[::-1]  # Plotly draws the first bar at the bottom
    fig = go.Figure(go.Bar(
        x=[abs(t["z"]) for t in items], y=[esc(t["term"]) for t in items], orientation="h",
        marker_color=color, text=[f"{t['count']:,}" for t in items], textposition="inside", textangle=0,
        customdata=[[esc(t["examples"][0]) if t["examples"] else ""] for t in items],
        hovertemplate="%{y}: z %{x:.1f} · %{text} comments<br>%{customdata[0]}<extra></extra>",
    ))
    fig.update_xaxes(title="|z|: how much more this group says it (> 1.96)")
    return layout(fig, title, height=max(260, 60 + 26 * len(items)))


def show_themes(view: View, kpi: str) -> None:
    """The themes of ``kpi`` (nps or csat) under the view's filters: n of comments, two ranked bar
    charts (each with its CSV), and a table with example comments."""
    out = themes(view.db.cur, view.db.key, view.db.version, view.filters, kpi)
    low_name, high_name = GROUPS[kpi]
    if not out["n_low"] or not out["n_high"]:
        st.info(f"Comment themes need comments from both {low_name} and {high_name}: these filters "
                f"leave {fmt_count(out['n_low'])} and {fmt_count(out['n_high'])}. Widen the dates or "
                "clear a filter.")
        return
    small = " · **small sample**" if min(out["n_low"], out["n_high"]) < 30 else ""
    st.caption(f"{fmt_count(out['n_comments'])} comments: {fmt_count(out['n_low'])} from {low_name}, "
               f"{fmt_count(out['n_high'])} from {high_name}{small}. Weighted log-odds with an "
               "informative prior (Monroe et al. 2008); a theme has |z| > 1.96 and 10 comments.")
    left, right = st.columns(2)
    for column, side, name, color in ((left, "low", low_name, BAD), (right, "high", high_name, GOOD)):
        with column:
            items = out[side]
            if not items:
                st.info(plain(f"No word or phrase that {name} use more, beyond the noise."))
                continue
            frame = theme_frame(items)
            charts.show(view, theme_bars(items, f"Said more by {name}", color), frame,
                        key=f"themes_{kpi}_{side}", n=out[f"n_{side}"],
                        note="bar: |z|; number: comments of this group with the term")
            charts.table(frame, key=f"themes_table_{kpi}_{side}")
