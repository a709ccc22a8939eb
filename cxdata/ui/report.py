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
``python -m cxdata report`` writes it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from cxdata import catalog, db, funnel, pyramid, queries
from cxdata.filters import Filters

from . import charts, controls, figures, funnels, pyramids, segments
from .text import KPI_NAMES, fmt_count, fmt_delta, fmt_kpi, mover_sentence

PAGES_IN_REPORT = ("Overview", "Trends", "Segments", "Funnel", "Pyramid")
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
    title = html.escape(f"Customer experience report · {filters.describe()}")
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            f"<style>{STYLE}</style><script>{get_plotlyjs()}</script></head>\n<body>\n{body}\n</body></html>\n")


def _header(con, filters: Filters, link: str | None, now: datetime) -> str:
    imported = db.last_import(con)
    bits = ["<h1>Customer experience report</h1>",
            f'<p class="meta"><b>{html.escape(filters.describe())}</b></p>',
            f'<p class="meta">Made {now:%d %b %Y, %H:%M} UTC'
            + (f"; data last imported {imported[0]:%d %b %Y, %H:%M} ({html.escape(imported[1])})" if imported else "")
            + ".</p>"]
    if link:
        bits.append(f'<p class="meta"><a href="{html.escape(link, quote=True)}">Open this view in the dashboard</a></p>')
    bits.append('<p class="note">Each figure states its n; a figure from fewer than '
                f"{catalog.SMALL_SAMPLE} answers is marked small; a change is called a change only "
                "beyond the noise (95%).</p>")
    return "\n".join(bits)


# ---- the sections: each page's default view --------------------------------------------------
def _overview(con, filters: Filters, direction: str) -> Section:
    s = Section("Overview")
    summary = queries.kpi_summary(con, filters)
    s.items.append(Table("Headline figures", kpi_table(summary, direction, controls.period_days(filters))))
    grain = controls.auto_grain(filters)
    trend = queries.kpi_trend(con, filters, grain)
    if not trend.empty:
        partial = _partial(con, grain, filters)
        for kpi in controls.KPIS:
            fig = figures.sparkline(trend, kpi, f"{controls.kpi_label(kpi)} by {grain}", partial)
            s.items.append(Chart(fig.layout.title.text or "", fig, _trend_words(trend, kpi, grain)))
    movers = queries.biggest_movers(con, filters, kpi="nps")
    if movers.empty:
        s.items.append("No segment, touchpoint, channel or region moved its NPS beyond the noise against "
                       "the previous period of the same length.")
    for row in movers.to_dict("records"):
        s.items.append(mover_sentence(row, "nps", markdown=False))
    return s


def kpi_table(summary, direction: str, period_days: int | None) -> pd.DataFrame:
    """The Overview cards as rows: KPI, value, change against the previous period, n, margin."""
    rows = []
    for kpi in controls.KPIS:
        cur = getattr(summary.current, kpi)
        value, _ = summary.current.headline(kpi)
        ch = summary.changes[kpi]
        change = fmt_delta(kpi, ch.delta) or "–"
        rows.append({"KPI": KPI_NAMES[kpi], "value": fmt_kpi(kpi, value),
                     f"change vs the previous {period_days or ''} days".replace("  ", " "):
                         f"{change} ({ch.words if ch.delta is not None else 'no comparison'})",
                     "n": fmt_count(cur.n), "margin": charts.margin_words(kpi, cur),
                     "sample": "small: read with care" if cur.n and cur.small else ""})
    return pd.DataFrame(rows)


def _trend_words(trend: pd.DataFrame, kpi: str, grain: str) -> str:
    d = trend.dropna(subset=[kpi])
    if d.empty:
        return f"No {KPI_NAMES[kpi]} answers in these dates."
    first, last = d.iloc[0], d.iloc[-1]
    return (f"{KPI_NAMES[kpi]} per {grain}: {fmt_kpi(kpi, first[kpi])} in the {grain} of {first['period']:%d %b %Y}, "
            f"{fmt_kpi(kpi, last[kpi])} in the {grain} of {last['period']:%d %b %Y}; "
            f"n = {fmt_count(int(d[f'{kpi}_n'].sum()))} in all.")


def _trends(con, filters: Filters, direction: str) -> Section:
    s = Section("Trends")
    grain = controls.auto_grain(filters)
    trend = queries.kpi_trend(con, filters, grain)
    if trend.empty:
        s.items.append("No survey responses in these dates.")
        return s
    partial = _partial(con, grain, filters)
    for kpi in controls.KPIS:
        title = f"{controls.kpi_label(kpi)} per {grain}, with its 95% confidence band"
        s.items.append(Chart(title, figures.trend(trend, kpi, None, title, (), partial),
                             _trend_words(trend, kpi, grain)))
    return s


def _partial(con, grain: str, filters: Filters) -> tuple:
    lo, hi = queries.date_bounds(con)
    return controls.partial_periods(grain, filters, (lo.date() if lo else None, hi.date() if hi else None))


