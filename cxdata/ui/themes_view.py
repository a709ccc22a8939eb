"""Comment themes on a page: what low scorers say more than high scorers, and the other way, as two
ranked bar charts with each term's comments, z and example comments (``cxdata/insight/themes.py``).

    show_themes(view, "nps")   # or "csat"
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxdata import i18n, kpis
from cxdata.filters import Filters
from cxdata.i18n import N_, _
from cxdata.insight import themes as lib

from . import charts
from .page import View
from .plot import BAD, GOOD, layout
from .text import esc, fmt_count, plain

GROUPS = {"nps": (N_("detractors (0-6)"), N_("promoters (9-10)")), "csat": ("CSAT 1-3", "CSAT 4-5")}
# the table's headers as shown (the CSV keeps the frame's own names)
HEADERS = {"term": N_("term"), "comments": N_("comments"), "z": "z", "examples": N_("examples")}


def themes(cur, key: str, version: int, filters: Filters, kpi: str) -> dict:
    """``insight.themes.themes``, cached by database, data version, filters and KPI (the spinner
    in the page's language)."""
    with st.spinner(_("Reading the comments…")):
        return _themes(cur, key, version, filters, kpi)


@st.cache_data(show_spinner=False, max_entries=64)
def _themes(_cur, key: str, version: int, filters: Filters, kpi: str) -> dict:
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
        marker_color=color, text=[fmt_count(t["count"]) for t in items], textposition="inside", textangle=0,
        customdata=[[esc(t["examples"][0]) if t["examples"] else ""] for t in items],
        hovertemplate=_("%{y}: z %{x:.1f} · %{text} comments") + "<br>%{customdata[0]}<extra></extra>",
    ))
    fig.update_xaxes(title=_("|z|: how much more this group says it (> {z})").format(z=i18n.number(lib.Z_MIN, 2)))
    return layout(fig, title, height=max(260, 60 + 26 * len(items)))


def show_themes(view: View, kpi: str) -> None:
    """The themes of ``kpi`` (nps or csat) under the view's filters: n of comments, two ranked bar
    charts (each with its CSV), and a table with example comments."""
    out = themes(view.db.cur, view.db.key, view.db.version, view.filters, kpi)
    low_name, high_name = (_(g) for g in GROUPS[kpi])
    if not out["n_low"] or not out["n_high"]:
        st.info(_("Comment themes need comments from both {low} and {high}: these filters leave {n_low} and "
                  "{n_high}. Widen the dates or clear a filter.").format(
            low=low_name, high=high_name, n_low=fmt_count(out["n_low"]), n_high=fmt_count(out["n_high"])))
        return
    small = " · **" + _("small sample") + "**" if min(out["n_low"], out["n_high"]) < kpis.SMALL_SAMPLE else ""
    st.caption(_("{n} comments: {n_low} from {low}, {n_high} from {high}{small}. Weighted log-odds with an "
                 "informative prior (Monroe et al. 2008); a theme has |z| > {z} and {min} comments.").format(
        n=fmt_count(out["n_comments"]), n_low=fmt_count(out["n_low"]), low=low_name,
        n_high=fmt_count(out["n_high"]), high=high_name, small=small, z=i18n.number(lib.Z_MIN, 2),
        min=lib.MIN_COMMENTS))
    left, right = st.columns(2)
    for column, side, name, color in ((left, "low", low_name, BAD), (right, "high", high_name, GOOD)):
        with column:
            items = out[side]
            if not items:
                st.info(plain(_("No word or phrase that {group} use more, beyond the noise.").format(group=name)))
                continue
            frame = theme_frame(items)
            charts.show(view, theme_bars(items, _("Said more by {group}").format(group=name), color), frame,
                        key=f"themes_{kpi}_{side}", n=out[f"n_{side}"],
                        note=_("bar: |z|; number: comments of this group with the term"))
            charts.table(frame.rename(columns={c: _(h) for c, h in HEADERS.items()}),
                         key=f"themes_table_{kpi}_{side}")
