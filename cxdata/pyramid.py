"""The CX pyramid: how responses distribute over its levels (``domain.md``, seeds 000 and 001).

3-level model (Forrester, default). A response sits at the highest level whose condition holds
together with every level below it; level 0 is "under the pyramid" (needs not met):
  1. meets needs  ``needs_met`` 4-5 (agree / strongly agree, on 1-5)
  2. easy         and low effort: CES 1-2 on the effort scale (6-7 on the ease scale)
  3. enjoyable    and ``enjoyment`` 4-5
Only responses that answered all three questions count (answered responses only).

6-level model (seed 000): ``cx_level`` 0-6, the highest level reached, as coded at the source.
"""

from __future__ import annotations

import pandas as pd

from . import catalog, cube
from .db import get_setting
from .filters import TIME_COLUMN, Filters
from .i18n import N_
from .queries import GRAINS, dimension_column, dimension_expr, low_effort_params

MODELS = {  # English names, marked for the catalogue: a page shows ``i18n._(name)``
    3: (N_("Under the pyramid: needs not met"), N_("Meets needs"), N_("Easy"), N_("Enjoyable")),
    6: (N_("Under the pyramid"), N_("Relevant information"), N_("Solves the problem"),
        N_("Answers the need behind it"), N_("Anticipates needs"), N_("Predicts future needs"),
        N_("Values the customer")),
}

_LEVEL_SQL = {  # the 3-level rule of cxdata/cube.py's cells, per row; $le_lo/$le_hi: the low-effort band
    3: f"""case when needs_met >= {catalog.AGREE_MIN} then
                 case when ces between $le_lo and $le_hi then
                      case when enjoyment >= {catalog.AGREE_MIN} then 3 else 2 end
                 else 1 end
             else 0 end""",
    6: "cx_level",
}
_ANSWERED_SQL = {
    3: "needs_met is not null and ces is not null and enjoyment is not null",
    6: "cx_level is not null",
}


def level_name(model: int, level: int) -> str:
    return MODELS[model][level]


def _cell_columns(model: int, direction: str) -> list[str]:
    """The count-table column counting each level of ``model``, level 0 first."""
    if model == 6:
        return [f"cx_{k}" for k in range(7)]
    d = "e" if direction == "effort" else "s"
    return ["p3_0", f"p3{d}_1", f"p3{d}_2", f"p3{d}_3"]


def _from_cells(con, table: str, model: int, direction: str, lead: str, where: str, params: dict,
                n_keys: int) -> list[tuple]:
    """Level counts from a count table as (keys..., level, n) rows, like the plain query's."""
    sums = ", ".join(f"sum({c})::bigint as l{k}" for k, c in enumerate(_cell_columns(model, direction)))
    sql = f"select {lead}{sums} from {table} where {where} group by all"  # noqa: S608 - from code
    return [(*row[:n_keys], level, n) for row in con.execute(sql, params).fetchall()
            for level, n in enumerate(row[n_keys:]) if n]


def _assemble(rows: list[tuple], n_keys: int, model: int) -> list[tuple]:
    """Every level of every group (n = 0 where none), sorted, with total, share and reached."""
    counts: dict[tuple, dict[int, int]] = {}
    for *keys, level, n in rows:
        counts.setdefault(tuple(keys), {})[int(level)] = int(n)
    out = []
    for keys in sorted(counts):
        by_level = counts[keys]
        ns = [by_level.get(level, 0) for level in range(len(MODELS[model]))]
        total = sum(ns)
        shares = [n / total * 100 for n in ns]
        reached, acc = [0.0] * len(ns), 0.0
        for level in range(len(ns) - 1, -1, -1):
            acc += shares[level]
            reached[level] = acc
        out.extend((*keys, level, MODELS[model][level], ns[level], total, shares[level], reached[level])
                   for level in range(len(ns)))
    return out


def _group_selects(by: str | None, grain: str | None, table: str | None,
                   params: dict) -> tuple[list[str], list[str]]:
    """The SELECT items and key names of the group (``by``) and the period (``grain``)."""
    selects, keys = [], []
    if by:
        selects.append(f"coalesce(cast({dimension_expr(by, params)} as varchar), '(none)') as grp")
        keys.append("grp")
    if grain:
        if grain not in GRAINS:
            raise ValueError(f"grain must be one of {GRAINS}")
        params["grain"] = grain
        selects.append(f"date_trunc($grain, {TIME_COLUMN[table] if table else 'responded_at'}) as period")
        keys.append("period")
    return selects, keys


def _typed(frame: pd.DataFrame, grain: str | None) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame["n"] = frame["n"].astype("int64")
    frame["total"] = frame["total"].astype("int64")
    if grain:
        frame["period"] = pd.to_datetime(frame["period"])
    return frame


def pyramid_distribution(con, filters: Filters, model: int = 3, by: str | None = None,
                         grain: str | None = None) -> pd.DataFrame:
    """Responses per pyramid level, with the share of each group's answered total.

    Columns: [``group``] [``period``] ``level``, ``level_name``, ``n``, ``total``, ``share`` (percent),
    and ``reached`` (percent at this level or above). Every level appears, with n = 0 where empty,
    so charts keep their shape."""
    if model not in MODELS:
        raise ValueError("model is 3 or 6")
    direction = get_setting(con, "ces_direction") or "effort"
    table = cube.pick(filters, [dimension_column(by)] if by else [], grain=grain)
    where, params = filters.where_sql(table or "responses")
    if model == 3 and not table:
        params |= low_effort_params(direction)
    selects, keys = _group_selects(by, grain, table, params)
    lead = "".join(s + ", " for s in selects)
    if table:
        rows = _from_cells(con, table, model, direction, lead, where, params, len(keys))
    else:
        sql = (f"select {lead}{_LEVEL_SQL[model]} as level, count(*) as n "  # noqa: S608 - from allowlists
               f"from responses where {where} and {_ANSWERED_SQL[model]} group by all")
        rows = con.execute(sql, params).fetchall()
    cols = [*(["group"] if by else []), *(["period"] if grain else []),
            "level", "level_name", "n", "total", "share", "reached"]
    return _typed(pd.DataFrame(_assemble(rows, len(keys), model), columns=cols), grain)
