"""Alerts: for each KPI (NPS, CSAT, CES), overall and per channel and segment, the last complete week
and the last complete month against the period before, and against the KPI's target if one is set.

- **When.** The periods end before ``as_of`` (default today) and never after the data's last day:
  ``end = min(as_of - 1 day, the day of the latest response)``. The last complete week is the
  latest Monday-Sunday week that ends on or before ``end``, compared with the week before; the last
  complete month the latest calendar month that ends on or before ``end``, compared with the month
  before. A data set that stopped in October is judged on October, not on an empty November.
- **Which comparisons.** Every (KPI, scope, period) with at least ``kpis.SMALL_SAMPLE`` answers in
  both periods is one comparison: ``kpis.change`` (standard errors), two-sided p
  (``fdr.p_value``). With a target, the current figure against it is one more: ``z = (figure -
  target) / se``. Scopes or KPIs with fewer answers are counted as ``skipped``.
- **When an alert fires.** Benjamini-Hochberg at 5% over all the comparisons made (``fdr.bh``):
  an alert is a comparison that passes and is a worsening: a drop of NPS or CSAT, a rise of the
  CES mean on the effort scale (a drop on the ease scale: ``catalog.higher_is_better``), or a
  figure worse than its target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from .. import catalog, fdr, i18n, kpis, queries
from ..filters import Filters
from ..i18n import N_, _
from ..settings import get_target, number_words

KPIS = ("nps", "csat", "ces")
SCOPES = ("channel", "segment")  # besides "overall"
OVERALL = ("overall", None)


@dataclass(frozen=True)
class Period:
    grain: str  # "week" or "month"
    current: tuple[date, date]  # inclusive
    previous: tuple[date, date]

    @property
    def label(self) -> str:
        return period_label(self.grain, *self.current)


def period_label(grain: str, start: date, end: date) -> str:
    """'week 21 Jul to 27 Jul 2025' or 'July 2025', in the current language (``i18n``)."""
    from babel.dates import format_date

    if grain == "week":
        return _("week {start} to {end}").format(start=format_date(start, "dd MMM", locale=i18n.locale()),
                                                 end=i18n.date(end))
    return format_date(start, "LLLL y", locale=i18n.locale())


def last_day(con) -> date | None:
    """The day of the latest response."""
    hi = queries.date_bounds(con)[1]
    return None if hi is None else (hi.date() if hasattr(hi, "date") else hi)


def reference_end(as_of: date, data_end: date | None) -> date:
    """The last day a complete period may end on: the day before ``as_of``, or the data's last day
    if earlier."""
    end = as_of - timedelta(days=1)
    return min(end, data_end) if data_end else end


def periods(end: date) -> list[Period]:
    """The last complete Monday-Sunday week and calendar month ending on or before ``end``, each
    with the period before it."""
    sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    week = Period("week", (sunday - timedelta(days=6), sunday), (sunday - timedelta(days=13), sunday - timedelta(days=7)))
    month_end = end if (end + timedelta(days=1)).day == 1 else end.replace(day=1) - timedelta(days=1)
    month_start = month_end.replace(day=1)
    prev_end = month_start - timedelta(days=1)
    return [week, Period("month", (month_start, month_end), (prev_end.replace(day=1), prev_end))]


def scope_counts(con, period: Period) -> dict[tuple[str, str | None], dict[str, list]]:
    """(scope field, value) -> {"current": counts, "previous": counts} (``queries.COUNT_COLUMNS``),
    for the overall scope ``("overall", None)`` and each channel and segment; one scan."""
    span = Filters(date_from=period.previous[0], date_to=period.current[1])
    src = queries.source(con, span, list(SCOPES), split_at=period.current[0])
    where, params = span.where_sql(src.table)
    params |= src.params | {"cur_from": src.time(period.current[0])}
    sql = (f"select case when {src.ts} >= $cur_from then 'current' else 'previous' end as side, "  # noqa: S608
           f"channel, segment, {src.counts} from {src.table} where {where} group by all")
    out: dict = {}
    for side, channel, segment, *counts in con.execute(sql, params).fetchall():
        for scope in (OVERALL, ("channel", channel), ("segment", segment)):
            if scope[0] != "overall" and scope[1] is None:
                continue
            acc = out.setdefault(scope, {}).setdefault(side, [0] * len(queries.COUNT_COLUMNS))
            for i, x in enumerate(counts):
                acc[i] += x or 0
    return out


def link(kpi: str, scope: tuple[str, str | None], period: Period) -> str:
    """The Trends view that shows the comparison: the KPI by the period's grain over both periods,
    filtered to the scope (query string of ``Filters.to_query_params`` and the page's controls)."""
    f = Filters(date_from=period.previous[0], date_to=period.current[1])
    if scope[0] != "overall":
        f = f.replace(**{scope[0]: [scope[1]]})
    params = {"kpi": [kpi], "grain": [period.grain], **f.to_query_params()}
    return "Trends?" + urlencode([(k, v) for k, vals in params.items() for v in vals])


def _sets(sides: dict, direction: str) -> tuple[queries.KpiSet, queries.KpiSet]:
    zero = [0] * len(queries.COUNT_COLUMNS)
    return tuple(queries.KpiSet.from_counts(dict(zip(queries.COUNT_COLUMNS, sides.get(s, zero), strict=True)),
                                            direction) for s in ("current", "previous"))


def _row(kpi, scope, period, cur, prev) -> dict:
    ch = cur.compare(prev, kpi)
    return {"kpi": kpi, "scope": "overall" if scope[0] == "overall" else f"{scope[0]} {scope[1]}",
            "scope_field": scope[0], "scope_value": scope[1], "period": period.grain,
            "period_label": period.label, "current_from": period.current[0], "current_to": period.current[1],
            "previous_from": period.previous[0], "previous_to": period.previous[1],
            "current": cur.headline(kpi)[0], "previous": prev.headline(kpi)[0], "n": cur.n(kpi),
            "previous_n": prev.n(kpi), "change": ch.delta, "margin": ch.margin, "link": link(kpi, scope, period)}


def _target_test(value: float, se: float | None, target: float) -> float:
    """Two-sided p of the figure against its target (normal test); 0 or 1 when se is 0."""
    if not se:
        return 0.0 if value != target else 1.0
    return math.erfc(abs(value - target) / se / math.sqrt(2))


def comparisons(con, period: Period, direction: str, targets: dict) -> tuple[list[dict], int]:
    """Every comparison of ``period`` (see the module docstring), with its p, and how many
    (KPI, scope) pairs were skipped for a small sample."""
    out, skipped = [], 0
    for scope, sides in sorted(scope_counts(con, period).items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        cur, prev = _sets(sides, direction)
        for kpi in KPIS:
            if min(cur.n(kpi), prev.n(kpi)) < kpis.SMALL_SAMPLE:
                skipped += 1
                continue
            row = _row(kpi, scope, period, cur, prev)
            up_good = catalog.higher_is_better(kpi, direction)
            ch = cur.compare(prev, kpi)
            out.append(row | {"test": "change", "p": fdr.p_value(ch, cur.n(kpi), prev.n(kpi)),
                              "worse": ch.significant and (ch.delta < 0) == up_good and ch.delta != 0})
            if targets.get(kpi) is not None:
                value, se = cur.headline(kpi)
                t = targets[kpi]
                out.append(row | {"test": "target", "target": t, "p": _target_test(value, se, t),
                                  "worse": value < t if up_good else value > t})
    return out, skipped


REASONS = {  # (test, side, grain) -> why an alert fires, translated where said: reason(c)
    ("target", "below", None): N_("{kpi} below its target of {target}, beyond the noise"),
    ("target", "above", None): N_("{kpi} above its target of {target}, beyond the noise"),
    ("change", "rose", "week"): N_("{kpi} rose against the previous week, beyond the noise after the correction"),
    ("change", "fell", "week"): N_("{kpi} fell against the previous week, beyond the noise after the correction"),
    ("change", "rose", "month"): N_("{kpi} rose against the previous month, beyond the noise after the correction"),
    ("change", "fell", "month"): N_("{kpi} fell against the previous month, beyond the noise after the correction"),
}


def reason(c: dict) -> str:
    """Why an alert (or a comparison) fires, in the current language."""
    name = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}[c["kpi"]]
    if c["test"] == "target":
        side = "below" if c["current"] < c["target"] else "above"
        return _(REASONS[("target", side, None)]).format(kpi=name, target=number_words(c["target"]))
    what = "rose" if c["change"] > 0 else "fell"
    return _(REASONS[("change", what, c["period"])]).format(kpi=name)


def evaluate(con, as_of: date | None = None) -> dict:
    """``{"as_of", "end", "periods", "comparisons", "skipped", "alerts"}``: each alert a dict with
    kpi, scope, period, previous, current, n, previous_n, change, p, p_adjusted, reason, link."""
    as_of = as_of or date.today()
    end = reference_end(as_of, last_day(con))
    direction = queries._direction(con)
    targets = {k: get_target(con, k) for k in KPIS}
    made, skipped, spans = [], 0, []
    for period in periods(end):
        rows, k = comparisons(con, period, direction, targets)
        made, skipped = made + rows, skipped + k
        spans.append({"period": period.grain, "label": period.label, "current": list(period.current),
                      "previous": list(period.previous)})
    passes, adjusted = fdr.bh([c["p"] for c in made])
    alerts = []
    for c, ok, p_adj in zip(made, passes, adjusted, strict=True):
        if ok and c["worse"]:
            alerts.append({k: v for k, v in c.items() if k != "worse"} | {"p_adjusted": p_adj, "reason": reason(c)})
    alerts.sort(key=lambda a: (a["p_adjusted"], a["kpi"], a["scope"], a["period"]))
    return {"as_of": as_of, "end": end, "periods": spans, "comparisons": len(made), "skipped": skipped,
            "alerts": alerts}


def alert_key(a: dict) -> tuple:
    return (a["kpi"], a["scope"], a["period"], a["current_from"], a["test"])


def after_import(con, before: list[dict], as_of: date | None = None) -> list[dict]:
    """The alerts that fire now and did not in ``before`` (``evaluate(con)["alerts"]`` taken before
    the import): the import summary's ``new_alerts``."""
    seen = {alert_key(a) for a in before}
    return [a for a in evaluate(con, as_of)["alerts"] if alert_key(a) not in seen]
