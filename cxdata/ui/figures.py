"""Plotly figures, built from the library's frames. Pure functions: no Streamlit here, so they can
be tried in a notebook. Titles are in a manager's words; thin samples are drawn hollow.

Plotly reads a subset of HTML (links, styles) and ``%{...}`` templates in every string it draws:
each builder passes its title, its axis labels and every label from the data through ``esc``, so
a caller passes plain text and nothing it passes is read as markup.

Numbers in hovers and bar texts are written here, in the page's language (``i18n``), never by a
d3 format that would write "-0.0"; dates too (Plotly's own month names are English). A group's
colour comes from ``palette.colour(value)``: the same in every chart.

Every builder is memoised per language (``plot.memo``): a rerun with the same data sends the
figure it already built. A returned figure is shared: draw it, never change it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cxdata import i18n, kpis
from cxdata.i18n import N_, _, ngettext

from . import palette
from .heat_figures import centre_words, heatmap, overall, scale_words  # noqa: F401 - the pages draw figures.heatmap
from .journey_figures import (  # noqa: F401 - re-exported: the pages draw them as figures.*
    funnel_by_channel,
    funnel_overall,
    pyramid,
    pyramid_over_time,
    pyramids_side_by_side,
)
from .plot import (  # noqa: F401 - re-exported: tests and pages read the palette here
    BAD,
    BETTER_MARK,
    DIVERGING,
    GOOD,
    HEAT_SPAN,
    KPI_AXIS,
    N_HOVER,
    NEUTRAL,
    OTHERS,
    PALETTE,
    PRIMARY,
    WORSE_MARK,
    dates,
    hex_rgba,
    kpi_axis,
    layout,
    memo,
    numbers,
    period_ticks,
    with_interval,
    wrap,
)
from .text import KPI_NAMES, esc, fmt_count, fmt_delta, fmt_kpi


def value(kpi: str, v) -> str:
    """A KPI value in a hover: one decimal (two for CES), the language's marks, no "-0.0"."""
    return "–" if pd.isna(v) else i18n.number(v, 2 if kpi == "ces" else 1)


MARKER_SIZE = 9


def small_legend() -> str:
    return _("hollow: n < {n}").format(n=kpis.SMALL_SAMPLE)


def partial_legend() -> str:
    return _("dashed, hollow diamond: partial period")


def _point_notes(d: pd.DataFrame, partial: dict) -> list[str]:
    small = "<br>" + _("n < {n}: read with care").format(n=kpis.SMALL_SAMPLE)
    return [("<br>" + partial[p] if p in partial else "") + (small if s else "")
            for p, s in zip(d["period"], d["small"], strict=True)]


def _point_data(d: pd.DataFrame, kpi: str, partial: dict) -> np.ndarray:
    """Each point's hover values, written here: n, the figure, its interval, notes, the date."""
    places = 2 if kpi == "ces" else 1
    # an object array: Plotly takes it as it is (a list of tuples it checks cell by cell, 10x slower)
    return np.array(list(zip(numbers(d["n"]), numbers(d["est"], places), numbers(d["low"], places),
                    numbers(d["high"], places), _point_notes(d, partial), dates(d["period"]), strict=True)),
                    dtype=object).reshape(len(d), 6)


def _hover(name: str, kpi: str) -> str:
    interval = _("95%: {low} to {high}").format(low="%{customdata[2]}", high="%{customdata[3]}")
    return (f"<b>{name}</b><br>%{{customdata[5]}}<br>{KPI_NAMES[kpi]} %{{customdata[1]}}<br>{interval}"
            "<br>n = %{customdata[0]}%{customdata[4]}<extra></extra>")


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
            showlegend=False, legendgroup=name, name=_("{name} 95% interval").format(name=name)))
    cut = d["period"].isin(list(partial))
    hover = _hover(name, kpi)
    custom = _point_data(d, kpi, partial)
    fig.add_trace(go.Scatter(
        x=d["period"], y=d["est"].where(~cut), name=name, mode="lines+markers", showlegend=showlegend,
        legendgroup=name, line={"color": color, "width": 2},
        marker={"color": color, "size": MARKER_SIZE, "line": {"color": color, "width": 2},
                "symbol": ["circle-open" if s else "circle" for s in d["small"]]},
        customdata=custom, hovertemplate=hover))
    for i in (i for i, c in enumerate(cut) if c):  # each partial end, dashed to its neighbour
        _partial_point(fig, d, cut, i, name, color, custom, hover)


