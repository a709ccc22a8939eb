"""What every figure shares: the palette, the better/worse colours, the fixed KPI colour ranges,
the layout, and small helpers. ``figures`` and ``journey_figures`` build on it."""

from __future__ import annotations

import plotly.graph_objects as go

from .text import esc

PALETTE = ["#2E6F9E", "#E07B39", "#3A9D5D", "#B0413E", "#7D5BA6", "#8C6D31", "#C2549D",
           "#5F7A8A", "#D4A017", "#2AA198"]
# Better and worse in blue and orange, told apart by viewers who do not see red from green (and
# written in the bars' text too: colour is never the only sign).
GOOD, BAD, NEUTRAL = "#2166AC", "#D95F02", "#8A94A6"
BETTER_MARK, WORSE_MARK = "▲ better", "▼ worse"
# The heatmap's colours: one fixed range per KPI, the same under every filter, so that a colour
# means the same figure in every view: (low, high, middle). NPS over its whole scale centred at 0,
# CSAT over 0-100% centred at 50%, CES over its 1-7 answer scale centred at 4.
KPI_RANGE = {"nps": (-100, 100, 0), "csat": (0, 100, 50), "ces": (1, 7, 4)}
# Diverging orange (worse) - near white (middle) - blue (better): safe for colour-blind viewers
# (ColorBrewer PuOr's orange arm and RdBu's blue arm).
DIVERGING = [[0.0, "#B35806"], [0.25, "#F1A340"], [0.5, "#F7F7F7"], [0.75, "#92C5DE"], [1.0, "#2166AC"]]
# counts in a hover and on an axis with thousands separators (1,200,000, never 1200000 or 1.2M)
N_HOVER = "%{fullData.name} · %{x|%d %b %Y}<br>n = %{y:,}<extra></extra>"
KPI_AXIS = {"nps": "NPS (-100 to +100)", "csat": "% satisfied (4-5 of 5)", "ces": "Mean effort (1-7)"}


def wrap(text: str, width: int = 12) -> str:
    """Break a long subplot title over lines so neighbours do not overlap."""
    words, lines = text.split(" "), [""]
    for w in words:
        if lines[-1] and len(lines[-1]) + 1 + len(w) > width:
            lines.append(w)
        else:
            lines[-1] = (lines[-1] + " " + w).strip()
    return "<br>".join(lines)


def layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 17}},
        height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hoverlabel={"namelength": -1},
    )
    return fig


def hex_rgba(color: str, alpha: float) -> str:
    c = color.lstrip("#")
    return f"rgba({int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha})"
