"""Response queries the pages use, named for what they return; each takes ``(con, filters, ...)``.

All of them aggregate the same additive counts (``KPI_COUNTS``) in SQL and turn them into KPIs with
the formulas of ``kpis.py`` in Python, so a summary, a trend point and a segment row are computed
exactly alike, and "the rest" of a breakdown is the total minus the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from . import catalog, cube, fdr, kpis
from .db import get_setting
from .filters import FILTER_COLUMNS, TIME_COLUMN, Filters, bound_time
from .lookups import (  # noqa: F401 - re-exported: the pages and tests read them from here
    attribute_keys,
    attribute_values,
    date_bounds,
    filter_values,
    import_date_range,
    response_rows,
)

# Dimensions a breakdown may group by: name -> column. Identifiers only from here.
DIMENSIONS = catalog.BREAKDOWN_DIMENSIONS
ATTR_PREFIX = "attr:"
GRAINS = catalog.GRAINS

KPI_COUNTS = f"""
    count(nps) as nps_n,
    count(*) filter (where nps >= {catalog.PROMOTER_MIN}) as promoters,
    count(*) filter (where nps between {catalog.DETRACTOR_MAX + 1} and {catalog.PROMOTER_MIN - 1}) as passives,
    count(*) filter (where nps <= {catalog.DETRACTOR_MAX}) as detractors,
    count(csat) as csat_n,
    count(*) filter (where csat >= {catalog.SATISFIED_MIN}) as csat_sat,
    count(ces) as ces_n,
    coalesce(sum(ces), 0) as ces_sum,
    coalesce(sum(ces * ces), 0) as ces_sumsq,
    count(*) filter (where ces between $le_lo and $le_hi) as ces_low
"""
COUNT_COLUMNS = ("nps_n", "promoters", "passives", "detractors", "csat_n", "csat_sat",
                 "ces_n", "ces_sum", "ces_sumsq", "ces_low")


def low_effort_params(direction: str) -> dict:
    """The bound CES band of "low effort" (``$le_lo``..``$le_hi``) for a data set's direction."""
    lo, hi = catalog.LOW_EFFORT[direction]
    return {"le_lo": lo, "le_hi": hi}


@dataclass(frozen=True)
class Source:
    """Where a response query reads: ``responses`` or a daily count table (``cube.pick``).

    ``ts`` is its time column, ``counts`` the SQL of ``COUNT_COLUMNS`` over it, ``params`` the
    values that SQL binds, ``direction`` the data set's CES direction the counts were made for.
    Both give exactly the same counts."""
    table: str
    ts: str
    counts: str
    params: dict
    direction: str

    def time(self, day) -> date | datetime:
        """The start of ``day`` to compare ``ts`` with."""
        return bound_time(self.table, day)


def source(con, filters: Filters, columns=(), grain: str | None = None, split_at: date | None = None,
           direction: str | None = None) -> Source:
    """The source for a query with ``filters`` that groups on response ``columns`` (None for an
    expression only ``responses`` has, such as an attribute), by ``grain`` of time if any, and
    compares periods at ``split_at`` if any. ``direction`` when the caller has read it already."""
    direction = direction or _direction(con)
    table = cube.pick(filters, columns, grain=grain, split_at=split_at)
    if table is None:
        return Source("responses", "responded_at", KPI_COUNTS, low_effort_params(direction), direction)
    band = "ces_12" if direction == "effort" else "ces_67"
    sums = ", ".join(f"sum({c})::bigint as {c}" for c in COUNT_COLUMNS if c != "ces_low")
    return Source(table, TIME_COLUMN[table], f"{sums}, sum({band})::bigint as ces_low", {}, direction)


def dimension_column(dimension: str) -> str | None:
    """The response column a breakdown dimension groups on; None for an attribute."""
    return DIMENSIONS.get(dimension)


def dimension_expr(dimension: str, params: dict) -> str:
    """SQL for a breakdown dimension: a column from ``DIMENSIONS`` or ``attr:<key>`` (bound)."""
    if dimension in DIMENSIONS:
        return DIMENSIONS[dimension]
    if dimension.startswith(ATTR_PREFIX) and len(dimension) > len(ATTR_PREFIX):
        params["dim_key"] = dimension[len(ATTR_PREFIX):]
        return "attributes[$dim_key]"
    raise ValueError(f"unknown dimension {dimension!r}")


