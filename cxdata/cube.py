"""Daily counts: the additive counts behind every response KPI and pyramid level, per day and
dimension, kept exact by every import, undo and demo load.

Why it is exact. Every KPI here (NPS, CSAT, CES, the margins, the pyramid shares) is a function of
counts and sums over the filtered responses (``queries.KPI_COUNTS``, ``pyramid._LEVEL_SQL``). A
cell of a daily table holds those counts and sums for the responses of one import, one day and one
combination of dimension values, so summing the cells whose day and dimensions pass the filters
gives exactly the counts of the plain query over ``responses``. Two tables, smallest first:

- ``kpi_daily``         day, channel, segment, region, product
- ``kpi_daily_detail``  the same plus touchpoint and journey stage

A query reads the smallest table holding every column it filters or groups on; an attribute filter
or an ``attr:`` breakdown is in neither, so such queries read ``responses`` (``pick`` says which).

``filter_values`` and ``attribute_counts`` hold, per import, the distinct values of each filter
field and of each imported attribute, so the sidebar needs no scan of the big tables.

Rows written into ``responses`` or ``interactions`` by anything other than ``ingest`` and ``demo``
(tests inserting literal rows, a hand-made fix) must be followed by ``rebuild(con)``.

CES bands and 3-level pyramid levels are stored for both CES directions (``_12``/``e`` for the
effort scale, ``_67``/``s`` for the ease scale): changing the ``ces_direction`` setting needs no
rebuild.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from .filters import FILTER_COLUMNS, Filters
from .schema import CELL_COLUMNS

CUBES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kpi_daily", ("channel", "segment", "region", "product")),
    ("kpi_daily_detail", ("channel", "segment", "region", "product", "touchpoint", "journey_stage")),
)
CUBE_TABLES = tuple(name for name, _ in CUBES)

_ANSWERED3 = "needs_met is not null and ces is not null and enjoyment is not null"
# cell column -> its SQL over the response rows of the cell. Counts are additive, so are sums.
CELL_SQL: dict[str, str] = {
    "nps_n": "count(nps)",
    "promoters": "count(*) filter (where nps >= 9)",
    "passives": "count(*) filter (where nps between 7 and 8)",
    "detractors": "count(*) filter (where nps <= 6)",
    "csat_n": "count(csat)",
    "csat_sat": "count(*) filter (where csat >= 4)",
    "ces_n": "count(ces)",
    "ces_sum": "coalesce(sum(ces), 0)",
    "ces_sumsq": "coalesce(sum(ces * ces), 0)",
    "ces_12": "count(*) filter (where ces between 1 and 2)",
    "ces_67": "count(*) filter (where ces between 6 and 7)",
    "p3_0": f"count(*) filter (where {_ANSWERED3} and needs_met < 4)",
    "p3e_1": f"count(*) filter (where {_ANSWERED3} and needs_met >= 4 and ces not between 1 and 2)",
    "p3e_2": f"count(*) filter (where {_ANSWERED3} and needs_met >= 4 and ces between 1 and 2 and enjoyment < 4)",
    "p3e_3": f"count(*) filter (where {_ANSWERED3} and needs_met >= 4 and ces between 1 and 2 and enjoyment >= 4)",
    "p3s_1": f"count(*) filter (where {_ANSWERED3} and needs_met >= 4 and ces not between 6 and 7)",
    "p3s_2": f"count(*) filter (where {_ANSWERED3} and needs_met >= 4 and ces between 6 and 7 and enjoyment < 4)",
    "p3s_3": f"count(*) filter (where {_ANSWERED3} and needs_met >= 4 and ces between 6 and 7 and enjoyment >= 4)",
    **{f"cx_{k}": f"count(*) filter (where cx_level = {k})" for k in range(7)},
}
assert tuple(CELL_SQL) == CELL_COLUMNS, "the cells are the columns of the v3 tables"

_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("cxdata_cubes", default=True)


@contextlib.contextmanager
def plain_queries() -> Iterator[None]:
    """Within this block every response query reads ``responses`` itself (tests and the benchmark
    compare both)."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def pick(filters: Filters, columns: Iterable[str | None] = ()) -> str | None:
    """The smallest daily table that holds every filter of ``filters`` and every column in
    ``columns`` (response column names; None stands for something no table holds, like an
    attribute), or None when only ``responses`` can answer."""
    if not _enabled.get() or filters.attrs:
        return None
    needed = set()
    for col in columns:
        if col is None:
            return None
        needed.add(col)
    for key in FILTER_COLUMNS:
        if getattr(filters, key):
            needed.add(FILTER_COLUMNS[key]["responses"])
    for name, dims in CUBES:
        if needed <= set(dims):
            return name
    return None


