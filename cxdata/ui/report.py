"""The meeting report: one self-contained HTML file of the dashboard's pages under one set of
filters, to take into a meeting or send afterwards.

It holds every analysis page's headline figures and charts (each page's default view: the
Overview's KPIs and what moved, the three trends, NPS by segment and the segment x channel
heatmap, the funnel per channel, the CX pyramid by channel), with n, margins, the filters in words,
when it was made and the link back. The charts are the pages' own Plotly figures (the same
builders, the same library queries), interactive, with plotly.js inlined once: the file opens
offline, with no request to any other host (about 5 MB, nearly all of it plotly.js). Every chart
has a text alternative: its caption with the key figures.

Pure functions of a connection (no Streamlit calls): the pages offer it as "Download report",
``python -m cxdata report`` writes it. Its words, numbers and dates are in the current language
(``i18n``: the caller runs ``build`` inside ``i18n.using(lang)``), ``<html lang>`` says which.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from cxdata import catalog, db, funnel, i18n, pyramid, queries
from cxdata.filters import Filters
from cxdata.i18n import N_, _

from . import charts, controls, figures, funnels, pyramids, segments
from .text import KPI_NAMES, fmt_count, fmt_delta, fmt_kpi, mover_sentence

PAGES_IN_REPORT = ("Overview", "Trends", "Segments", "Funnel", "Pyramid")
NO_RESPONSES = N_("No survey responses in these dates.")
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#222;padding:0 1rem}h1{margin-bottom:.2rem}h2{border-bottom:2px solid #2c6e9b;padding-bottom:.2rem;
margin-top:2.5rem}.meta{color:#555;margin:.2rem 0}figure{margin:1.2rem 0;break-inside:avoid}
figcaption{color:#555;font-size:.9rem}table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
.small{color:#b35c00;font-weight:600}.note{color:#555}@media print{a{color:#222}}
@media (prefers-color-scheme: dark){body{background:#111;color:#ddd}.meta,figcaption,.note{color:#aaa}}
"""


@dataclass
class Chart:
    title: str
    fig: object
    caption: str


@dataclass
class Table:
    title: str
    frame: pd.DataFrame
    caption: str = ""


@dataclass
class Section:
    title: str
    items: list = field(default_factory=list)  # Chart, Table or str (a sentence, plain text)