@dataclass(frozen=True)
class KpiSet:
    nps: kpis.NPS
    csat: kpis.CSAT
    ces: kpis.CES

    @classmethod
    def from_counts(cls, c: dict, direction: str) -> KpiSet:
        return cls(
            kpis.nps(int(c["promoters"]), int(c["passives"]), int(c["detractors"])),
            kpis.csat(int(c["csat_sat"]), int(c["csat_n"])),
            kpis.ces(float(c["ces_sum"]), float(c["ces_sumsq"]), int(c["ces_n"]), int(c["ces_low"]),
                     direction),
        )

    def headline(self, kpi: str) -> tuple[float | None, float | None]:
        """(value, standard error) of the headline figure of ``kpi`` (nps, csat, ces)."""
        if kpi == "nps":
            return self.nps.value, self.nps.se
        if kpi == "csat":
            return self.csat.value, self.csat.se
        if kpi == "ces":
            return self.ces.mean, self.ces.se
        raise ValueError(kpi)

    def n(self, kpi: str) -> int:
        return getattr(self, kpi).n

    def compare(self, other: KpiSet, kpi: str) -> kpis.Change:
        """This set's ``kpi`` minus ``other``'s, and whether the difference exceeds the noise."""
        return kpis.change(*self.headline(kpi), *other.headline(kpi), self.n(kpi), other.n(kpi))


def _counts(con, filters: Filters, src: Source, group: str | None = None,
            extra_params: dict | None = None) -> pd.DataFrame:
    """Counts for ``filters`` from ``src``, optionally per ``group`` (SQL from allowlists)."""
    where, params = filters.where_sql(src.table)
    params |= src.params | (extra_params or {})
    if group:
        sql = (f"select {group} as grp, {src.counts} from {src.table} "  # noqa: S608 - group from allowlist
               f"where {where} group by grp order by grp")
    else:
        sql = f"select {src.counts} from {src.table} where {where}"  # noqa: S608
    return con.execute(sql, params).df()


def _direction(con) -> str:
    return get_setting(con, "ces_direction") or "effort"


def kpi_set(con, filters: Filters) -> KpiSet:
    src = source(con, filters)
    row = _counts(con, filters, src).iloc[0].fillna(0).to_dict()
    return KpiSet.from_counts(row, src.direction)


@dataclass(frozen=True)
class Summary:
    current: KpiSet
    previous: KpiSet | None
    changes: dict[str, kpis.Change]


def _two_periods(con, filters: Filters):
    """Counts for the filters' period and the previous one of the same length, in one scan.

    Returns (the frame, whose ``grp`` column is 'current' or 'previous', and the CES direction),
    or None when the filters have no closed date range."""
    prev = filters.previous_period()
    if prev is None:
        return None
    span = filters.replace(date_from=prev.date_from)
    src = source(con, span, split_at=filters.date_from)
    side = f"case when {src.ts} >= $cur_from then 'current' else 'previous' end"
    return _counts(con, span, src, group=side,
                   extra_params={"cur_from": src.time(filters.date_from)}), src.direction


def kpi_summary(con, filters: Filters) -> Summary:
    """KPIs for the filters, and their change against the previous period of the same length."""
    periods = _two_periods(con, filters)
    if periods is None:
        return Summary(kpi_set(con, filters), None,
                       {k: kpis.Change(None, None, False) for k in ("nps", "csat", "ces")})
    both, direction = periods
    zero = dict.fromkeys(COUNT_COLUMNS, 0)
    by_side = {r["grp"]: r for r in both.fillna(0).to_dict("records")}
    current = KpiSet.from_counts(by_side.get("current", zero), direction)
    previous = KpiSet.from_counts(by_side.get("previous", zero), direction)
    changes = {k: current.compare(previous, k) for k in ("nps", "csat", "ces")}
    return Summary(current, previous, changes)


