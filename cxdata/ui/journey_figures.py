"""The funnel and pyramid figures (re-exported by ``figures``, where the pages find them).

A channel has its own colour (``palette.colour``), the one it has on every page; the stages keep
the funnel's order (the frames' ``step``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cxdata import i18n
from cxdata.funnel import ALL_CHANNELS
from cxdata.i18n import _
from cxdata.kpis import SMALL_SAMPLE
from cxdata.pyramid import MODELS

from . import palette
from .plot import OTHERS, PRIMARY, dates, hex_rgba, kpi_axis, layout, memo, numbers, period_ticks, wrap
from .text import esc, fmt_count


@memo
def funnel_overall(frame: pd.DataFrame, title: str) -> go.Figure:
    d = frame[frame["channel"] == ALL_CHANNELS].sort_values("step")
    fig = go.Figure(go.Funnel(
        y=[esc(s) for s in d["stage"]], x=d["customers"],
        texttemplate="%{value:,}<br>" + _("{share} of starters").format(share="%{percentInitial:.0%}"),
        # narrow bars cannot hold the text: it goes beside them
        textposition=["inside" if (v or 0) >= 35 else "outside" for v in d["from_start"]],
        marker={"color": PRIMARY}, connector={"fillcolor": "#DCE6F0"},
        hovertemplate="%{y}<br>" + _("{n} customers").format(n="%{x:,}") + "<br>"
                      + _("{share} of those who started").format(share="%{percentInitial:.1%}") + "<br>"
                      + _("{share} of the previous stage").format(share="%{percentPrevious:.1%}")
                      + "<extra></extra>"))
    layout(fig, title, height=380)
    fig.update_yaxes(type="category", title=_("stage"))
    fig.update_xaxes(tickformat=",", title=_("customers"))
    return fig


@memo
def funnel_by_channel(frame: pd.DataFrame, title: str) -> go.Figure:
    """% of each channel's starters still there at each stage: lines a manager compares at once."""
    d = frame[frame["channel"] != ALL_CHANNELS]
    fig = go.Figure()
    colours = palette.colours(d["channel"])
    hover = ("%{fullData.name} · %{x}<br>" + _("{share} of starters").format(share="%{y:,.1f}%")
             + "<br>" + _("{n} customers").format(n="%{customdata[1]}") + "<extra></extra>")
    for ch, part in d.groupby("channel", sort=True):
        part = part.sort_values("step")
        fig.add_trace(go.Bar(
            x=[esc(s) for s in part["stage"]], y=part["from_start"], name=esc(ch),
            marker_color=colours[str(ch)],
            customdata=[[str(ch), fmt_count(c), dp] for c, dp in zip(part["customers"], part["drop_off"], strict=True)],
            hovertemplate=hover))
    layout(fig, title, height=420)
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.15, "x": 0, "xanchor": "left",
                                               "yanchor": "top"})
    fig.update_yaxes(title=_("% of customers who started"), ticksuffix="%")
    fig.update_xaxes(type="category", categoryorder="array",
                     categoryarray=list(dict.fromkeys(esc(s) for s in d.sort_values("step")["stage"])))
    return fig


def _by_channel(d: pd.DataFrame):
    """(channel, colour, its rows) for each channel with rows: the journeys across channels first,
    in dark grey, then each channel in its own colour (``palette.colours``)."""
    singles = sorted(str(c) for c in set(d["channel"]) if c != ALL_CHANNELS)
    colors = {ALL_CHANNELS: palette.ACROSS} | palette.colours(singles)
    for ch, color in colors.items():
        part = d[d["channel"] == ch]
        if len(part):
            yield ch, color, part


def channel_name(channel: str) -> str:
    """A channel as a legend names it: the journeys across channels in the page's language."""
    return _("(all channels)") if channel == ALL_CHANNELS else esc(channel)


def _small_words(n) -> list[str]:
    return [_("small sample") if v < SMALL_SAMPLE else "" for v in n]


def step_label(from_stage: str, stage: str) -> str:
    return f"{esc(from_stage)} → {esc(stage)}"


def _box_hover() -> str:
    return ("%{fullData.name} · %{x}<br>"
            + _("median {median} days (25-75%: {p25}-{p75})").format(
                median="%{customdata[4]:,.1f}", p25="%{customdata[5]:,.1f}", p75="%{customdata[6]:,.1f}")
            + "<br>" + _("n = {n} of {entered}").format(n="%{customdata[0]}", entered="%{customdata[1]}")
            + " %{customdata[3]}<br>" + _("{share} within 7 days").format(share="%{customdata[2]:,.0f}%")
            + "<extra></extra>")


