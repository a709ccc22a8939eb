"""The Segments heatmap: one KPI over two dimensions, coloured around the view's overall figure.

The colour scale is diverging (orange worse, near white at the middle, blue better: safe for
colour-blind viewers) and its middle is the overall KPI of the current view, with a fixed span
either side per KPI (``plot.HEAT_SPAN``): a cell 23 points above the overall has the same colour
whatever the filter, and the colour bar says what the middle is. Stages go in the funnel's order.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxdata import kpis
from cxdata.i18n import _

from .plot import DIVERGING, HEAT_SPAN, layout, memo, with_interval
from .text import KPI_NAMES, esc, fmt_count, fmt_delta, fmt_kpi


def overall(frame: pd.DataFrame, kpi: str) -> float | None:
    """The KPI over every answer of the cells: their figures weighted by their answers. Exact for
    the three KPIs (NPS is a difference of shares, CSAT a share, CES a mean), and the view's
    overall figure when each answer is in one cell (the heatmap query puts a missing value in a
    "(none)" cell)."""
    d = frame[[kpi, f"{kpi}_n"]].dropna()
    d = d[d[f"{kpi}_n"] > 0]
    n = d[f"{kpi}_n"].sum()
    return float((d[kpi] * d[f"{kpi}_n"]).sum() / n) if n else None


def scale_words(kpi: str, middle: float | None = None) -> str:
    """The heatmap's colour scale in words: 'centred on the overall NPS of this view (+12), full
    colour at ±50.0 pts from it'."""
    span = _("full colour at ±{span} from it").format(span=fmt_delta(kpi, HEAT_SPAN[kpi]).lstrip("+"))
    if middle is None:
        return _("centred on the overall {kpi} of this view").format(kpi=KPI_NAMES[kpi]) + ", " + span
    return centre_words(kpi, middle) + ", " + span


def centre_words(kpi: str, middle: float) -> str:
    """The colour bar's title: 'centred on the overall NPS of this view (+12)'."""
    return _("centred on the overall {kpi} of this view ({value})").format(
        kpi=KPI_NAMES[kpi], value=fmt_kpi(kpi, middle))


def _ordered(values, order: tuple) -> list:
    """``values`` with those in ``order`` first, in that order, then the others as they were."""
    rank = {v: i for i, v in enumerate(order)}
    return sorted(values, key=lambda v: (rank.get(v, len(rank)), list(values).index(v)))


def _cells(d: pd.DataFrame, kpi: str, row_order: tuple, col_order: tuple):
    """The figures, counts, cell texts and hover values, rows and columns in order."""
    z = d.pivot(index="row", columns="col", values="est")
    z = z.reindex(index=_ordered(z.index, row_order), columns=_ordered(z.columns, col_order))
    n = d.pivot(index="row", columns="col", values="n").reindex(index=z.index, columns=z.columns)
    pairs = [list(zip(zr, nr, strict=True)) for zr, nr in zip(z.values, n.values, strict=True)]
    text = [[_cell_text(kpi, v, c) for v, c in row] for row in pairs]
    hover = [[[fmt_kpi(kpi, v), "–" if pd.isna(c) else fmt_count(c)] for v, c in row] for row in pairs]
    return z, text, hover


def _cell_text(kpi: str, v, c) -> str:
    """A cell's figure, its n, and a star when the sample is small ("" for an empty cell)."""
    if pd.isna(c):
        return "" if pd.isna(v) else fmt_kpi(kpi, v)
    star = "*" if c < kpis.SMALL_SAMPLE else ""
    return ("" if pd.isna(v) else fmt_kpi(kpi, v)) + f"<br>n={fmt_count(c)}{star}"


def _colorbar(kpi: str, middle: float, higher_is_better: bool) -> dict:
    span = HEAT_SPAN[kpi]
    worse, better = (-span, span) if higher_is_better else (span, -span)
    # narrow, its words along it: the cells keep the width (a phone has 390 px for them)
    return {"title": {"text": centre_words(kpi, middle), "side": "right", "font": {"size": 10}},
            "thickness": 10, "tickfont": {"size": 10}, "xpad": 4,
            "tickvals": [middle + worse, middle, middle + better],
            # short ticks (▲ better, ▼ worse than the overall), the words in the title along the bar
            "ticktext": ["▼ " + fmt_delta(kpi, worse), fmt_kpi(kpi, middle), "▲ " + fmt_delta(kpi, better)]}


@memo
def heatmap(frame: pd.DataFrame, kpi: str, rows_label: str, cols_label: str, title: str,
            higher_is_better: bool, row_order: tuple = (), col_order: tuple = (),
            middle: float | None = None) -> go.Figure:
    """A cell per (row, column) pair, blue for better than the view's overall figure and orange
    for worse (``middle``: the overall KPI of the view; by default the one of the cells,
    ``overall``). ``row_order``/``col_order``: values to put first, in that order (the funnel's
    stages)."""
    d = with_interval(frame, kpi)
    z, text, hover = _cells(d, kpi, row_order, col_order)
    middle = overall(frame, kpi) if middle is None else middle
    middle = 0.0 if middle is None else middle
    span = HEAT_SPAN[kpi]
    rows_label, cols_label = esc(rows_label), esc(cols_label)
    fig = go.Figure(go.Heatmap(
        z=z.values, x=[esc(c) for c in z.columns], y=[esc(r) for r in z.index], text=text,
        texttemplate="%{text}", colorscale=DIVERGING, reversescale=not higher_is_better,
        zmin=middle - span, zmax=middle + span, zmid=middle, customdata=hover,
        colorbar=_colorbar(kpi, middle, higher_is_better),
        hovertemplate=(f"{rows_label} %{{y}}<br>{cols_label} %{{x}}<br>{KPI_NAMES[kpi]} %{{customdata[0]}}"
                       "<br>n = %{customdata[1]}<extra></extra>")))
    layout(fig, title, height=max(320, 120 + 45 * len(z.index)))
    fig.update_xaxes(title=cols_label, type="category", side="bottom")
    fig.update_yaxes(title=rows_label, type="category", autorange="reversed")
    return fig
