"""What every figure shares: the colours (``palette``), the heatmap's scale, the axis titles with
their units, the layout (the language's separators), the per-language memo, and small helpers.
``figures`` and ``journey_figures`` build on it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import plotly.graph_objects as go

from cxdata import i18n, kpis
from cxdata.i18n import N_, _

from . import memo as _memo
from .palette import BAD, GOOD, NEUTRAL, OTHERS, SAFE  # noqa: F401 - the figures' names for them
from .text import esc

PRIMARY = "#2E6F9E"  # a chart of one series (a KPI without a split, the funnel, the pyramid)
PALETTE = [PRIMARY, *SAFE]  # PALETTE[0] for one series; groups take ``palette.colour(value)``
BETTER_MARK, WORSE_MARK = N_("▲ better"), N_("▼ worse")
# The heatmap: diverging orange (worse) - near white (the view's overall figure) - blue (better),
# safe for colour-blind viewers (ColorBrewer PuOr's orange arm and RdBu's blue arm). The middle is
# the overall KPI of the current view and the span either side is fixed per KPI, so a cell 23
# points above the overall has the same colour under every filter (full colour at the span).
DIVERGING = [[0.0, "#B35806"], [0.25, "#F1A340"], [0.5, "#F7F7F7"], [0.75, "#92C5DE"], [1.0, "#2166AC"]]
HEAT_SPAN = {"nps": 50.0, "csat": 25.0, "ces": 1.5}
# counts in a hover and on an axis with thousands separators (1,200,000, never 1200000 or 1.2M)
N_HOVER = "%{fullData.name} · %{x|%d %b %Y}<br>n = %{y:,}<extra></extra>"
KPI_AXIS = {"nps": N_("NPS (points)"), "csat": N_("CSAT (% satisfied)"), "ces": N_("CES (mean, 1-7)")}


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


def kpi_axis(kpi: str) -> str:
    """A KPI's axis title with its unit, in the page's language."""
    return _(KPI_AXIS[kpi])


def numbers(values, decimals: int = 0) -> list[str]:
    """``i18n.number(v, decimals)`` for many values at once, the same text ("–" for a missing
    one) at a fraction of Babel's cost per call (a daily trend by channel has 7,672 points, five
    numbers each): Python's grouping with the language's marks, no sign on a zero."""
    dec, thou = i18n.plotly_separators()
    swap = str.maketrans(",.", thou + dec)
    out = []
    for v in values:
        if v is None or pd.isna(v):
            out.append("–")
            continue
        r = round(float(v), decimals)
        text = f"{abs(r):,.{decimals}f}".translate(swap)
        out.append("-" + text if r < 0 else text)
    return out


def dates(values) -> list[str]:
    """``i18n.date`` of each period (Babel's 60 µs a call, kept per language and day)."""
    lang = i18n.get_lang()
    return [_date(lang, pd.Timestamp(v).date()) for v in values]


@functools.lru_cache(maxsize=16384)
def _date(lang: str, day) -> str:
    with i18n.using(lang):
        return i18n.date(day)


QUARTER = N_("Q{quarter} {year}")


def period_label(period: pd.Timestamp, quarters: bool) -> str:
    """A period on an axis: 'Q3 2026' (a quarter), 'Jul 2026' (a month), '3 Aug 2026' (a day
    or a week's Monday), in the page's language."""
    if quarters:
        return _(QUARTER).format(quarter=period.quarter, year=period.year)
    if period.day == 1:
        return i18n.date(period.date(), "month")
    return i18n.date(period.date())


def _quarters(ps: list[pd.Timestamp]) -> bool:
    """Periods that are quarters: quarter starts at least 89 days apart (two or more of them)."""
    starts = all(p.day == 1 and p.month in (1, 4, 7, 10) for p in ps)
    return starts and len(ps) > 1 and all((b - a).days >= 89 for a, b in zip(ps, ps[1:], strict=False))


def period_ticks(fig: go.Figure, periods, most: int = 8) -> None:
    """With few periods (up to ``most``), an x tick at each period's start, named for the whole
    period ('Q3 2026', not the weeks plotly.js would pick between two quarters)."""
    ps = sorted({pd.Timestamp(p) for p in periods})
    if not ps or len(ps) > most:
        return
    quarters = _quarters(ps)
    fig.update_xaxes(tickmode="array", tickvals=ps, ticktext=[period_label(p, quarters) for p in ps])


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
    """The house layout; ``separators`` makes Plotly write numbers the language's way (1,200.5 /
    1.200,5) in ticks and in ``%{y:,.1f}``-style templates."""
    fig.update_layout(
        title={"text": esc(title), "x": 0, "xanchor": "left", "font": {"size": 17}},
        height=height, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hoverlabel={"namelength": -1}, separators=i18n.plotly_separators(),
    )
    return fig


def hex_rgba(color: str, alpha: float) -> str:
    c = color.lstrip("#")
    return f"rgba({int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha})"


T = TypeVar("T")


def memo(build: Callable[..., T]) -> Callable[..., T]:
    """``memo.memo`` keyed by the language too: a figure holds translated words and separators,
    so an Italian viewer never gets the English figure built for someone else."""
    def keyed(frame, lang: str, *args, **kwargs):
        with i18n.using(lang):
            return build(frame, *args, **kwargs)

    keyed.__module__, keyed.__qualname__ = build.__module__, build.__qualname__
    cached = _memo.memo(keyed)

    @functools.wraps(build)
    def wrapper(frame, *args, **kwargs) -> T:
        return cached(frame, i18n.get_lang(), *args, **kwargs)

    return wrapper
