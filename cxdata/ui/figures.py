"""Plotly figures, built from the library's frames. Pure functions: no Streamlit here, so they can
be tried in a notebook. Titles are in a manager's words; thin samples are drawn hollow.

Plotly reads a subset of HTML (links, styles) and ``%{...}`` templates in every string it draws:
each builder passes its title, its axis labels and every label from the data through ``esc``, so
a caller passes plain text and nothing it passes is read as markup.

Every builder is memoised (``memo``): a rerun with the same data sends the figure it already
built. A returned figure is shared: draw it, never change it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from cxdata import kpis

from .journey_figures import (  # noqa: F401 - re-exported: the pages draw them as figures.*
    funnel_by_channel,
    funnel_overall,
    pyramid,
    pyramid_over_time,
    pyramids_side_by_side,
)
from .memo import memo
from .plot import (  # noqa: F401 - re-exported: tests and pages read the palette here
    BAD,
    BETTER_MARK,
    DIVERGING,
    GOOD,
    KPI_AXIS,
    KPI_RANGE,
    N_HOVER,
    NEUTRAL,
    PALETTE,
    WORSE_MARK,
    hex_rgba,
    layout,
    wrap,
)
from .text import KPI_NAMES, esc, fmt_count, fmt_delta, fmt_kpi


def with_interval(frame: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """``est``, ``low``, ``high``, ``n`` and ``small`` columns for ``kpi`` (95% intervals)."""
    out = frame.copy()
    if kpi == "nps":
        out["est"], out["low"], out["high"] = out["nps"], out["nps"] - out["nps_moe"], out["nps"] + out["nps_moe"]
    elif kpi == "csat":
        out["est"], out["low"], out["high"] = out["csat"], out["csat_low"], out["csat_high"]
    elif kpi == "ces":
        out["est"], out["low"], out["high"] = out["ces"], out["ces"] - out["ces_moe"], out["ces"] + out["ces_moe"]
    else:
        raise ValueError(kpi)
    out["n"] = out[f"{kpi}_n"].astype("int64")
    out["small"] = out["n"] < kpis.SMALL_SAMPLE
    return out


MARKER_SIZE = 9
SMALL_LEGEND = f"hollow: n < {kpis.SMALL_SAMPLE}"
PARTIAL_LEGEND = "dashed, hollow diamond: partial period"


def _point_notes(d: pd.DataFrame, partial: dict) -> list[str]:
    return [("<br>" + partial[p] if p in partial else "")
            + (f"<br>n < {kpis.SMALL_SAMPLE}: read with care" if s else "")
            for p, s in zip(d["period"], d["small"], strict=True)]


def _band_and_line(fig, d: pd.DataFrame, kpi: str, name: str, color: str, show_band: bool,
                   showlegend: bool = True, partial: dict | None = None) -> None:
    """A line with its 95% band (``show_band``). A point with fewer than ``SMALL_SAMPLE`` answers
    is a hollow circle of the normal size; a partial period (``partial``: period -> words) is a
    hollow diamond joined by a dashed line and says so in its hover."""
    partial = partial or {}
    d = d.sort_values("period")
    if show_band:
        fig.add_trace(go.Scatter(
            x=list(d["period"]) + list(d["period"][::-1]), y=list(d["high"]) + list(d["low"][::-1]),
            fill="toself", fillcolor=hex_rgba(color, 0.15), line={"width": 0}, hoverinfo="skip",
            mode="lines",  # no markers on the band's corners: they looked like data points
            showlegend=False, legendgroup=name, name=f"{name} 95% interval"))
    cut = d["period"].isin(list(partial))
    notes = _point_notes(d, partial)
    hover = (f"<b>{name}</b><br>%{{x|%d %b %Y}}<br>{KPI_NAMES[kpi]} %{{y:.1f}}"
             "<br>95%: %{customdata[1]:.1f} to %{customdata[2]:.1f}"
             "<br>n = %{customdata[0]:,}%{customdata[3]}<extra></extra>")
    custom = list(zip(d["n"], d["low"], d["high"], notes, strict=True))
    fig.add_trace(go.Scatter(
        x=d["period"], y=d["est"].where(~cut), name=name, mode="lines+markers", showlegend=showlegend,
        legendgroup=name, line={"color": color, "width": 2},
        marker={"color": color, "size": MARKER_SIZE, "line": {"color": color, "width": 2},
                "symbol": ["circle-open" if s else "circle" for s in d["small"]]},
        customdata=custom, hovertemplate=hover))
    for i in (i for i, c in enumerate(cut) if c):  # each partial end, dashed to its neighbour
        _partial_point(fig, d, cut, i, name, color, custom, hover)


def _partial_point(fig, d: pd.DataFrame, cut: pd.Series, i: int, name: str, color: str,
                   custom: list, hover: str) -> None:
    """A partial period's point: a hollow diamond joined by a dashed line to its whole neighbour,
    else (every period partial) to the partial one beside it."""
    near = [k for k in (i - 1, i + 1) if 0 <= k < len(d)]
    j = [k for k in near if not cut.iloc[k]] or near
    idx = sorted([i, *j[:1]])
    fig.add_trace(go.Scatter(
        x=d["period"].iloc[idx], y=d["est"].iloc[idx], mode="lines+markers", showlegend=False,
        legendgroup=name, name=f"{name} (partial period)", line={"color": color, "width": 2, "dash": "dash"},
        marker={"color": color, "size": [MARKER_SIZE + 2 if k == i else 0 for k in idx],
                "line": {"color": color, "width": 2},
                "symbol": ["diamond-open" if k == i else "circle" for k in idx]},
        customdata=[custom[k] for k in idx], hovertemplate=hover))


def _marker_legend(fig, d: pd.DataFrame, partial: dict) -> None:
    """Legend entries for the hollow markers, when the chart has any."""
    if d["small"].any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=SMALL_LEGEND, hoverinfo="skip",
                                 marker={"symbol": "circle-open", "size": MARKER_SIZE, "color": NEUTRAL,
                                         "line": {"width": 2}}))
    if d["period"].isin(list(partial)).any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=PARTIAL_LEGEND,
                                 hoverinfo="skip", line={"color": NEUTRAL, "dash": "dash"},
                                 marker={"symbol": "diamond-open", "size": MARKER_SIZE + 2, "color": NEUTRAL,
                                         "line": {"width": 2}}))


@memo
def sparkline(frame: pd.DataFrame, kpi: str, title: str, partial: tuple = ()) -> go.Figure:
    d = with_interval(frame, kpi)
    fig = go.Figure()
    _band_and_line(fig, d, kpi, KPI_NAMES[kpi], PALETTE[0], True, showlegend=False, partial=dict(partial))
    layout(fig, title, height=220)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_yaxes(title=None)
    return fig


# A trend split by a dimension draws at most this many lines (the largest groups by answers) and
# their confidence bands only up to BANDS_UP_TO lines: more is spaghetti.
MAX_LINES, BANDS_UP_TO = 5, 3
OTHERS = "#C9CED6"


def group_colors(frame: pd.DataFrame, kpi: str, max_groups: int = MAX_LINES) -> tuple[tuple[str, str], ...]:
    """The colour of each group a page draws, from its rank by answers (largest first, ties by
    name): ``((group, colour), ...)``, the ``max_groups`` largest only. A page makes it once per
    run and passes it to every chart of the split, so a group has one colour in all of them."""
    n = frame.groupby("split")[f"{kpi}_n"].sum().reset_index()
    n = n.sort_values([f"{kpi}_n", "split"], ascending=[False, True])
    return tuple((str(g), PALETTE[i % len(PALETTE)]) for i, g in enumerate(n["split"][:max_groups]))


def trend_note(frame: pd.DataFrame, kpi: str, colors: tuple[tuple[str, str], ...] = (),
               partial: tuple = ()) -> str:
    """The caption of a trend, in words (no label from the data): for a split (``colors``), the
    groups not drawn with their answers and the bands not drawn; the hollow points."""
    total = frame["split"].nunique() if colors else 0
    bits = []
    if total > len(colors):
        shown = {g for g, _ in colors}
        left_n = int(frame.loc[~frame["split"].astype(str).isin(shown), f"{kpi}_n"].sum())
        others = total - len(colors)
        bits.append(f"lines for the {len(colors)} largest of {total} groups; {others} "
                    f"other group{'s' if others > 1 else ''} left out (n = {fmt_count(left_n)}, "
                    "grey in the answers below)")
    if len(colors) > BANDS_UP_TO:
        bits.append(f"confidence bands not drawn with more than {BANDS_UP_TO} groups "
                    "(filter to fewer groups to see them)")
    bits.append(f"hollow points: fewer than {kpis.SMALL_SAMPLE} answers, read with care")
    if partial:
        bits.append("dashed to a hollow diamond: a period the dates cover only in part")
    return "; ".join(bits)


@memo
def trend(frame: pd.DataFrame, kpi: str, split: str | None, title: str,
          colors: tuple[tuple[str, str], ...] = (), partial: tuple = ()) -> go.Figure:
    """The KPI per period with its 95% band; split: one line per group of ``colors``
    (``group_colors``), bands for up to ``BANDS_UP_TO`` groups. ``partial``: ``((period,
    words), ...)`` for periods the dates cover in part (``controls.partial_periods``)."""
    d = with_interval(frame, kpi)
    fig = go.Figure()
    cut = dict(partial)
    if split:
        colors = colors or group_colors(frame, kpi)
        for g, color in colors:
            _band_and_line(fig, d[d["split"].astype(str) == g], kpi, esc(g), color,
                           show_band=len(colors) <= BANDS_UP_TO, partial=cut)
        d = d[d["split"].astype(str).isin({g for g, _ in colors})]
    else:
        _band_and_line(fig, d, kpi, KPI_NAMES[kpi], PALETTE[0], True, partial=cut)
    _marker_legend(fig, d, cut)
    layout(fig, title, height=460)
    fig.update_yaxes(title=KPI_AXIS[kpi])
    fig.update_xaxes(title=None)
    return fig


@memo
def sample_sizes(frame: pd.DataFrame, kpi: str, split: str | None, title: str,
                 colors: tuple[tuple[str, str], ...] = (), partial: tuple = ()) -> go.Figure:
    """Answers per period; split: stacked per group in the colours of ``colors`` (the line
    chart's), the groups left out of it in one grey bar, so the stack adds up to every answer.
    A partial period's bar is dotted and says so in its hover."""
    d = with_interval(frame, kpi)
    fig = go.Figure()
    if split:
        _stacked_groups(fig, d, colors or group_colors(frame, kpi))
    else:
        fig.add_trace(go.Bar(x=d["period"], y=d["n"], name="answers", hovertemplate=N_HOVER,
                             marker_color=[NEUTRAL if s else PALETTE[0] for s in d["small"]]))
    _mark_partial_bars(fig, dict(partial))
    if d["n"].min() < 3 * kpis.SMALL_SAMPLE:
        fig.add_hline(y=kpis.SMALL_SAMPLE, line_dash="dot", line_color=BAD,
                      annotation_text=f"small sample below {kpis.SMALL_SAMPLE}",
                      annotation_position="top right")
    layout(fig, title, height=260)
    fig.update_yaxes(title="answers", tickformat=",")
    return fig


def _stacked_groups(fig, d: pd.DataFrame, colors: tuple[tuple[str, str], ...]) -> None:
    """One bar per group in its line's colour, the groups left out in one grey bar."""
    for g, color in colors:
        part = d[d["split"].astype(str) == g]
        fig.add_trace(go.Bar(x=part["period"], y=part["n"], name=esc(g), marker_color=color,
                             hovertemplate=N_HOVER))
    rest = d[~d["split"].astype(str).isin({g for g, _ in colors})]
    if len(rest):
        others = rest["split"].nunique()
        rest = rest.groupby("period", as_index=False)["n"].sum()
        fig.add_trace(go.Bar(x=rest["period"], y=rest["n"], marker_color=OTHERS, hovertemplate=N_HOVER,
                             name=f"{others} other group{'s' if others > 1 else ''}"))
    fig.update_layout(barmode="stack")


def _mark_partial_bars(fig, cut: dict) -> None:
    """A partial period's bars dotted, its hover saying so."""
    for bar in fig.data:
        periods = [pd.Timestamp(p) for p in bar.x]
        bar.marker.pattern = {"shape": ["." if p in cut else "" for p in periods]}
        bar.customdata = [["<br>" + cut[p] if p in cut else ""] for p in periods]
        bar.hovertemplate = N_HOVER.replace("<extra>", "%{customdata[0]}<extra>")


@memo
def movers(frame: pd.DataFrame, kpi: str, title: str, higher_is_better: bool) -> go.Figure:
    d = frame.iloc[::-1]
    labels = [esc(f"{dim}: {val} ({fmt_delta(kpi, delta)})")
              for dim, val, delta in zip(d["dimension"], d["value"], d["delta"], strict=True)]
    good = (d["delta"] > 0) == higher_is_better
    margin = [f"±{m:.2f}" if kpi == "ces" else f"±{m:.1f}" for m in d["margin"]]
    fig = go.Figure(go.Bar(
        x=d["delta"], y=labels, orientation="h",
        marker_color=[GOOD if g else BAD for g in good],
        text=[BETTER_MARK if g else WORSE_MARK for g in good], textposition="inside", insidetextanchor="start",
        error_x={"type": "data", "array": d["margin"], "color": "#555"},
        # signed numbers are formatted here, not by Plotly: d3's "+" format writes "-0.0"
        customdata=list(zip([fmt_kpi(kpi, v) for v in d["previous"]], [fmt_kpi(kpi, v) for v in d["current"]],
                            [fmt_count(n) for n in d["n"]], [fmt_delta(kpi, v) for v in d["delta"]], margin,
                            strict=True)),
        hovertemplate=("%{y}<br>change %{customdata[3]} (%{customdata[4]})<br>"
                       "from %{customdata[0]} to %{customdata[1]}<br>n = %{customdata[2]}"
                       "<extra></extra>")))
    layout(fig, title, height=100 + 60 * len(d))
    fig.update_xaxes(title=f"change in {KPI_NAMES[kpi]} vs the previous period", zeroline=True)
    fig.update_yaxes(automargin=True)
    return fig


@memo
def breakdown(frame: pd.DataFrame, kpi: str, title: str, higher_is_better: bool) -> go.Figure:
    """Horizontal bars, best at the top, with 95% intervals; colour says whether the group
    differs from the rest beyond the noise."""
    d = with_interval(frame.rename(columns={"value": "label"}), kpi)
    d = d.sort_values("est", ascending=higher_is_better, na_position="first")
    colors, notes, marks = [], [], []
    for vs, differs, small in zip(d[f"{kpi}_vs_rest"], d[f"{kpi}_differs"], d["small"], strict=True):
        better = not pd.isna(vs) and ((vs > 0) == higher_is_better)
        marks.append((BETTER_MARK if better else WORSE_MARK) if differs else "")
        if differs:
            colors.append(GOOD if better else BAD)
            notes.append("better than the rest, beyond the noise" if better
                         else "worse than the rest, beyond the noise")
        else:
            colors.append(NEUTRAL)
            notes.append("within the noise of the rest")
        if small:
            notes[-1] += "; small sample"
    labels = [esc(v) + (" (small sample)" if s else "") for v, s in zip(d["label"], d["small"], strict=True)]
    fig = go.Figure(go.Bar(
        x=d["est"], y=labels, orientation="h", marker_color=colors,
        marker_pattern_shape=["/" if s else "" for s in d["small"]],
        error_x={"type": "data", "symmetric": False, "array": d["high"] - d["est"],
                 "arrayminus": d["est"] - d["low"], "color": "#444"},
        # customdata[0] is the raw label: the click-to-filter callback reads it
        customdata=list(zip(d["label"], d["n"], notes, strict=True)),
        text=[f"{fmt_kpi(kpi, v)}  (n={fmt_count(n)})" + (f"  {m}" if m else "")
              for v, n, m in zip(d["est"], d["n"], marks, strict=True)],
        textposition="inside", insidetextanchor="start",
        hovertemplate="%{y}<br>" + KPI_NAMES[kpi] + " %{x:.1f}<br>n = %{customdata[1]:,}"
                      "<br>%{customdata[2]}<extra></extra>"))
    layout(fig, title, height=max(260, 80 + 34 * len(d)))
    fig.update_xaxes(title=KPI_AXIS[kpi])
    fig.update_yaxes(automargin=True, type="category")
    return fig


def _ordered(values, order: tuple) -> list:
    """``values`` with those in ``order`` first, in that order, then the others as they were."""
    rank = {v: i for i, v in enumerate(order)}
    return sorted(values, key=lambda v: (rank.get(v, len(rank)), list(values).index(v)))


@memo
def heatmap(frame: pd.DataFrame, kpi: str, rows_label: str, cols_label: str, title: str,
            higher_is_better: bool, row_order: tuple = (), col_order: tuple = ()) -> go.Figure:
    """A cell per (row, column) pair coloured on the KPI's fixed range (``KPI_RANGE``), blue for
    better and orange for worse. ``row_order``/``col_order``: values to put first, in that order
    (the funnel's stages)."""
    d = with_interval(frame, kpi)
    z = d.pivot(index="row", columns="col", values="est")
    z = z.reindex(index=_ordered(z.index, row_order), columns=_ordered(z.columns, col_order))
    n = d.pivot(index="row", columns="col", values="n").reindex(index=z.index, columns=z.columns)
    text = [[("" if pd.isna(v) else fmt_kpi(kpi, v)) + ("" if pd.isna(c) else f"<br>n={fmt_count(c)}")
             + ("*" if not pd.isna(c) and c < kpis.SMALL_SAMPLE else "")
             for v, c in zip(zr, nr, strict=True)] for zr, nr in zip(z.values, n.values, strict=True)]
    hover = [[["–" if pd.isna(v) else fmt_kpi(kpi, v), "–" if pd.isna(c) else fmt_count(c)]
              for v, c in zip(zr, nr, strict=True)] for zr, nr in zip(z.values, n.values, strict=True)]
    lo, hi, mid = KPI_RANGE[kpi]
    worse, better = (lo, hi) if higher_is_better else (hi, lo)
    rows_label, cols_label = esc(rows_label), esc(cols_label)
    fig = go.Figure(go.Heatmap(
        z=z.values, x=[esc(c) for c in z.columns], y=[esc(r) for r in z.index], text=text,
        texttemplate="%{text}", colorscale=DIVERGING, reversescale=not higher_is_better,
        zmin=lo, zmax=hi, zmid=mid, customdata=hover,
        colorbar={"title": {"text": f"{KPI_NAMES[kpi]}<br>fixed scale"},
                  "tickvals": [worse, mid, better],
                  "ticktext": [f"{fmt_kpi(kpi, worse)} worse", fmt_kpi(kpi, mid), f"{fmt_kpi(kpi, better)} better"]},
        hovertemplate=(f"{rows_label} %{{y}}<br>{cols_label} %{{x}}<br>{KPI_NAMES[kpi]} %{{customdata[0]}}"
                       "<br>n = %{customdata[1]}<extra></extra>")))
    layout(fig, title, height=max(300, 120 + 45 * len(z.index)))
    fig.update_xaxes(title=cols_label, type="category", side="bottom")
    fig.update_yaxes(title=rows_label, type="category", autorange="reversed")
    return fig