def _partial_point(fig, d: pd.DataFrame, cut: pd.Series, i: int, name: str, color: str,
                   custom: np.ndarray, hover: str) -> None:
    """A partial period's point: a hollow diamond joined by a dashed line to its whole neighbour,
    else (every period partial) to the partial one beside it."""
    near = [k for k in (i - 1, i + 1) if 0 <= k < len(d)]
    j = [k for k in near if not cut.iloc[k]] or near
    idx = sorted([i, *j[:1]])
    fig.add_trace(go.Scatter(
        x=d["period"].iloc[idx], y=d["est"].iloc[idx], mode="lines+markers", showlegend=False,
        legendgroup=name, name=_("{name} (partial period)").format(name=name),
        line={"color": color, "width": 2, "dash": "dash"},
        marker={"color": color, "size": [MARKER_SIZE + 2 if k == i else 0 for k in idx],
                "line": {"color": color, "width": 2},
                "symbol": ["diamond-open" if k == i else "circle" for k in idx]},
        customdata=custom[idx], hovertemplate=hover))


def _marker_legend(fig, d: pd.DataFrame, partial: dict) -> None:
    """Legend entries for the hollow markers, when the chart has any."""
    if d["small"].any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=small_legend(), hoverinfo="skip",
                                 marker={"symbol": "circle-open", "size": MARKER_SIZE, "color": NEUTRAL,
                                         "line": {"width": 2}}))
    if d["period"].isin(list(partial)).any():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=partial_legend(),
                                 hoverinfo="skip", line={"color": NEUTRAL, "dash": "dash"},
                                 marker={"symbol": "diamond-open", "size": MARKER_SIZE + 2, "color": NEUTRAL,
                                         "line": {"width": 2}}))


@memo
def sparkline(frame: pd.DataFrame, kpi: str, title: str, partial: tuple = ()) -> go.Figure:
    d = with_interval(frame, kpi)
    fig = go.Figure()
    _band_and_line(fig, d, kpi, KPI_NAMES[kpi], PRIMARY, True, showlegend=False, partial=dict(partial))
    layout(fig, title, height=220)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_yaxes(title={"text": kpi_axis(kpi), "font": {"size": 11}}, tickformat=",")
    return fig


# A trend split by a dimension draws at most this many lines (the largest groups by answers) and
# their confidence bands only up to BANDS_UP_TO lines: more is spaghetti.
MAX_LINES, BANDS_UP_TO = 5, 3


def group_colors(frame: pd.DataFrame, kpi: str, max_groups: int | None = MAX_LINES,
                 order: tuple = ()) -> tuple[tuple[str, str], ...]:
    """The groups a split chart draws and their colours: ``((group, colour), ...)``, the
    ``max_groups`` largest by answers (ties by name; None: every group), listed largest first or
    in ``order`` (the funnel's stages) when given. The colour is the group's own
    (``palette.colours``), the same in every chart of every page."""
    n = frame.groupby("split")[f"{kpi}_n"].sum().reset_index()
    n["split"] = n["split"].astype(str)
    n = n.sort_values([f"{kpi}_n", "split"], ascending=[False, True])
    shown = list(n["split"][:max_groups] if max_groups is not None else n["split"])
    rank = {v: i for i, v in enumerate(order)}
    shown.sort(key=lambda g: rank.get(g, len(rank)))  # stable: by size within the rest
    colours = palette.colours(n["split"])
    return tuple((g, colours[g]) for g in shown)


def trend_note(frame: pd.DataFrame, kpi: str, colors: tuple[tuple[str, str], ...] = (),
               partial: tuple = ()) -> str:
    """The caption of a trend, in words (no label from the data): for a split (``colors``), the
    groups not drawn with their answers and the bands not drawn; the hollow points."""
    total = frame["split"].nunique() if colors else 0
    bits = []
    if total > len(colors):
        shown = {g for g, _c in colors}
        left_n = int(frame.loc[~frame["split"].astype(str).isin(shown), f"{kpi}_n"].sum())
        others = total - len(colors)
        bits.append(ngettext("lines for the {shown} largest of {total} groups; {others} other group left out "
                             "(n = {n}, grey in the answers below)",
                             "lines for the {shown} largest of {total} groups; {others} other groups left out "
                             "(n = {n}, grey in the answers below)", others).format(
            shown=len(colors), total=total, others=others, n=fmt_count(left_n)))
    if len(colors) > BANDS_UP_TO:
        bits.append(_("confidence bands not drawn with more than {most} groups (filter to fewer groups "
                      "to see them)").format(most=BANDS_UP_TO))
    bits.append(_("hollow points: fewer than {n} answers, read with care").format(n=kpis.SMALL_SAMPLE))
    if partial:
        bits.append(_("dashed to a hollow diamond: a period the dates cover only in part"))
    return "; ".join(bits)


