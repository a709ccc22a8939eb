"""The Why page's helpers: cached key drivers and pain points, their figures, tables and words.

Cached like ``state``'s wrappers: every argument the result depends on (cursor not hashed,
database key, data version, ``Filters``, the page's controls)."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxdata import catalog, i18n
from cxdata.filters import Filters
from cxdata.i18n import N_, _
from cxdata.insight import drivers as drv
from cxdata.insight import painpoints as pain

from . import controls
from .plot import BAD, PALETTE, layout
from .text import KPI_NAMES, esc, fmt_count, fmt_delta, plain

# Which drivers to weigh: everything measured, or what a team can act on (the other survey scores
# are answers to the same survey: they go with the outcome because they measure the same feeling).
DRIVER_SETS = {"all": drv.KINDS, "no_scores": ("rating", "category")}
SET_LABELS = {"all": N_("Every measure"), "no_scores": N_("Without the other scores")}
KIND_COLORS = {"score": PALETTE[0], "rating": PALETTE[2], "category": PALETTE[4]}
KIND_LABELS = {"score": N_("another score"), "rating": N_("a rating (imported)"), "category": N_("a category")}
MAX_BARS = 15  # pain points drawn; the download has them all
LEVELS = tuple(pain.LEVELS)  # touchpoint, then stage x channel: the page's order
NO_PAIN = {"touchpoint": N_("No touchpoints fall below the rest beyond the noise under these filters."),
           "stage x channel": N_("No journey stage × channel cells fall below the rest beyond the noise under "
                                 "these filters.")}
PAIN_TITLES = {"touchpoint": N_("{kpi} points lost to touchpoints, costliest first"),
               "stage x channel": N_("{kpi} points lost to journey stage × channel cells, costliest first")}


def set_label(key: str) -> str:
    return _(SET_LABELS[key])


def driver_label(name: str) -> str:
    """'CSAT (1-5)', 'Channel', 'wait_band (imported)'."""
    return _(catalog.FIELD_LABELS[name]) if name in catalog.FIELD_LABELS else controls.dim_label(name)


def drivers(cur, key: str, version: int, filters: Filters, kpi: str, driver_set: str) -> drv.DriverResult:
    """The key drivers (cached), with a spinner in the page's language."""
    with st.spinner(_("Weighing the drivers…")):
        return _drivers(cur, key, version, filters, kpi, driver_set)


@st.cache_data(show_spinner=False, max_entries=128)
def _drivers(_cur, key: str, version: int, filters: Filters, kpi: str, driver_set: str) -> drv.DriverResult:
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
    corr = [("η " if k == "category" else "r ") + i18n.number(c, 2, sign=k != "category")
            for k, c in zip(t["kind"], t["correlation"], strict=True)]
    fig = go.Figure(go.Bar(
        x=t["share_of_r2_pct"], y=[esc(v) for v in t["label"]], orientation="h",
        marker_color=[KIND_COLORS[k] for k in t["kind"]],
        marker_pattern_shape=["/" if s else "" for s in t["small_sample"]],
        customdata=list(zip(t["importance"], corr, t["n"], [_(KIND_LABELS[k]) for k in t["kind"]], strict=True)),
        text=[f"{i18n.number(s, 1)}%  ({c}, n={fmt_count(n)})"
              for s, c, n in zip(t["share_of_r2_pct"], corr, t["n"], strict=True)],
        textposition="auto",
        hovertemplate=_("%{y}: %{customdata[3]}<br>%{x:.1f}% of R² (importance %{customdata[0]:.4f})"
                        "<br>%{customdata[1]} with the outcome<br>n = %{customdata[2]:,}") + "<extra></extra>"))
    layout(fig, title, height=max(260, 90 + 34 * len(t)))
    fig.update_xaxes(title=_("Share of the explained variance (% of R²)"), rangemode="tozero")
    fig.update_yaxes(automargin=True, type="category")
    return fig


def drivers_note(result: drv.DriverResult) -> str:
    how = (_("Shapley decomposition of R²") if result.method == "shapley"
           else _("relative weights (Johnson), too many drivers for every subset"))
    sample = (_(" in a fixed sample of 1 answer in {every}").format(every=fmt_count(result.sample_every))
              if getattr(result, "sample_every", None) else "")
    return _("R² {r2} from {n} answers with every driver{sample} ({n_outcome} with the outcome); {how}; "
             "r: Pearson, η: correlation ratio of a category; hatched: small sample").format(
        r2=i18n.number(result.r2, 2), n=fmt_count(result.n), sample=sample, n_outcome=fmt_count(result.n_outcome),
        how=how)