# The columns of a KPI frame after the group's own, in order; the counts come back as they are.
KPI_FRAME_COLUMNS = ("nps", "nps_moe", "nps_n", "nps_se", "promoters", "passives", "detractors", "csat",
                     "csat_low", "csat_high", "csat_n", "csat_se", "ces", "ces_moe", "ces_n", "ces_se",
                     "ces_low_effort_pct")


def kpi_frame(counts: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Counts per group -> one row per group with every KPI, its interval, n and small flag
    (``kpis.kpi_arrays``, column by column). Figures a group cannot have (a margin from one
    answer) are NaN, so the columns stay numeric."""
    if counts.empty:
        return pd.DataFrame()
    keys = [c for c in counts.columns if c not in COUNT_COLUMNS]
    c = {k: counts[k].fillna(0).to_numpy() for k in COUNT_COLUMNS}
    figures = kpis.kpi_arrays(c, direction) | {k: c[k].astype("int64") for k in ("promoters", "passives", "detractors")}
    # one concat, not one insertion per column (``assign`` inserts them one by one: 20 ms here)
    return pd.concat([counts[keys].reset_index(drop=True),
                      pd.DataFrame({col: figures[col] for col in KPI_FRAME_COLUMNS})], axis=1)


def kpi_trend(con, filters: Filters, grain: str = "month", split: str | None = None) -> pd.DataFrame:
    """Every KPI per period (``date_trunc`` at ``grain``), optionally per value of ``split``.

    Columns: ``period`` [, ``split``], then nps, nps_moe, nps_n, csat, csat_low, csat_high, csat_n,
    ces, ces_moe, ces_n, ces_low_effort_pct (and *_se)."""
    counts, direction = trend_counts(con, filters, grain, split)
    frame = kpi_frame(counts, direction)
    if frame.empty:
        return frame
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def trend_counts(con, filters: Filters, grain: str = "month", split: str | None = None
                 ) -> tuple[pd.DataFrame, str]:
    """(the KPI counts per period [and ``split``] of ``kpi_trend``, the data set's CES direction):
    counts, so a caller can pool periods (``cxdata.trends``)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    src = source(con, filters, [dimension_column(split)] if split else [], grain=grain)
    where, params = filters.where_sql(src.table)
    params |= src.params | {"grain": grain}
    split_sql = ""
    if split:
        split_sql = f", coalesce(cast({dimension_expr(split, params)} as varchar), '(none)') as split"
    sql = (f"select date_trunc($grain, {src.ts}) as period{split_sql}, {src.counts} "  # noqa: S608
           f"from {src.table} where {where} group by all order by all")
    return con.execute(sql, params).df(), src.direction


def segment_breakdown(con, filters: Filters, dimension: str) -> pd.DataFrame:
    """Every KPI per value of ``dimension`` (a column or ``attr:<key>``), with, for each KPI, the
    difference against the rest of the responses, its p-value, and whether it exceeds the noise
    after the Benjamini-Hochberg correction over the view's comparisons (``<kpi>_vs_rest``,
    ``<kpi>_p``, ``<kpi>_p_adjusted``, ``<kpi>_differs``). Sorted by NPS, highest first."""
    params: dict = {}
    expr = dimension_expr(dimension, params)
    src = source(con, filters, [dimension_column(dimension)])
    counts = _counts(con, filters, src, group=f"coalesce(cast({expr} as varchar), '(none)')",
                     extra_params=params)
    direction = src.direction
    frame = kpi_frame(counts.rename(columns={"grp": "value"}), direction)
    if frame.empty:
        return frame
    totals = counts[list(COUNT_COLUMNS)].fillna(0).sum()
    pairs = [(KpiSet.from_counts({k: rec[k] or 0 for k in COUNT_COLUMNS}, direction),
              KpiSet.from_counts({k: totals[k] - (rec[k] or 0) for k in COUNT_COLUMNS}, direction))
             for rec in counts.to_dict("records")]  # each group and the rest of the responses
    _versus_rest(frame, pairs)
    return frame.sort_values("nps", ascending=False, na_position="last").reset_index(drop=True)


def _versus_rest(frame: pd.DataFrame, pairs: list[tuple[KpiSet, KpiSet]]) -> None:
    """``<kpi>_vs_rest``, ``_p``, ``_p_adjusted``, ``_differs`` per (group, rest) pair: a difference
    counts when it passes Benjamini-Hochberg over every KPI of every group (``fdr.bh``)."""
    changes = {kpi: [g.compare(r, kpi) for g, r in pairs] for kpi in ("nps", "csat", "ces")}
    p = {kpi: _p_values(chs, pairs, kpi) for kpi, chs in changes.items()}
    passes, adjusted = fdr.bh([x for kpi in p for x in p[kpi]])
    for i, (kpi, chs) in enumerate(changes.items()):
        part = slice(i * len(pairs), (i + 1) * len(pairs))
        frame[f"{kpi}_vs_rest"] = pd.to_numeric(pd.Series([ch.delta for ch in chs], dtype="object"),
                                                errors="coerce").astype("float64")
        frame[f"{kpi}_p"] = pd.Series(p[kpi], dtype="float64")
        frame[f"{kpi}_p_adjusted"] = pd.Series(adjusted[part], dtype="float64")
        frame[f"{kpi}_differs"] = [ok and ch.significant for ok, ch in zip(passes[part], chs, strict=True)]


def _p_values(changes: list[kpis.Change], pairs: list[tuple[KpiSet, KpiSet]], kpi: str) -> list[float | None]:
    return [fdr.p_value(ch, g.n(kpi), r.n(kpi)) for ch, (g, r) in zip(changes, pairs, strict=True)]


def kpi_heatmap(con, filters: Filters, rows: str, cols: str) -> pd.DataFrame:
    """Every KPI for each (``rows`` value, ``cols`` value) pair: long format with columns
    ``row``, ``col`` and the KPI columns of ``kpi_trend``."""
    params: dict = {}
    r = dimension_expr(rows, params)
    if cols.startswith(ATTR_PREFIX) and rows.startswith(ATTR_PREFIX):
        raise ValueError("a heatmap takes at most one attribute dimension")
    c = dimension_expr(cols, params)
    src = source(con, filters, [dimension_column(rows), dimension_column(cols)])
    where, wparams = filters.where_sql(src.table)
    params |= wparams | src.params
    sql = (f"select coalesce(cast({r} as varchar), '(none)') as row, "  # noqa: S608 - allowlisted
           f"coalesce(cast({c} as varchar), '(none)') as col, {src.counts} "
           f"from {src.table} where {where} group by all order by all")
    return kpi_frame(con.execute(sql, params).df(), src.direction)


def biggest_movers(con, filters: Filters, kpi: str = "nps",
                   dimensions: tuple[str, ...] = ("segment", "touchpoint", "channel", "region"),
                   limit: int = 3, min_n: int = kpis.SMALL_SAMPLE) -> pd.DataFrame:
    """Dimension values whose ``kpi`` changed most against the previous period, beyond the noise
    after the Benjamini-Hochberg correction over every group compared (``fdr.bh`` at 5%).

    Only groups with at least ``min_n`` answers in both periods count: below that the normal
    approximation behind "beyond the noise" does not hold, and "NPS down 117 points" from three
    answers is not a finding. One scan over both periods and every dimension. Columns: dimension,
    value, current, previous, delta, margin, n, previous_n, p, p_adjusted; empty without dates."""
    cols = ["dimension", "value", "current", "previous", "delta", "margin", "n", "previous_n", "p", "p_adjusted"]
    if filters.previous_period() is None or not dimensions:
        return pd.DataFrame(columns=cols)
    for dim in dimensions:
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dim!r}")
    direction = _direction(con)
    sums = _side_sums(con, filters, dimensions, direction)
    out = [m for dim in dimensions for m in _moves(sums, dim, kpi, min_n, direction)]
    frame = pd.DataFrame(_corrected(out), columns=cols)
    if frame.empty:
        return frame
    # For CES on the effort scale a fall is the good news; ranking is by size of the move.
    frame = frame.reindex(frame["delta"].abs().sort_values(ascending=False).index)
    return frame.head(limit).reset_index(drop=True)


def _corrected(moves: list[dict]) -> list[dict]:
    """The moves that pass Benjamini-Hochberg over all of them (and their own margin)."""
    passes, adjusted = fdr.bh([m["p"] for m in moves])
    return [m | {"p_adjusted": a} for m, ok, a in zip(moves, passes, adjusted, strict=True) if ok and m["beyond"]]


def _side_sums(con, filters: Filters, dimensions: tuple[str, ...],
               direction: str) -> dict[tuple[str, str, str], list[float]]:
    """(dimension, 'current' or 'previous', value) -> the summed counts of ``COUNT_COLUMNS``.

    One scan per source grouped by period side and its dimensions together (a few thousand
    groups), then rolled up per dimension here: the counts are additive, so the roll-up is exact.
    Each dimension is read from the smallest count table that holds it with the filters. Plain
    Python: a few hundred groups, and pandas' per-row overhead cost more than the query."""
    span = filters.replace(date_from=filters.previous_period().date_from)
    by_table: dict[str, tuple[Source, list[str]]] = {}
    for d in dimensions:
        src = source(con, span, [DIMENSIONS[d]], split_at=filters.date_from, direction=direction)
        by_table.setdefault(src.table, (src, []))[1].append(d)
    sums: dict[tuple[str, str, str], list[float]] = {}
    for src, dims in by_table.values():
        group = ", ".join(DIMENSIONS[d] for d in dims)
        where, params = span.where_sql(src.table)
        params |= src.params | {"cur_from": src.time(filters.date_from)}
        sql = (f"select case when {src.ts} >= $cur_from then 'current' else 'previous' end as side, "  # noqa: S608
               f"{group}, {src.counts} from {src.table} where {where} group by all")
        for row in con.execute(sql, params).fetchall():
            _add_row(sums, dims, row)
    return sums


def _add_row(sums: dict, dims: list[str], row: tuple) -> None:
    side, values, counts = row[0], row[1:1 + len(dims)], row[1 + len(dims):]
    for d, value in zip(dims, values, strict=True):
        if value is not None:
            acc = sums.setdefault((d, side, value), [0] * len(COUNT_COLUMNS))
            for i, x in enumerate(counts):
                acc[i] += x or 0


def _moves(sums: dict, dim: str, kpi: str, min_n: int, direction: str) -> list[dict]:
    """Every value of ``dim`` with ``min_n`` answers in both periods: its move and p-value (the
    caller keeps those that pass the correction)."""
    out = []
    for val in sorted(v for d, side, v in sums if d == dim and side == "current"):
        if (dim, "previous", val) not in sums:
            continue
        a = KpiSet.from_counts(dict(zip(COUNT_COLUMNS, sums[(dim, "current", val)], strict=True)), direction)
        b = KpiSet.from_counts(dict(zip(COUNT_COLUMNS, sums[(dim, "previous", val)], strict=True)), direction)
        if min(a.n(kpi), b.n(kpi)) < min_n:
            continue
        ch = a.compare(b, kpi)
        p = fdr.p_value(ch, a.n(kpi), b.n(kpi))
        if p is not None:
            out.append({"dimension": dim, "value": val, "current": a.headline(kpi)[0],
                        "previous": b.headline(kpi)[0], "delta": ch.delta, "margin": ch.margin,
                        "n": a.n(kpi), "previous_n": b.n(kpi), "p": p, "beyond": ch.significant})
    return out


def dimension_values(con, dimension: str, table: str = "responses") -> list[str]:
    """Distinct non-null values of a filter dimension, for the filter widgets."""
    if table == "responses":
        params: dict = {}
        expr = dimension_expr(dimension, params)
    else:
        expr = FILTER_COLUMNS[dimension]["interactions"]
        params = {}
    # ``where`` on the expression, not its alias: Spark resolves no select alias in a ``where``
    sql = f"select distinct cast({expr} as varchar) v from {table} where {expr} is not null order by v"  # noqa: S608
    return [r[0] for r in con.execute(sql, params).fetchall()]
