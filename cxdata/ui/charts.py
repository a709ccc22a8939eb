"""Drawing a chart the house way: Plotly, a caption with the active filters and n, a CSV download
of the data behind it; and the KPI cards of the Overview."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from cxdata import catalog, i18n, kpis
from cxdata.i18n import N_, _

from . import alt_text
from .figures import BANDS_UP_TO, MAX_LINES
from .memo import memo
from .page import View
from .text import KPI_LONG, KPI_NAMES, ces_better, fmt_delta, fmt_kpi, fmt_n, plain

_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _quote(v):
    return "'" + v if isinstance(v, str) and _FORMULA_START.match(v) else v


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as a formula (= + - @ tab CR first) get a leading quote,
    in the cells, the column names and a text index."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_quote)
    out.columns = [_quote(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(_quote)
    return out


def table(data, key: str | None = None, hide_index: bool = True, **kwargs) -> None:
    """``st.dataframe`` for a table a viewer can download: its own "Download as CSV" writes what
    it shows, so text cells that would start a formula show (and download) with the leading
    quote of ``neutralise``, in a shown index too (it is downloaded); numbers stay numbers."""
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    st.dataframe(neutralise(frame), hide_index=hide_index, key=key, **kwargs)


@memo
def csv_bytes(frame: pd.DataFrame) -> bytes:
    # CRLF rows (as RFC 4180 and spreadsheets expect): pandas then quotes a cell holding a bare CR,
    # which would otherwise split its row.
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def empty(frame: pd.DataFrame | None, what: str) -> bool:
    """True (and a clear message) when there is nothing to draw."""
    if frame is None or len(frame) == 0:
        st.info(_("No {what} match these filters. Widen the dates or clear a filter in the sidebar.").format(what=_(what)))
        return True
    return False


# The toolbar keeps the PNG download and the reset after a drag-zoom: two tab stops per chart for a
# keyboard user instead of eight (zoom by dragging still works).
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": [
    "lasso2d", "select2d", "zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]}


# the toolbar's tooltips that plotly.js writes itself (its own words, looked up in our catalogue)
TOOLBAR_WORDS = (N_("Download plot as a PNG"), N_("Download plot"), N_("Reset axes"), N_("Autoscale"),
                 N_("Show closest data on hover"), N_("Compare data on hover"), N_("Toggle Spike Lines"),
                 N_("Double-click to zoom back out"))


def plotly_config() -> dict:
    """``PLOTLY_CONFIG`` with the page's language: plotly.js's month and day names on date axes
    (``report.plotly_locale``) and its toolbar's tooltips."""
    from .report import plotly_locale  # report draws these charts too: imported where used

    locale = plotly_locale()
    for spec in locale.get("locales", {}).values():
        spec["dictionary"] = {w: _(w) for w in TOOLBAR_WORDS}
    return PLOTLY_CONFIG | locale


def show(view: View, fig, data: pd.DataFrame, key: str, n: int | None = None,
         note: str | None = None, narrow_field: str | None = None) -> None:
    """The chart, then its caption (filters, n, small-sample warning, the chart in words) and its CSV."""
    plot(view, fig, key, narrow_field)
    footer(view, data, key, n, note, alt_text.describe(fig))


def plot(view: View, fig, key: str, narrow_field: str | None = None) -> None:
    """The chart alone (``show`` without its footer; for a page that writes the footer later)."""
    kwargs: dict = {}
    if narrow_field:
        kwargs = {"on_select": view.narrow_callback(key, narrow_field), "selection_mode": "points"}
    st.plotly_chart(fig, key=key, config=plotly_config(), **kwargs)


def show_row(view: View, figs: list, data: pd.DataFrame, key: str, note: str | None = None) -> None:
    """Small charts side by side over one data set: one caption and one CSV for the row."""
    config = plotly_config()
    for i, (column, fig) in enumerate(zip(st.columns(len(figs)), figs, strict=True)):
        with column:
            st.plotly_chart(fig, key=f"{key}_{i}", config=config)
    footer(view, data, key, None, note, " ".join(alt_text.describe(f) for f in figs))