def _insert_cells(con, where: str, params: dict, ordered: bool) -> None:
    """Cells of the responses matching ``where``: the detail table's from the rows, the smaller
    tables' by summing those (half the work of a second pass over the rows). ``ordered`` writes
    them in day order (a whole-table build: zone maps then skip what a date range leaves out)."""
    cells = ", ".join(f"{sql} as {col}" for col, sql in CELL_SQL.items())
    (detail, detail_dims), *smaller = reversed(CUBES)
    con.execute("create or replace temp table cube_cells as "  # noqa: S608 - from code
                f"select import_id, cast(responded_at as date) as day, {', '.join(detail_dims)}, {cells} "
                f"from responses where {where} group by all", params)
    try:
        order = " order by day" if ordered else ""
        con.execute(f"insert into {detail} select * from cube_cells{order}")  # noqa: S608
        sums = ", ".join(f"sum({c})" for c in CELL_SQL)
        for name, dims in smaller:
            con.execute(f"insert into {name} select import_id, day, {', '.join(dims)}, {sums} "  # noqa: S608
                        f"from cube_cells group by all{order}")
    finally:
        con.execute("drop table if exists cube_cells")


def _insert_values(con, where: str, params: dict, kind: str) -> None:
    selects = " union ".join(
        f"select import_id, '{field}' as field, {cols[kind]} as value from {kind} "  # noqa: S608 - from code
        f"where ({where}) and {cols[kind]} is not null"
        for field, cols in FILTER_COLUMNS.items() if kind in cols
    )
    con.execute(f"insert into filter_values select distinct * from ({selects})", params)  # noqa: S608
    if kind == "responses":
        con.execute(
            "insert into attribute_counts select import_id, e.key, e.value, count(*) from "  # noqa: S608
            f"(select import_id, unnest(map_entries(attributes)) as e from responses "
            f"where ({where}) and attributes is not null) where e.value is not null group by all",
            params)


def add_import(con, import_id: int, ordered: bool = False) -> None:
    """Add the cells and values of one import's rows (call after inserting them, in the same
    transaction); ``ordered`` for a big load like the demo's (cells written in day order)."""
    params = {"id": int(import_id)}
    _insert_cells(con, "import_id = $id", params, ordered=ordered)
    for kind in ("responses", "interactions"):
        _insert_values(con, "import_id = $id", params, kind)


def remove_import(con, import_id: int) -> None:
    """Remove everything one import contributed (same transaction as deleting its rows)."""
    for table in (*CUBE_TABLES, "filter_values", "attribute_counts"):
        con.execute(f"delete from {table} where import_id = $id", {"id": int(import_id)})  # noqa: S608


def rebuild(con) -> None:
    """Recompute every daily table from ``responses`` and ``interactions`` (schema upgrade)."""
    for table in (*CUBE_TABLES, "filter_values", "attribute_counts"):
        con.execute(f"delete from {table}")  # noqa: S608 - from code
    _insert_cells(con, "true", {}, ordered=True)
    for kind in ("responses", "interactions"):
        _insert_values(con, "true", {}, kind)