@memo
def time_to_convert(days: pd.DataFrame, title: str) -> go.Figure:
    """Days from the previous stage per step, one box per channel: the box from the 25th to the
    75th percentile around the median, whiskers at the 5th and 95th (``funnel.days_to_step``)."""
    fig = go.Figure()
    hover = _box_hover()
    for ch, color, part in _by_channel(days[days["n"] > 0]):
        fig.add_trace(go.Box(
            x=[step_label(a, b) for a, b in zip(part["from_stage"], part["stage"], strict=True)],
            q1=part["p25"], median=part["median"], q3=part["p75"], lowerfence=part["p05"],
            upperfence=part["p95"], name=channel_name(ch), marker_color=color, boxpoints=False,
            customdata=list(zip([fmt_count(n) for n in part["n"]], [fmt_count(n) for n in part["entered"]],
                                part["within_7"], _small_words(part["n"]),
                                part["median"], part["p25"], part["p75"], strict=True)),
            hovertemplate=hover))
    layout(fig, title, height=440)
    fig.update_layout(boxmode="group", legend={"orientation": "h", "y": -0.18, "x": 0, "xanchor": "left",
                                               "yanchor": "top"})
    fig.update_yaxes(title=_("days from the previous stage"), rangemode="tozero", tickformat=",")
    fig.update_xaxes(type="category", title=_("step"))
    return fig


def _score_points(ch: str, color: str, part: pd.DataFrame, kpi: str) -> go.Scatter:
    """One channel's stages; the stages named on the journeys across channels only (seven
    channels' labels would overlap)."""
    across = ch == ALL_CHANNELS
    lost = _("{share} of {n} customers lost before the next stage").format(
        share="%{x:,.0f}%", n="%{customdata[0]}")
    return go.Scatter(
        x=part["lost_after"], y=part[kpi], mode="markers+text" if across else "markers", name=channel_name(ch),
        text=[esc(s) for s in part["stage"]], textposition="top center", textfont={"size": 11},
        marker={"color": color, "size": 13 if across else 10, "line": {"width": 2},
                "symbol": ["circle-open" if n < SMALL_SAMPLE else "circle" for n in part[f"{kpi}_n"]]},
        error_y={"type": "data", "array": part["nps_moe"], "visible": kpi == "nps", "thickness": 1},
        customdata=list(zip([fmt_count(c) for c in part["customers"]], [fmt_count(n) for n in part[f"{kpi}_n"]],
                            _small_words(part[f"{kpi}_n"]), [i18n.number(v, 1) for v in part[kpi]],
                            strict=True)),
        hovertemplate=("%{fullData.name} · %{text}<br>" + lost + "<br>" + kpi_axis(kpi)
                       + " %{customdata[3]} (n = %{customdata[1]}) %{customdata[2]}<extra></extra>"))


@memo
def loss_and_scores(along: pd.DataFrame, title: str, kpi: str = "nps") -> go.Figure:
    """Each stage of each channel as a point: across, the share of its customers lost before the
    next stage; up, the ``kpi`` of the responses given at that stage on that channel. Bottom
    right: loses many and rated low. Hollow: fewer than ``SMALL_SAMPLE`` answers. ``kpi``: nps or
    csat (its scale, 0-100%, is the axis)."""
    fig = go.Figure()
    for ch, color, part in _by_channel(along[along["lost_after"].notna() & (along[f"{kpi}_n"] > 0)]):
        fig.add_trace(_score_points(ch, color, part, kpi))
    layout(fig, title, height=460)
    fig.update_layout(legend={"orientation": "h", "y": -0.15, "x": 0, "xanchor": "left", "yanchor": "top"})
    fig.update_xaxes(title=_("% of the stage's customers lost before the next stage"), ticksuffix="%")
    fig.update_yaxes(title=_("{axis} at the stage").format(axis=kpi_axis(kpi)),
                     range=[-100, 100] if kpi == "nps" else [0, 100])
    return fig


def level_name(name: str) -> str:
    """A pyramid level's name in the page's language (``pyramid.MODELS``)."""
    return _(name)


def _percent(v: float, decimals: int = 0) -> str:
    return i18n.number(v, decimals) + "%"


