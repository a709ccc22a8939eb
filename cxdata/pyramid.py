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

from . import cube
from .db import get_setting
from .filters import Filters
from .queries import GRAINS, dimension_column, dimension_expr

MODELS = {
    3: ("Under the pyramid: needs not met", "Meets needs", "Easy", "Enjoyable"),
    6: ("Under the pyramid", "Relevant information", "Solves the problem",
        "Answers the need behind it", "Anticipates needs", "Predicts future needs",
        "Values the customer"),
}

_LEVEL_SQL = {
    3: """case when needs_met >= 4 then
                 case when ces between $le_lo and $le_hi then
                      case when enjoyment >= 4 then 3 else 2 end
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


def _params(con, model: int) -> dict:
    if model not in MODELS:
        raise ValueError("model is 3 or 6")
    if model == 6:
        return {}
    direction = get_setting(con, "ces_direction") or "effort"
    return {"le_lo": 1, "le_hi": 2} if direction == "effort" else {"le_lo": 6, "le_hi": 7}


def _cell_columns(con, model: int) -> list[str]:
    """The daily-table column counting each level of ``model``, level 0 first."""
    if model == 6:
        return [f"cx_{k}" for k in range(7)]
    d = "e" if (get_setting(con, "ces_direction") or "effort") == "effort" else "s"
    return ["p3_0", f"p3{d}_1", f"p3{d}_2", f"p3{d}_3"]


def _from_cells(con, table: str, model: int, lead: str, where: str, params: dict,
                keys: list[str]) -> pd.DataFrame:
    """Level counts from a daily table, in the long shape of the plain query (levels with n = 0
    left out, as a group by over the responses would)."""
    params = {k: v for k, v in params.items() if k not in ("le_lo", "le_hi")}
    sums = ", ".join(f"sum({c})::bigint as l{k}" for k, c in enumerate(_cell_columns(con, model)))
    sql = f"select {lead}{sums} from {table} where {where} group by all"  # noqa: S608 - from code
    wide = con.execute(sql, params).df()
    long = wide.melt(id_vars=keys, var_name="level", value_name="n") if keys else \
        wide.melt(var_name="level", value_name="n")
    long["level"] = long["level"].str[1:].astype("int64")
    return long[long["n"].fillna(0) > 0].reset_index(drop=True)


def pyramid_distribution(con, filters: Filters, model: int = 3, by: str | None = None,
                         grain: str | None = None) -> pd.DataFrame:
    """Responses per pyramid level, with the share of each group's answered total.

    Columns: [``group``] [``period``] ``level``, ``level_name``, ``n``, ``total``, ``share`` (percent),
    and ``reached`` (percent at this level or above). Every level appears, with n = 0 where empty,
    so charts keep their shape."""
    params = _params(con, model)
    table = cube.pick(filters, [dimension_column(by)] if by else [])
    where, wparams = filters.where_sql(table or "responses")
    params |= wparams
    keys = []
    selects = []
    if by:
        selects.append(f"coalesce(cast({dimension_expr(by, params)} as varchar), '(none)') as grp")
        keys.append("grp")
    if grain:
        if grain not in GRAINS:
            raise ValueError(f"grain must be one of {GRAINS}")
        params["grain"] = grain
        selects.append(f"date_trunc($grain, {'day' if table else 'responded_at'}) as period")
        keys.append("period")
    lead = "".join(s + ", " for s in selects)
    if table:
        counts = _from_cells(con, table, model, lead, where, params, keys)
    else:
        sql = (f"select {lead}{_LEVEL_SQL[model]} as level, count(*) as n "  # noqa: S608 - from allowlists
               f"from responses where {where} and {_ANSWERED_SQL[model]} group by all")
        counts = con.execute(sql, params).df()
    levels = list(range(len(MODELS[model])))
    if counts.empty:
        return pd.DataFrame(columns=[*(["group"] if by else []), *(["period"] if grain else []),
                                     "level", "level_name", "n", "total", "share", "reached"])
    if keys:
        full = counts[keys].drop_duplicates().merge(pd.DataFrame({"level": levels}), how="cross")
    else:
        full = pd.DataFrame({"level": levels})
    frame = full.merge(counts, on=[*keys, "level"], how="left").fillna({"n": 0})
    frame["n"] = frame["n"].astype("int64")
    frame["total"] = frame.groupby(keys)["n"].transform("sum") if keys else frame["n"].sum()
    frame["share"] = frame["n"] / frame["total"] * 100
    frame = frame.sort_values([*keys, "level"])
    frame["reached"] = (frame.iloc[::-1].groupby(keys)["share"].cumsum() if keys
                        else frame["share"][::-1].cumsum())
    frame["level_name"] = frame["level"].map(lambda lv: MODELS[model][lv])
    frame = frame.rename(columns={"grp": "group"})
    if grain:
        frame["period"] = pd.to_datetime(frame["period"])
    cols = [*(["group"] if by else []), *(["period"] if grain else []),
            "level", "level_name", "n", "total", "share", "reached"]
    return frame[cols].reset_index(drop=True)