def split_words(frame: pd.DataFrame, colors: tuple[tuple[str, str], ...]) -> str:
    """A split trend's subtitle: the groups drawn of how many, the bands not drawn ("" if all
    groups are drawn with their bands)."""
    total, shown = frame["split"].nunique(), len(colors)
    bits = [_("the {shown} largest of {total} groups").format(shown=shown, total=total)] if total > shown else []
    if shown > BANDS_UP_TO:
        bits.append(_("no 95% bands with more than {most} lines").format(most=BANDS_UP_TO))
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
        d = d[d["split"].astype(str).isin({g for g, _c in colors})]
    else:
        _band_and_line(fig, d, kpi, KPI_NAMES[kpi], PRIMARY, True, partial=cut)
    _marker_legend(fig, d, cut)
    layout(fig, title, height=460)
    words = split_words(frame, colors) if split else ""
    if words:  # in the chart itself too: in a PNG or the report the caption may be far away
        fig.update_layout(title_subtitle_text=esc(words), margin_t=84)
    # under the chart, where the entries wrap without covering the title (a phone has 390 px)
    fig.update_layout(legend={"orientation": "h", "y": -0.08, "x": 0, "xanchor": "left", "yanchor": "top"})
    fig.update_yaxes(title=kpi_axis(kpi), tickformat=",")
    fig.update_xaxes(title=None)
    period_ticks(fig, frame["period"])
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
        fig.add_trace(go.Bar(x=d["period"], y=d["n"], name=_("responses"),
                             marker_color=[NEUTRAL if s else PRIMARY for s in d["small"]]))
    _bar_hovers(fig, dict(partial))
    if d["n"].min() < 3 * kpis.SMALL_SAMPLE:
        fig.add_hline(y=kpis.SMALL_SAMPLE, line_dash="dot", line_color=BAD,
                      annotation_text=_("small sample below {n}").format(n=kpis.SMALL_SAMPLE),
                      annotation_position="top right")
    layout(fig, title, height=260)
    fig.update_yaxes(title=_("responses"), tickformat=",")
    period_ticks(fig, frame["period"])
    return fig


def _stacked_groups(fig, d: pd.DataFrame, colors: tuple[tuple[str, str], ...]) -> None:
    """One bar per group in its line's colour, the groups left out in one grey bar."""
    for g, color in colors:
        part = d[d["split"].astype(str) == g]
        fig.add_trace(go.Bar(x=part["period"], y=part["n"], name=esc(g), marker_color=color))
    rest = d[~d["split"].astype(str).isin({g for g, _c in colors})]
    if len(rest):
        others = rest["split"].nunique()
        rest = rest.groupby("period", as_index=False)["n"].sum()
        fig.add_trace(go.Bar(x=rest["period"], y=rest["n"], marker_color=OTHERS,
                             name=ngettext("{n} other group", "{n} other groups", others).format(n=others)))
    fig.update_layout(barmode="stack")


def _bar_hovers(fig, cut: dict) -> None:
    """Each bar's hover: group, date, n; a partial period's bars dotted, their hover saying so."""
    for bar in fig.data:
        periods = [pd.Timestamp(p) for p in bar.x]
        bar.marker.pattern = {"shape": ["." if p in cut else "" for p in periods]}
        bar.customdata = np.array([[w, "<br>" + cut[p] if p in cut else ""]
                                   for w, p in zip(dates(periods), periods, strict=True)], dtype=object).reshape(-1, 2)
        bar.hovertemplate = "%{fullData.name} · %{customdata[0]}<br>n = %{y:,}%{customdata[1]}<extra></extra>"


def change_axis(kpi: str) -> str:
    """The axis of a change, with its unit: 'change in NPS vs the previous period (points)'."""
    unit = _("mean, 1-7") if kpi == "ces" else _("points")
    return _("change in {kpi} vs the previous period ({unit})").format(kpi=KPI_NAMES[kpi], unit=unit)


MOVER_HOVER = N_("{label}<br>change {delta} ({margin})<br>from {previous} to {current}<br>n = {n}")