def build(con, filters: Filters, link: str | None = None, now: datetime | None = None) -> str:
    """The report as HTML text (UTF-8). ``link``: the dashboard URL of this view, written as the
    link back; ``now``: when it was made (UTC), for tests."""
    now = now or datetime.now(UTC)
    direction = db.get_setting(con, "ces_direction") or "effort"
    parts = [_header(con, filters, link, now)]
    for make in (_overview, _trends, _segments, _funnel, _pyramid):
        parts.append(_section_html(make(con, filters, direction)))
    body = "\n".join(parts)
    title = html.escape(_("Customer experience report") + f" · {filters.describe()}")
    return (f'<!doctype html>\n<html lang="{i18n.get_lang()}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            f"<style>{STYLE}</style><script>{get_plotlyjs()}</script></head>\n<body>\n{body}\n</body></html>\n")


def _header(con, filters: Filters, link: str | None, now: datetime) -> str:
    imported = db.last_import(con)
    made = (_("Made {when} UTC; data last imported {imported} ({name}).").format(
                when=i18n.datetime(now), imported=i18n.datetime(imported[0]), name=imported[1])
            if imported else _("Made {when} UTC.").format(when=i18n.datetime(now)))
    bits = [f"<h1>{html.escape(_('Customer experience report'))}</h1>",
            f'<p class="meta"><b>{html.escape(filters.describe())}</b></p>',
            f'<p class="meta">{html.escape(made)}</p>']
    if link:
        bits.append(f'<p class="meta"><a href="{html.escape(link, quote=True)}">'
                    f"{html.escape(_('Open this view in the dashboard'))}</a></p>")
    bits.append('<p class="note">' + html.escape(_(
        "Each figure states its n; a figure from fewer than {n} answers is marked small; a change is called a "
        "change only beyond the noise (95%).").format(n=i18n.count(catalog.SMALL_SAMPLE))) + "</p>")
    return "\n".join(bits)


# ---- the sections: each page's default view --------------------------------------------------
def _overview(con, filters: Filters, direction: str) -> Section:
    s = Section(_("Overview"))
    summary = queries.kpi_summary(con, filters)
    s.items.append(Table(_("Headline figures"), kpi_table(summary, direction, controls.period_days(filters))))
    grain = controls.auto_grain(filters)
    trend = queries.kpi_trend(con, filters, grain)
    if not trend.empty:
        partial = _partial(con, grain, filters)
        for kpi in controls.KPIS:
            title = _("{kpi} by {grain}").format(kpi=controls.kpi_label(kpi), grain=controls.grain_word(grain))
            s.items.append(Chart(title, figures.sparkline(trend, kpi, title, partial), _trend_words(trend, kpi, grain)))
    movers = queries.biggest_movers(con, filters, kpi="nps")
    if movers.empty:
        s.items.append(_("No segment, touchpoint, channel or region moved its NPS beyond the noise against "
                         "the previous period of the same length."))
    for row in movers.to_dict("records"):
        s.items.append(mover_sentence(row, "nps", markdown=False))
    return s


def kpi_table(summary, direction: str, period_days: int | None) -> pd.DataFrame:
    """The Overview cards as rows: KPI, value, change against the previous period, n, margin."""
    rows = []
    changed = (_("change vs the previous {days} days").format(days=period_days) if period_days
               else _("change vs the previous period"))
    for kpi in controls.KPIS:
        cur = getattr(summary.current, kpi)
        value = summary.current.headline(kpi)[0]
        ch = summary.changes[kpi]
        change = fmt_delta(kpi, ch.delta) or "–"
        rows.append({"KPI": KPI_NAMES[kpi], _("value"): fmt_kpi(kpi, value),
                     changed: f"{change} ({ch.words})",
                     "n": fmt_count(cur.n), _("margin"): charts.margin_words(kpi, cur),
                     _("sample"): _("small: read with care") if cur.n and cur.small else ""})
    return pd.DataFrame(rows)


def _trend_words(trend: pd.DataFrame, kpi: str, grain: str) -> str:
    d = trend.dropna(subset=[kpi])
    if d.empty:
        return _("No {kpi} answers in these dates.").format(kpi=KPI_NAMES[kpi])
    first, last = d.iloc[0], d.iloc[-1]
    return _("{kpi} per {grain}: {first} in the {grain} of {first_day}, {last} in the {grain} of {last_day}; "
             "n = {n} in all.").format(
        kpi=KPI_NAMES[kpi], grain=controls.grain_word(grain), first=fmt_kpi(kpi, first[kpi]),
        first_day=i18n.date(first["period"]), last=fmt_kpi(kpi, last[kpi]), last_day=i18n.date(last["period"]),
        n=fmt_count(int(d[f"{kpi}_n"].sum())))


def _trends(con, filters: Filters, direction: str) -> Section:
    s = Section(_("Trends"))
    grain = controls.auto_grain(filters)
    trend = queries.kpi_trend(con, filters, grain)
    if trend.empty:
        s.items.append(_(NO_RESPONSES))
        return s
    partial = _partial(con, grain, filters)
    for kpi in controls.KPIS:
        title = _("{kpi} per {grain}, with its 95% confidence band").format(
            kpi=controls.kpi_label(kpi), grain=controls.grain_word(grain))
        s.items.append(Chart(title, figures.trend(trend, kpi, None, title, (), partial),
                             _trend_words(trend, kpi, grain)))
    return s


def _partial(con, grain: str, filters: Filters) -> tuple:
    lo, hi = queries.date_bounds(con)
    return controls.partial_periods(grain, filters, (lo.date() if lo else None, hi.date() if hi else None))


def _segments(con, filters: Filters, direction: str) -> Section:
    s = Section(_("Segments"))
    table = queries.segment_breakdown(con, filters, "segment")
    if table.empty:
        s.items.append(_(NO_RESPONSES))
        return s
    title = _("NPS by customer segment, best first")
    best = table.dropna(subset=["nps"]).iloc[0] if table["nps"].notna().any() else None
    words = (_("Highest NPS: {group} {value} (n = {n}).").format(
        group=best["value"], value=fmt_kpi("nps", best["nps"]), n=fmt_count(int(best["nps_n"]))) + " "
             if best is not None else "")
    s.items.append(Chart(title, figures.breakdown(table, "nps", title, True),
                         words + _("Blue ▲ / orange ▼: better / worse than the rest beyond the noise.")))
    s.items.append(Table(_("Every KPI by customer segment"), segments.kpi_table(table, direction)))
    grid = queries.kpi_heatmap(con, filters, "segment", "channel")
    if not grid.empty:
        title = _("NPS by customer segment and channel")
        fig = figures.heatmap(grid, "nps", controls.dim_label("segment"), controls.dim_label("channel"), title, True,
                              segments.axis_order("segment", db.stages(con)),
                              segments.axis_order("channel", db.stages(con)))
        note = segments.heatmap_note(grid, "nps")
        s.items.append(Chart(title, fig, f"{_heatmap_words(grid)} {note[:1].upper()}{note[1:]}."))
    return s


def _heatmap_words(grid: pd.DataFrame) -> str:
    """The best and the worst cell with enough answers, in words (the chart's text alternative)."""
    d = grid[grid["nps_n"] >= catalog.SMALL_SAMPLE].dropna(subset=["nps"]).sort_values("nps")
    if d.empty:
        return _("Every cell has fewer than {n} answers.").format(n=i18n.count(catalog.SMALL_SAMPLE))
    lo, hi = d.iloc[0], d.iloc[-1]
    return _("Highest: {high_row} on {high_col}, {high} (n = {high_n}); lowest: {low_row} on {low_col}, {low} "
             "(n = {low_n}).").format(
        high_row=hi["row"], high_col=hi["col"], high=fmt_kpi("nps", hi["nps"]), high_n=fmt_count(int(hi["nps_n"])),
        low_row=lo["row"], low_col=lo["col"], low=fmt_kpi("nps", lo["nps"]), low_n=fmt_count(int(lo["nps_n"])))


def _funnel_words(steps: pd.DataFrame) -> str:
    """Per channel, the customers who started and the share who reached the last stage."""
    last = steps["step"].max()
    bits = []
    for channel, part in steps[steps["channel"] != funnel.ALL_CHANNELS].groupby("channel", sort=True):
        start = part.loc[part["step"] == 1, "customers"].sum()
        end = part.loc[part["step"] == last, "from_start"]
        bits.append(_("{channel}: {n} customers started, {pct}% reached the last stage").format(
            channel=channel, n=fmt_count(int(start)), pct=i18n.number(end.iloc[0] if len(end) else 0, 0)))
    return "; ".join(bits) + "."


def _funnel(con, filters: Filters, direction: str) -> Section:
    s = Section(_("Funnel"))
    window = funnels.DEFAULT_WINDOW
    steps = funnel.funnel_steps(con, filters, window_days=window)
    if steps.empty:
        s.items.append(_("No journey events in these dates."))
        return s
    worst = funnel.worst_step(steps)
    if worst:
        s.items.append(worst.words)
    starters = funnels.starters(steps)
    s.items.append(Chart(funnels.overall_title(filters), figures.funnel_overall(steps, funnels.overall_title(filters)),
                         _("Conversion window {window}; {n} customers started.").format(
                             window=funnels.window_label(window), n=fmt_count(starters))))
    title = _("How far each channel's customers get")
    s.items.append(Chart(title, figures.funnel_by_channel(steps, title), _funnel_words(steps)))
    s.items.append(Table(_("Conversion from the previous stage, per channel (%)"),
                         funnels.conversion_table(steps).reset_index()))
    return s


def _pyramid(con, filters: Filters, direction: str) -> Section:
    s = Section(_("CX pyramid"))
    model = 3
    dist = pyramid.pyramid_distribution(con, filters, model=model)
    if dist.empty:
        s.items.append(_("No answered pyramid questions in these dates."))
        return s
    s.items.append(pyramids.summary_sentence(dist, model).replace("**", "").replace("\\", ""))
    n = fmt_count(pyramids.total(dist))
    title = _("The CX pyramid: share reaching each level")
    s.items.append(Chart(title, figures.pyramid(dist, model, title),
                         _("Bar width: % at this level or higher; n = {n}.").format(n=n)))
    groups = pyramid.pyramid_distribution(con, filters, model=model, by="channel")
    title = _("The pyramid by channel (largest groups)")
    s.items.append(Chart(title, figures.pyramids_side_by_side(groups, model, title),
                         (pyramids.small_groups_note(groups) or _("Each channel's share reaching each level."))
                         + " " + _("n = {n} in all.").format(n=n)))
    return s


# ---- HTML ------------------------------------------------------------------------------------
def _section_html(section: Section) -> str:
    out = [f"<section><h2>{html.escape(section.title)}</h2>"]
    for item in section.items:
        if isinstance(item, Chart):
            out.append(_chart_html(item))
        elif isinstance(item, Table):
            out.append(_table_html(item))
        else:
            out.append(f"<p>{html.escape(str(item))}</p>")
    out.append("</section>")
    return "\n".join(out)


_chart_ids = iter(range(1, 1 << 30))


def plotly_locale() -> dict:
    """plotly.js's config for the language: the month and day names its date axes and ``%b``
    hover formats write (plotly.js knows only English without a locale file, which the report
    does not fetch: the names come from Babel, inline in each chart's config)."""
    lang = i18n.get_lang()
    if lang == i18n.DEFAULT:
        return {}
    from babel import dates

    loc = i18n.locale()
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # Babel's days start on Monday, d3's on Sunday
    months = {w: [dates.get_month_names(w, locale=loc)[m] for m in range(1, 13)] for w in ("wide", "abbreviated")}
    days = {w: [dates.get_day_names(w, locale=loc)[d] for d in sunday_first] for w in ("wide", "abbreviated")}
    fmt = {"months": months["wide"], "shortMonths": months["abbreviated"], "days": days["wide"],
           "shortDays": days["abbreviated"], "decimal": i18n.plotly_separators()[0],
           "thousands": i18n.plotly_separators()[1],
           "dayMonth": "%-d %b", "dayMonthYear": "%-d %b %Y"}  # the day first, as in Italian
    return {"locale": lang, "locales": {lang: {"format": fmt}}}


def _chart_html(chart: Chart) -> str:
    fig = go.Figure(chart.fig)  # a copy: the builders' figures are shared (memo)
    # Streamlit's chart theme grows the margins to fit the tick labels; out of Streamlit, say so
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"cx-chart-{next(_chart_ids)}",
                      config={"displaylogo": False, "responsive": True} | plotly_locale())
    caption = html.escape(chart.caption)
    return (f'<figure role="group" aria-label="{html.escape(chart.title, quote=True)}: {caption}">{div}'
            f"<figcaption>{caption}</figcaption></figure>")


def _decimals(column: pd.Series) -> Callable[[float], str]:
    """A column's numbers in the language's format with the decimals they were rounded to (up to 3)."""
    values = column.dropna()
    places = next((d for d in range(3) if ((values - values.round(d)).abs() < 1e-9).all()), 3)
    return lambda v: "–" if pd.isna(v) else i18n.number(v, places)


def _table_html(table: Table) -> str:
    """A table; counts with the thousands grouped, other numbers with their decimals, both in the
    language's format."""
    frame = table.frame
    formats = {c: fmt_count for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])}
    formats |= {c: _decimals(frame[c]) for c in frame.columns if pd.api.types.is_float_dtype(frame[c])}
    return (f"<h3>{html.escape(table.title)}</h3>"
            + frame.to_html(index=False, escape=True, border=0, na_rep="–", formatters=formats)
            + (f'<p class="note">{html.escape(table.caption)}</p>' if table.caption else ""))