def _segments(con, filters: Filters, direction: str) -> Section:
    s = Section("Segments")
    table = queries.segment_breakdown(con, filters, "segment")
    if table.empty:
        s.items.append("No survey responses in these dates.")
        return s
    title = "NPS by customer segment, best first"
    best = table.dropna(subset=["nps"]).iloc[0] if table["nps"].notna().any() else None
    words = (f"Highest NPS: {best['value']} {fmt_kpi('nps', best['nps'])} (n = {fmt_count(int(best['nps_n']))}). "
             if best is not None else "")
    s.items.append(Chart(title, figures.breakdown(table, "nps", title, True),
                         words + "Blue ▲ / orange ▼: better / worse than the rest beyond the noise."))
    s.items.append(Table("Every KPI by customer segment", segments.kpi_table(table, direction)))
    grid = queries.kpi_heatmap(con, filters, "segment", "channel")
    if not grid.empty:
        title = "NPS by customer segment and channel"
        fig = figures.heatmap(grid, "nps", "Customer segment", "Channel", title, True,
                              segments.axis_order("segment", db.stages(con)),
                              segments.axis_order("channel", db.stages(con)))
        s.items.append(Chart(title, fig, _heatmap_words(grid) + f" On a fixed NPS scale "
                                                             f"({segments.scale_words('nps')}); * small sample."))
    return s


def _heatmap_words(grid: pd.DataFrame) -> str:
    """The best and the worst cell with enough answers, in words (the chart's text alternative)."""
    d = grid[grid["nps_n"] >= catalog.SMALL_SAMPLE].dropna(subset=["nps"]).sort_values("nps")
    if d.empty:
        return "Every cell has fewer than 30 answers."
    lo, hi = d.iloc[0], d.iloc[-1]
    return (f"Highest: {hi['row']} on {hi['col']}, {fmt_kpi('nps', hi['nps'])} (n = {fmt_count(int(hi['nps_n']))}); "
            f"lowest: {lo['row']} on {lo['col']}, {fmt_kpi('nps', lo['nps'])} (n = {fmt_count(int(lo['nps_n']))}).")


def _funnel_words(steps: pd.DataFrame) -> str:
    """Per channel, the customers who started and the share who reached the last stage."""
    last = steps["step"].max()
    bits = []
    for channel, part in steps[steps["channel"] != funnel.ALL_CHANNELS].groupby("channel", sort=True):
        start = part.loc[part["step"] == 1, "customers"].sum()
        end = part.loc[part["step"] == last, "from_start"]
        bits.append(f"{channel}: {fmt_count(int(start))} customers started, "
                    f"{(end.iloc[0] if len(end) else 0):.0f}% reached the last stage")
    return "; ".join(bits) + "."


def _funnel(con, filters: Filters, direction: str) -> Section:
    s = Section("Funnel")
    window = funnels.DEFAULT_WINDOW
    steps = funnel.funnel_steps(con, filters, window_days=window)
    if steps.empty:
        s.items.append("No journey events in these dates.")
        return s
    worst = funnel.worst_step(steps)
    if worst:
        s.items.append(worst.words)
    starters = funnels.starters(steps)
    s.items.append(Chart(funnels.overall_title(filters), figures.funnel_overall(steps, funnels.overall_title(filters)),
                         f"Conversion window {funnels.window_label(window)}; {fmt_count(starters)} customers started."))
    title = "How far each channel's customers get"
    s.items.append(Chart(title, figures.funnel_by_channel(steps, title), _funnel_words(steps)))
    s.items.append(Table("Conversion from the previous stage, per channel (%)",
                         funnels.conversion_table(steps).reset_index()))
    return s


def _pyramid(con, filters: Filters, direction: str) -> Section:
    s = Section("CX pyramid")
    model = 3
    dist = pyramid.pyramid_distribution(con, filters, model=model)
    if dist.empty:
        s.items.append("No answered pyramid questions in these dates.")
        return s
    s.items.append(pyramids.summary_sentence(dist, model).replace("**", "").replace("\\", ""))
    title = "The CX pyramid: share reaching each level"
    s.items.append(Chart(title, figures.pyramid(dist, model, title),
                         f"Bar width: % at this level or higher; n = {fmt_count(pyramids.total(dist))}."))
    groups = pyramid.pyramid_distribution(con, filters, model=model, by="channel")
    title = "The pyramid by channel (largest groups)"
    s.items.append(Chart(title, figures.pyramids_side_by_side(groups, model, title),
                         (pyramids.small_groups_note(groups) or "Each channel's share reaching each level.")
                         + f" n = {fmt_count(pyramids.total(dist))} in all."))
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


def _chart_html(chart: Chart) -> str:
    fig = go.Figure(chart.fig)  # a copy: the builders' figures are shared (memo)
    # Streamlit's chart theme grows the margins to fit the tick labels; out of Streamlit, say so
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    div = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"cx-chart-{next(_chart_ids)}",
                            config={"displaylogo": False, "responsive": True})
    caption = html.escape(chart.caption)
    return (f'<figure role="group" aria-label="{html.escape(chart.title, quote=True)}: {caption}">{div}'
            f"<figcaption>{caption}</figcaption></figure>")


def _table_html(table: Table) -> str:
    counts = {c: fmt_count for c in table.frame.columns if pd.api.types.is_integer_dtype(table.frame[c])}
    return (f"<h3>{html.escape(table.title)}</h3>"
            + table.frame.to_html(index=False, escape=True, border=0, na_rep="–", formatters=counts)
            + (f'<p class="note">{html.escape(table.caption)}</p>' if table.caption else ""))