def footer(view: View, data: pd.DataFrame, key: str, n: int | None, note: str | None,
           words: str = "") -> None:
    """The caption under a chart; ``words``: the chart's key figures (``alt_text.describe``), its
    text alternative, on a line of their own."""
    bits = [plain(view.filters.describe())]
    if n is not None:
        bits.append(fmt_n(n) + (" · **" + _("small sample") + "**" if n < kpis.SMALL_SAMPLE else ""))
    if note:
        bits.append(note)
    st.caption(" · ".join(bits) + (("  \n" + _("In words: {words}").format(words=plain(words))) if words else ""))
    st.download_button(_("Download the data (CSV)"), csv_bytes(data), file_name=f"{key}.csv",
                       mime="text/csv", key=f"dl_{key}", on_click="ignore", icon=":material/download:")


def margin_words(kpi: str, cur) -> str:
    """The uncertainty a KPI card states under its value."""
    num = i18n.number
    if kpi == "nps":
        return _("±{margin} pts").format(margin=num(cur.moe, 1)) if cur.moe is not None else _("no margin")
    if kpi == "csat":
        return (f"95%: {num(cur.low, 0)}–{num(cur.high, 0)}%" if cur.low is not None else _("no interval"))
    margin = f"±{num(cur.mean_moe, 2)}" if cur.mean_moe is not None else _("no margin")
    if cur.low_effort_pct is not None:
        margin += " · " + _("{pct}% low effort").format(pct=num(cur.low_effort_pct, 0))
    return margin


def kpi_card(summary, kpi: str, direction: str, period_days: int | None) -> None:
    """One KPI: value, change vs the previous period (greyed when within the noise), n, margin."""
    cur = getattr(summary.current, kpi)
    value = summary.current.headline(kpi)[0]
    ch = summary.changes[kpi]
    lower_better = not catalog.higher_is_better(kpi, direction)
    label = KPI_NAMES[kpi]
    prev = (_("change vs the previous {days} days").format(days=period_days) if period_days
            else _("change vs the previous period"))
    delta = fmt_delta(kpi, ch.delta)
    st.metric(
        label, fmt_kpi(kpi, value),
        delta=delta,
        # a change that rounds to zero has no sign (fmt_delta): no arrow either
        delta_arrow="off" if delta is not None and delta[0] not in "+-" else "auto",
        delta_color=("off" if not ch.significant else "inverse" if lower_better else "normal"),
        delta_description=ch.words if ch.delta is not None else None,
        help=_(KPI_LONG[kpi]) + (f" ({ces_better(direction)})" if kpi == "ces" else ""),
        border=True,
    )
    margin = margin_words(kpi, cur)
    line = f"{fmt_n(cur.n)} · {margin} · {prev}"
    if cur.n and cur.small:
        line += " · " + _("**small sample**: read with care")
    if ch.margin is not None:
        line += " " + _("(noise ±{margin})").format(margin=i18n.number(ch.margin, 2 if kpi == "ces" else 1))
    st.caption(line)


def lines_choice(view: View, groups: int, container=None) -> int | None:
    """How many groups a split trend draws: the largest ``figures.MAX_LINES`` (the default) or,
    behind this choice (URL key ``lines``), every group; no control when there are no more
    groups than that. The value is ``figures.group_colors``'s ``max_groups``."""
    if groups <= MAX_LINES:
        return MAX_LINES
    labels = {"top": _("The {n} largest groups").format(n=MAX_LINES),
              "all": _("All {n} groups").format(n=groups)}
    value = view.choice(_("Lines"), list(labels), key="lines", default="top", format_func=labels.get,
                        container=container, help=_("More than {n} lines are hard to tell apart; their "
                                                    "confidence bands are drawn up to {bands} lines.").format(
                            n=MAX_LINES, bands=BANDS_UP_TO))
    return None if value == "all" else MAX_LINES
