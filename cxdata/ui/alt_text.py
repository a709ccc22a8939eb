"""A chart in words: its key figures, read from the figure's own data, for the caption under it
(the chart's text alternative: what a screen reader, a printed page or a quick reader gets).

Per trace, up to ``MAX_TRACES``: a line over time says where it ends and its range; bars say their
highest and lowest; a heatmap its highest and lowest cell; a funnel its first and last step. Bands,
markers of small samples and other helper traces (no legend entry, no hover) are left out.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from cxdata import i18n
from cxdata.i18n import _

MAX_TRACES = 4
_TAGS = re.compile(r"<[^>]+>")


def _text(label) -> str:
    """A label as read: no HTML tags (Plotly's <br>, <b>), entities decoded."""
    s = _TAGS.sub(" ", str(label)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return " ".join(s.replace("&#37;", "%").split())


def _num(v: float) -> str:
    decimals = 0 if float(v).is_integer() or abs(v) >= 100 else (1 if abs(v) >= 1 else 2)
    return i18n.number(v, decimals)


def _at(x) -> str:
    """An x value in words: a date as a date, anything else as its label."""
    if isinstance(x, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T].*)?", x):
        x = pd.Timestamp(x)
    if isinstance(x, pd.Timestamp | dt.datetime | np.datetime64):
        return i18n.date(pd.Timestamp(x).date())
    if isinstance(x, dt.date):
        return i18n.date(x)
    return _text(x)


def _pairs(xs: Sequence, ys: Sequence) -> list[tuple[object, float]]:
    out = []
    for x, y in zip(xs, ys, strict=False):
        try:
            v = float(y)
        except (TypeError, ValueError):
            continue
        if not math.isnan(v):
            out.append((x, v))
    return out


def _helper(trace) -> bool:
    """A band, a marker layer or a reference line rather than a series of its own."""
    return (getattr(trace, "fill", None) not in (None, "none") or getattr(trace, "hoverinfo", None) == "skip"
            or (getattr(trace, "showlegend", None) is False and getattr(trace, "name", None) in (None, "")
                and not getattr(trace, "legendgroup", None)))


def _groups(traces) -> list[tuple[str, list]]:
    """The series of a figure: traces of one legend group (a line and its partial periods drawn
    dashed) are one series, named by the trace in the legend."""
    groups: dict[str, list] = {}
    for i, t in enumerate(traces):
        key = getattr(t, "legendgroup", None) or f"#{i}"
        groups.setdefault(key, []).append(t)
    out = []
    for members in groups.values():
        shown = next((t for t in members if getattr(t, "showlegend", None) is not False), members[0])
        out.append((_text(shown.name) if getattr(shown, "name", None) else "", members))
    return out


def _points(members) -> tuple[list, str, bool]:
    """The (category, value) pairs of a series, in x order for a line; its kind; horizontal."""
    first = members[0]
    horizontal = getattr(first, "orientation", None) == "h"
    pairs: dict = {}
    for t in members:
        x, y = getattr(t, "x", None), getattr(t, "y", None)
        cats, vals = (y, x) if horizontal else (x, y)
        if cats is not None and vals is not None:
            for cat, v in _pairs(list(cats), list(vals)):
                pairs.setdefault(cat, v)
    items = list(pairs.items())
    if first.type == "scatter" and not horizontal and len(members) > 1:
        items.sort(key=lambda p: str(p[0]))
    return items, first.type, horizontal


def _series(name: str, members) -> str | None:
    kind = members[0].type
    if kind == "heatmap":
        return _heatmap(members[0])
    pairs, kind, horizontal = _points(members)
    if not pairs:
        return None
    if kind == "scatter" and len(pairs) > 1 and not horizontal:
        lo, hi = min(pairs, key=lambda p: p[1]), max(pairs, key=lambda p: p[1])
        words = _("latest {value} ({when}); range {low} ({low_at}) to {high} ({high_at})").format(
            value=_num(pairs[-1][1]), when=_at(pairs[-1][0]), low=_num(lo[1]), low_at=_at(lo[0]),
            high=_num(hi[1]), high_at=_at(hi[0]))
    elif kind == "funnel" or len(pairs) == 1:
        first, last = pairs[0], pairs[-1]
        words = (_("{label} {value}").format(label=_at(first[0]), value=_num(first[1])) if len(pairs) == 1
                 else _("from {first} ({first_at}) to {last} ({last_at})").format(
                     first=_num(first[1]), first_at=_at(first[0]), last=_num(last[1]), last_at=_at(last[0])))
    else:
        lo, hi = min(pairs, key=lambda p: p[1]), max(pairs, key=lambda p: p[1])
        words = _("highest {high_at} {high}, lowest {low_at} {low}").format(
            high_at=_at(hi[0]), high=_num(hi[1]), low_at=_at(lo[0]), low=_num(lo[1]))
    return f"{name}: {words}" if name else words


def _heatmap(trace) -> str | None:
    z = np.array(trace.z, dtype=float) if trace.z is not None else np.empty((0, 0))
    if z.size == 0 or np.all(np.isnan(z)):
        return None
    xs = list(trace.x) if trace.x is not None else list(range(z.shape[1]))
    ys = list(trace.y) if trace.y is not None else list(range(z.shape[0]))
    hi = np.unravel_index(np.nanargmax(z), z.shape)
    lo = np.unravel_index(np.nanargmin(z), z.shape)
    shown = trace.text  # the cells' own figures ("+12<br>n=340"), when the chart writes them

    def cell(at) -> str:
        if shown is not None and len(shown) > at[0] and len(shown[at[0]]) > at[1] and shown[at[0]][at[1]]:
            return _text(str(shown[at[0]][at[1]]).split("<br>")[0])
        return _num(z[at])
    return _("highest {high_row} / {high_col} {high}, lowest {low_row} / {low_col} {low}").format(
        high_row=_at(ys[hi[0]]), high_col=_at(xs[hi[1]]), high=cell(hi),
        low_row=_at(ys[lo[0]]), low_col=_at(xs[lo[1]]), low=cell(lo))


def describe(fig) -> str:
    """The figure's key figures in one sentence ("" when it has none to say)."""
    title = _text(fig.layout.title.text) if fig.layout.title and fig.layout.title.text else ""
    bits = [s for s in (_series(name, members) for name, members in _groups([t for t in fig.data if not _helper(t)]))
            if s]
    if not bits:
        return ""
    more = len(bits) - MAX_TRACES
    text = "; ".join(bits[:MAX_TRACES])
    if more > 0:
        text += "; " + _("and {n} more").format(n=more)
    return (f"{title}: {text}" if title else text) + "."