@memo
def movers(frame: pd.DataFrame, kpi: str, title: str, higher_is_better: bool) -> go.Figure:
    d = frame.iloc[::-1]
    labels = [esc(f"{dim}: {val} ({fmt_delta(kpi, delta)})")
              for dim, val, delta in zip(d["dimension"], d["value"], d["delta"], strict=True)]
    good = (d["delta"] > 0) == higher_is_better
    margin = [f"±{i18n.number(m, 2 if kpi == 'ces' else 1)}" for m in d["margin"]]
    hover = _(MOVER_HOVER).format(label="%{y}", delta="%{customdata[3]}", margin="%{customdata[4]}",
                                  previous="%{customdata[0]}", current="%{customdata[1]}", n="%{customdata[2]}")
    fig = go.Figure(go.Bar(
        x=d["delta"], y=labels, orientation="h",
        marker_color=[GOOD if g else BAD for g in good],
        text=[_(BETTER_MARK) if g else _(WORSE_MARK) for g in good], textposition="inside", insidetextanchor="start",
        error_x={"type": "data", "array": d["margin"], "color": "#555"},
        # signed numbers are formatted here, not by Plotly: d3's "+" format writes "-0.0"
        customdata=list(zip([fmt_kpi(kpi, v) for v in d["previous"]], [fmt_kpi(kpi, v) for v in d["current"]],
                            [fmt_count(n) for n in d["n"]], [fmt_delta(kpi, v) for v in d["delta"]], margin,
                            strict=True)),
        hovertemplate=hover + "<extra></extra>"))
    layout(fig, title, height=100 + 60 * len(d))
    fig.update_xaxes(title=change_axis(kpi), zeroline=True, tickformat=",")
    fig.update_yaxes(automargin=True)
    return fig


def _verdicts(d: pd.DataFrame, kpi: str, higher_is_better: bool) -> tuple[list, list, list]:
    """Per group: its colour, its hover note and its mark (better / worse beyond the noise)."""
    colors, notes, marks = [], [], []
    for vs, differs, small in zip(d[f"{kpi}_vs_rest"], d[f"{kpi}_differs"], d["small"], strict=True):
        better = not pd.isna(vs) and ((vs > 0) == higher_is_better)
        marks.append((_(BETTER_MARK) if better else _(WORSE_MARK)) if differs else "")
        if differs:
            colors.append(GOOD if better else BAD)
            notes.append(_("better than the rest, beyond the noise") if better
                         else _("worse than the rest, beyond the noise"))
        else:
            colors.append(NEUTRAL)
            notes.append(_("within the noise of the rest"))
        if small:
            notes[-1] += "; " + _("small sample")
    return colors, notes, marks


@memo
def breakdown(frame: pd.DataFrame, kpi: str, title: str, higher_is_better: bool) -> go.Figure:
    """Horizontal bars, best at the top, with 95% intervals; colour (blue better, orange worse,
    grey within the noise) says whether the group differs from the rest beyond the noise."""
    d = with_interval(frame.rename(columns={"value": "label"}), kpi)
    d = d.sort_values("est", ascending=higher_is_better, na_position="first")
    colors, notes, marks = _verdicts(d, kpi, higher_is_better)
    small = " (" + _("small sample") + ")"
    labels = [esc(v) + (small if s else "") for v, s in zip(d["label"], d["small"], strict=True)]
    fig = go.Figure(go.Bar(
        x=d["est"], y=labels, orientation="h", marker_color=colors,
        marker_pattern_shape=["/" if s else "" for s in d["small"]],
        error_x={"type": "data", "symmetric": False, "array": d["high"] - d["est"],
                 "arrayminus": d["est"] - d["low"], "color": "#444"},
        # customdata[0] is the raw label: the click-to-filter callback reads it
        customdata=list(zip(d["label"], [fmt_count(n) for n in d["n"]], notes,
                            [value(kpi, v) for v in d["est"]], strict=True)),
        text=[f"{fmt_kpi(kpi, v)}  (n={fmt_count(n)})" + (f"  {m}" if m else "")
              for v, n, m in zip(d["est"], d["n"], marks, strict=True)],
        textposition="inside", insidetextanchor="start",
        hovertemplate="%{y}<br>" + KPI_NAMES[kpi] + " %{customdata[3]}<br>n = %{customdata[1]}"
                      "<br>%{customdata[2]}<extra></extra>"))
    layout(fig, title, height=max(260, 80 + 34 * len(d)))
    fig.update_xaxes(title=kpi_axis(kpi), tickformat=",")
    fig.update_yaxes(automargin=True, type="category")
    return fig
