"""The one pass of the key drivers (``drivers.key_drivers``) over the rows: which table it reads
(``source``: ``responses``, or the fixed sample ``cube.SAMPLE_TABLE`` when the filters keep many
rows) and, per combination of the categories' codes, the count, sums and cross-products of the
outcome and the numeric drivers (``read_cells``). Expressions come from ``drivers.candidates``
(allowlisted columns, bound attribute keys and level lists)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import cube
from ..filters import Filters

if TYPE_CHECKING:
    from .drivers import Candidate


def _bound(sql: str, params: dict) -> dict:
    """The params ``sql`` uses (DuckDB refuses a named parameter a statement does not use)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


@dataclass(frozen=True)
class Rows:
    """The rows the pass reads: ``table`` where ``clause`` (on top of the filters), their count
    with the outcome, with each numeric driver, and the sample rate (1 in ``every``) or None."""
    table: str
    clause: str
    n_outcome: int
    answered: list[int]
    every: int | None = None


def coverage(con, filters: Filters, kpi: str, numeric: list[Candidate], params: dict,
             table: str = "responses", clause: str = "true") -> tuple[int, list[int]]:
    """(rows of ``table`` where ``clause`` with the outcome, with the outcome and each numeric
    driver)."""
    where, wparams = filters.where_sql("responses")
    counts = ", ".join(["count(*)"] + [f"count({c.expr})" for c in numeric])
    sql = f"select {counts} from {table} where {where} and {clause} and {kpi} is not null"  # noqa: S608
    row = con.execute(sql, _bound(sql, wparams | params)).fetchone()
    return int(row[0]), [int(x) for x in row[1:]]


def has_sample(con) -> bool:
    """Whether the file has the sample table (schema v9 on; not an older file opened read-only)."""
    sql = "select count(*) from information_schema.tables where table_name = $t"
    return con.execute(sql, {"t": cube.SAMPLE_TABLE}).fetchone()[0] > 0


def parts_to_read(estimate: int, sample_rows: int) -> int:
    """How many of the sample's parts (a power of 2) hold about ``sample_rows`` of its
    ``estimate`` answers at most (one at least)."""
    k = cube.SAMPLE_PARTS
    while k > 1 and estimate * k / cube.SAMPLE_PARTS > sample_rows:
        k //= 2
    return k


def source(con, filters: Filters, kpi: str, numeric: list[Candidate], params: dict,
           sample_above: int | None, sample_rows: int) -> Rows:
    """The rows for the pass. The sample's answers with the outcome are estimated from its first
    part (times the parts); when that, times the sample's rate, exceeds ``sample_above`` (None:
    never), the sample's first ``parts_to_read`` parts; else every row of ``responses``."""
    if sample_above is not None and has_sample(con):
        first, _ = coverage(con, filters, kpi, [], params, cube.SAMPLE_TABLE, "part = 0")
        estimate = first * cube.SAMPLE_PARTS
        if estimate * cube.SAMPLE_EVERY > sample_above:
            k = parts_to_read(estimate, sample_rows)
            clause = f"part < {k}"
            n, answered = coverage(con, filters, kpi, numeric, params, cube.SAMPLE_TABLE, clause)
            return Rows(cube.SAMPLE_TABLE, clause, n, answered, cube.SAMPLE_EVERY * cube.SAMPLE_PARTS // k)
    return Rows("responses", "true", *coverage(con, filters, kpi, numeric, params))


def key_strides(cats: list[Candidate]) -> list[int] | None:
    """Each category's multiplier in one combined integer key of all their codes; None when the
    product of their sizes does not fit in 62 bits (then they are grouped on one by one)."""
    strides, size = [], 1
    for c in cats:
        strides.append(size)
        size *= len(c.levels) + 1
    return strides if size < 2 ** 62 else None


def _keys(cats: list[Candidate]) -> tuple[list[str], list[str]]:
    """(the grouping expressions with their aliases, the aliases): one integer key ``k`` combining
    every category's code, the cheapest grouping, or one ``c<j>`` per category when it would not fit."""
    strides = key_strides(cats)
    if not cats:
        return [], []
    if strides is None:
        return [f"{c.expr} as c{j}" for j, c in enumerate(cats)], [f"c{j}" for j in range(len(cats))]
    combined = " + ".join(f"{c.expr} * {s}" for c, s in zip(cats, strides, strict=True))
    return [f"cast({combined} as bigint) as k"], ["k"]


def _cells_sql(kpi: str, numeric: list[Candidate], cats: list[Candidate], where: str,
               table: str = "responses") -> str:
    nums = [f"cast({kpi} as double)"] + [c.expr for c in numeric]
    m = len(nums)
    key_exprs, keys = _keys(cats)
    inner = [f"{e} as v{i}" for i, e in enumerate(nums)] + key_exprs
    present = " and ".join(f"v{i} is not null" for i in range(m))
    aggs = ["count(*) as n"] + [f"sum(v{i}) as s{i}" for i in range(m)]
    aggs += [f"sum(v{i} * v{j}) as p{i}_{j}" for i in range(m) for j in range(i, m)]
    group = f" group by {', '.join(keys)}" if keys else ""
    return (f"select {', '.join(keys + aggs)} from "  # noqa: S608 - expressions from allowlists
            f"(select {', '.join(inner)} from {table} where {where}) where {present}{group}")


def read_cells(con, filters: Filters, kpi: str, numeric: list[Candidate], cats: list[Candidate],
               params: dict, rows: Rows | None = None) -> dict:
    """The one pass over ``rows`` (default: every row of ``responses``): per combination of
    category values, the count and the sums and cross-products of [outcome, numeric drivers...]
    over the rows where all of them are answered. Each category's codes come back as ``c<j>``."""
    where, wparams = filters.where_sql("responses")
    table, clause = (rows.table, rows.clause) if rows else ("responses", "true")
    sql = _cells_sql(kpi, numeric, cats, f"{where} and {clause}", table)
    cells = con.execute(sql, _bound(sql, wparams | params)).fetchnumpy()
    strides = key_strides(cats)
    if "k" in cells:
        key = np.asarray(cells.pop("k"), dtype=np.int64)
        for j, (c, s) in enumerate(zip(cats, strides, strict=True)):
            cells[f"c{j}"] = key // s % (len(c.levels) + 1)
    return cells