# The sentences ``insight.drivers`` writes (in English, for the CLI and the JSON too), found by
# pattern and said again in the page's language; a sentence not listed stays as written.
_NUM = r"([\d,]+)"
LIBRARY_SENTENCES = [
    (re.compile(r"Importance is association, not cause: it says how much of the differences in the outcome "
                r"go together with each driver, not what changing it would do\."),
     N_("Importance is association, not cause: it says how much of the differences in the outcome go together "
        "with each driver, not what changing it would do."), ()),
    (re.compile(rf"Too few answers \({_NUM}\) with the outcome and every driver: at least {_NUM} are needed\."),
     N_("Too few answers ({n}) with the outcome and every driver: at least {minimum} are needed."),
     ("n", "minimum")),
    (re.compile(r"Every answer has the same outcome here: nothing to explain\."),
     N_("Every answer has the same outcome here: nothing to explain."), ()),
    (re.compile(rf"{_NUM} answers for {_NUM} model terms \(fewer than 10 a term\): the ranking is unstable; "
                r"widen the filters\."),
     N_("{n} answers for {terms} model terms (fewer than 10 a term): the ranking is unstable; widen the filters."),
     ("n", "terms")),
    (re.compile(rf"From a fixed sample of 1 answer in {_NUM} \(the same answers on every view\): {_NUM} with "
                rf"every driver, {_NUM} with the outcome, of about {_NUM} under these filters\."),
     N_("From a fixed sample of 1 answer in {every} (the same answers on every view): {n} with every driver, "
        "{n_outcome} with the outcome, of about {total} under these filters."),
     ("every", "n", "n_outcome", "total")),
    (re.compile(r"one value only under these filters"), N_("one value only under these filters"), ()),
    (re.compile(rf"answered in {_NUM} of the {_NUM} rows with the outcome \(under (\d+)%\)"),
     N_("answered in {n} of the {n_outcome} rows with the outcome (under {pct}%)"), ("n", "n_outcome", "pct")),
]


def library_words(text: str) -> str:
    """A sentence of ``insight.drivers`` (a note, a reason something was left out) in the page's
    language: each known sentence in it translated, its numbers in the language's format."""
    for pattern, template, names in LIBRARY_SENTENCES:
        def said(m: re.Match, template=template, names=names) -> str:
            values = {k: i18n.count(int(v.replace(",", ""))) for k, v in zip(names, m.groups(), strict=True)}
            return _(template).format(**values)
        text = pattern.sub(said, text)
    return text


def drivers_words(result: drv.DriverResult) -> list[str]:
    """Markdown lines under the chart: the caveat, what was left out and why, a warning."""
    out = [f"*{library_words(drv.CAVEAT)}*"]
    if result.note:
        out.append(plain(library_words(result.note)))
    for left in result.left_out:
        out.append(_("Left out: **{driver}**, {reason}.").format(
            driver=plain(driver_label(left["name"])), reason=plain(library_words(left["reason"]))))
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
        text=[_("{gap} vs the rest ± {margin}").format(gap=fmt_delta(kpi, g),
                                                        margin=i18n.number(m, 2 if kpi == "ces" else 1))
              + f"  (n={fmt_count(n)})" for g, m, n in zip(t["gap"], t["margin"], t["n"], strict=True)],
        # long bars: the words inside from the left, clear of the error bar at the end
        textposition=["inside" if c > 0.45 * cost.max() else "outside" for c in cost],
        insidetextanchor="start",
        hovertemplate=f"%{{y}}<br>{KPI_NAMES[kpi]} " + _(
            "%{customdata[0]:.2f} against %{customdata[1]:.2f} for the rest<br>gap %{customdata[2]:+.2f} "
            "± %{customdata[3]:.2f}<br>n = %{customdata[4]:,}<br>costs the overall figure %{x:.2f}")
        + "<extra></extra>"))
    layout(fig, title, height=max(220, 90 + 34 * len(t)))
    fig.update_xaxes(title=_("{kpi} points the overall figure loses (share × gap)").format(kpi=KPI_NAMES[kpi]),
                     rangemode="tozero")
    fig.update_yaxes(automargin=True, type="category")
    return fig


def pain_note(result: pain.PainPoints, level: str) -> str:
    shown = len(pain_table(result, level))
    more = (" " + _("(the {drawn} costliest drawn, all {shown} in the download)").format(
        drawn=MAX_BARS, shown=fmt_count(shown))) if shown > MAX_BARS else ""
    better = _("higher is better") if result.higher_is_better else _("lower is better")
    return _("only gaps to the rest beyond the noise (95%, after the Benjamini-Hochberg correction over every "
             "group compared), on the worse side ({better}){more}; {others} other groups are within the noise "
             "or better").format(better=better, more=more, others=fmt_count(result.within_noise))


def small_lines(result: pain.PainPoints) -> list[str]:
    """Markdown lines: the small-sample groups, flagged apart and never ranked."""
    return [f"**{plain(p.name)}** ({plain(level_word(p.level))}): {KPI_NAMES[result.kpi]} "
            f"{'–' if p.value is None else i18n.number(p.value, 1)}, n = {fmt_count(p.n)}" for p in result.small]


LEVEL_WORDS = {"touchpoint": N_("touchpoint"), "stage x channel": N_("stage x channel")}


def level_word(level: str) -> str:
    """A pain point's level in words (``touchpoint``, ``stage x channel``)."""
    return _(LEVEL_WORDS[level]) if level in LEVEL_WORDS else level