@memo
def pyramid(frame: pd.DataFrame, model: int, title: str) -> go.Figure:
    """The pyramid: one centred bar per level, its width the share that reached the level (or
    higher), top level at the top."""
    d = frame[frame["level"] > 0].sort_values("level", ascending=False)
    hover = ("%{y}<br>" + _("{share} reach this level or higher").format(share="%{x:,.1f}%") + "<br>"
             + _("{share} stop here (n = {n})").format(share="%{customdata[1]}", n="%{customdata[0]}")
             + "<extra></extra>")
    fig = go.Figure(go.Funnel(
        y=[esc(level_name(x)) for x in d["level_name"]], x=d["reached"].round(1),
        text=[_percent(r) for r in d["reached"]], textinfo="text",
        textposition=["inside" if r >= 15 else "outside" for r in d["reached"]], marker={"color": [PRIMARY] * len(d)},
        connector={"visible": False},
        customdata=list(zip([fmt_count(n) for n in d["n"]], [_percent(s, 1) for s in d["share"]], strict=True)),
        hovertemplate=hover))
    colors = [hex_rgba(PRIMARY, 0.45 + 0.55 * (lv / (len(MODELS[model]) - 1))) for lv in d["level"]]
    fig.update_traces(marker={"color": colors})
    layout(fig, title, height=120 + 60 * len(d))
    fig.update_yaxes(type="category")
    return fig


@memo
def pyramids_side_by_side(frame: pd.DataFrame, model: int, title: str, max_groups: int = 6,
                          order: tuple = ()) -> go.Figure:
    """One small pyramid per group (the ``max_groups`` largest, largest first or in ``order``:
    the funnel's stages), each in the group's colour."""
    groups = list(frame.groupby("group")["n"].sum().sort_values(ascending=False).index[:max_groups])
    rank = {v: i for i, v in enumerate(order)}
    groups.sort(key=lambda g: rank.get(g, len(rank)))
    colours = palette.colours(frame["group"])
    fig = make_subplots(rows=1, cols=len(groups), shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=[wrap(esc(g)) for g in groups])
    for i, g in enumerate(groups, start=1):
        d = frame[(frame["group"] == g) & (frame["level"] > 0)].sort_values("level", ascending=False)
        total = int(d["total"].iloc[0]) if len(d) else 0
        reach = _("{level}: {share} reach it (n total = {n})").format(
            level="%{y}", share="%{x:,.1f}%", n=fmt_count(total))
        fig.add_trace(go.Funnel(
            y=[esc(level_name(x)) for x in d["level_name"]], x=d["reached"].round(1), name=esc(g),
            textinfo="text", text=[_percent(r) for r in d["reached"]], textposition="inside",
            marker={"color": colours[str(g)]}, connector={"visible": False},
            hovertemplate=f"{esc(g)}<br>{reach}<extra></extra>"),
            row=1, col=i)
    fig.update_layout(showlegend=False, uniformtext={"minsize": 10, "mode": "hide"})
    layout(fig, title, height=160 + 55 * (len(MODELS[model]) - 1))
    fig.update_annotations(font_size=12)
    fig.update_layout(margin={"t": 95})
    fig.update_yaxes(type="category")
    return fig


def _level_data(part: pd.DataFrame, cut: dict) -> np.ndarray:
    """A level's hover values per period: n, total, the date and the partial period's words."""
    periods = [pd.Timestamp(p) for p in part["period"]]
    return np.array(list(zip(numbers(part["n"]), numbers(part["total"]), dates(periods),
                             ["<br>" + cut[p] if p in cut else "" for p in periods], strict=True)),
                    dtype=object).reshape(len(part), 4)


@memo
def pyramid_over_time(frame: pd.DataFrame, model: int, title: str, partial: tuple = ()) -> go.Figure:
    """100% stacked bars per period, the top level on top. ``partial``: ``((period, words), ...)``
    for periods the dates cover in part (``controls.partial_periods``): dotted, said in the hover."""
    fig = go.Figure()
    levels = list(range(len(MODELS[model])))
    cut = {pd.Timestamp(p): w for p, w in partial}
    for lv in levels:
        part = frame[frame["level"] == lv].sort_values("period")
        color = OTHERS if lv == 0 else hex_rgba(PRIMARY, 0.3 + 0.7 * lv / (len(levels) - 1))
        name = level_name(MODELS[model][lv])
        words = _("{level}: {share} (n = {n} of {total})").format(
            level=esc(name), share="%{y:,.1f}%", n="%{customdata[0]}", total="%{customdata[1]}")
        periods = [pd.Timestamp(p) for p in part["period"]]
        fig.add_trace(go.Bar(
            x=part["period"], y=part["share"], name=esc(name), marker_color=color,
            marker_pattern_shape=["." if p in cut else "" for p in periods], customdata=_level_data(part, cut),
            hovertemplate="%{customdata[2]}<br>" + words + "%{customdata[3]}<extra></extra>"))
    layout(fig, title, height=460)
    fig.update_layout(barmode="stack", legend={"traceorder": "reversed", "orientation": "h", "y": -0.12,
                                               "x": 0, "xanchor": "left", "yanchor": "top"})
    fig.update_yaxes(title=_("% of answered responses"), range=[0, 100], ticksuffix="%")
    period_ticks(fig, frame["period"])
    return fig
