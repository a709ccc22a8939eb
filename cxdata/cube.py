"""Daily counts: the additive counts behind every response KPI and pyramid level, per day and
dimension (and per month), kept exact by every import, undo and demo load.

Why it is exact. Every KPI here (NPS, CSAT, CES, the margins, the pyramid shares) is a function of
counts and sums over the filtered responses (``queries.KPI_COUNTS``, ``pyramid._LEVEL_SQL``). A
cell of a daily table holds those counts and sums for the responses of one import, one day and one
combination of dimension values, so summing the cells whose day and dimensions pass the filters
gives exactly the counts of the plain query over ``responses``. The tables (``CUBES``):

- ``kpi_monthly``       month, channel, segment, region, product (whole-month queries only)
- ``kpi_daily_core``    day, channel, segment, product
- ``kpi_daily_touch``   day, channel, segment, product, touchpoint, journey stage
- ``kpi_daily``         day, channel, segment, region, product
- ``kpi_daily_detail``  day and every dimension

A query reads the first of them holding every column it filters or groups on at the time
resolution it needs; an attribute filter or an ``attr:`` breakdown is in none, so such queries read
``responses`` (``pick`` says which).

``filter_values`` and ``attribute_counts`` hold, per import, the distinct values of each filter
field and of each imported attribute, so the sidebar needs no scan of the big tables.

``responses_sample`` (``SAMPLE_TABLE``) holds a fixed sample of the responses: those whose
``hash(response_id)`` is a multiple of ``SAMPLE_EVERY``, whatever import or file they came in, so
the same rows are in it after any history of imports and undos; ``part`` (0 to ``SAMPLE_PARTS``
- 1, the hash's next bits) splits it into equal, independent parts, so the rows of the first k
parts are a sample of 1 in ``SAMPLE_EVERY * SAMPLE_PARTS / k``. The key drivers read it when the
filters keep many rows (``cxdata/insight/driver_cells.py``).

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
from datetime import date, timedelta

from . import catalog
from .filters import FILTER_COLUMNS, Filters
from .schema import CELL_COLUMNS

# The count tables and the response columns of their filter fields (cxdata/catalog.py).
MONTHLY = catalog.MONTHLY
CUBES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (name, tuple(catalog.FILTER_COLUMNS[f]["responses"] for f in fields)) for name, fields in catalog.COUNT_TABLES)
CUBE_TABLES = tuple(name for name, _ in CUBES)

SAMPLE_TABLE, SAMPLE_EVERY, SAMPLE_PARTS = "responses_sample", 16, 16
SAMPLE_COLUMNS = ("import_id", f"cast(hash(response_id) // {SAMPLE_EVERY} % {SAMPLE_PARTS} as utinyint) as part",
                  "responded_at", "channel", "touchpoint", "journey_stage", "segment", "region",
                  "product", "nps", "csat", "ces", "needs_met", "enjoyment", "attributes")
PER_IMPORT = (*CUBE_TABLES, "filter_values", "attribute_counts", SAMPLE_TABLE)

_ANSWERED3 = "needs_met is not null and ces is not null and enjoyment is not null"
_P, _D, _S, _A = catalog.PROMOTER_MIN, catalog.DETRACTOR_MAX, catalog.SATISFIED_MIN, catalog.AGREE_MIN
_LOW = {d: f"ces between {lo} and {hi}" for d, (lo, hi) in catalog.LOW_EFFORT.items()}


def _pyramid3(direction: str) -> dict[str, str]:
    """The 3-level pyramid's cells for one CES direction (``e``ffort, ea``s``e): meets needs, then
    easy (low effort), then enjoyable."""
    d, low = ("e" if direction == "effort" else "s"), _LOW[direction]
    met = f"{_ANSWERED3} and needs_met >= {_A}"
    return {f"p3{d}_1": f"count(*) filter (where {met} and not ({low}))",
            f"p3{d}_2": f"count(*) filter (where {met} and {low} and enjoyment < {_A})",
            f"p3{d}_3": f"count(*) filter (where {met} and {low} and enjoyment >= {_A})"}


# cell column -> its SQL over the response rows of the cell. Counts are additive, so are sums.
CELL_SQL: dict[str, str] = {
    "nps_n": "count(nps)",
    "promoters": f"count(*) filter (where nps >= {_P})",
    "passives": f"count(*) filter (where nps between {_D + 1} and {_P - 1})",
    "detractors": f"count(*) filter (where nps <= {_D})",
    "csat_n": "count(csat)",
    "csat_sat": f"count(*) filter (where csat >= {_S})",
    "ces_n": "count(ces)",
    "ces_sum": "coalesce(sum(ces), 0)",
    "ces_sumsq": "coalesce(sum(ces * ces), 0)",
    "ces_12": f"count(*) filter (where {_LOW['effort']})",
    "ces_67": f"count(*) filter (where {_LOW['ease']})",
    "p3_0": f"count(*) filter (where {_ANSWERED3} and needs_met < {_A})",
    **_pyramid3("effort"),
    **_pyramid3("ease"),
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


def whole_months(filters: Filters, grain: str | None = None, split_at: date | None = None) -> bool:
    """True when the monthly table can answer: the dates (if any) are whole months, the query
    groups by month or quarter or not by time (``grain``), and any date it splits at (the start of
    the current period in a comparison) is the first of a month."""
    if grain not in (None, "month", "quarter"):
        return False
    if filters.date_from and filters.date_from.day != 1:
        return False
    if filters.date_to and (filters.date_to + timedelta(days=1)).day != 1:
        return False
    return split_at is None or split_at.day == 1


def pick(filters: Filters, columns: Iterable[str | None] = (), grain: str | None = None,
         split_at: date | None = None) -> str | None:
    """The smallest count table that holds every filter of ``filters`` and every column in
    ``columns`` (response column names; None stands for something no table holds, like an
    attribute) at the time resolution the query needs (``grain`` it groups by, ``split_at`` it
    compares at), or None when only ``responses`` can answer."""
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
    monthly_ok = whole_months(filters, grain, split_at)
    for name, dims in CUBES:
        if name == MONTHLY and not monthly_ok:
            continue
        if needed <= set(dims):
            return name
    return None


def cell_selects(where: str, ordered: bool = False) -> list[tuple[str, str]]:
    """(count table, select of its cells) for the responses matching ``where`` (a condition on
    ``import_id``, which the detail table has too): the detail table's from the rows first, then
    the smaller tables' by summing those detail cells (half the work of a second pass over the
    rows). ``ordered`` writes them in day order (a whole-table build: zone maps then skip what a
    date range leaves out)."""
    cells = ", ".join(f"{sql} as {col}" for col, sql in CELL_SQL.items())
    (detail, detail_dims), *smaller = reversed(CUBES)
    selects = [(detail, f"select import_id, cast(responded_at as date) as day, "  # noqa: S608 - from code
                        f"{', '.join(detail_dims)}, {cells} from responses where {where} group by all"
                        f"{' order by day' if ordered else ''}")]
    sums = ", ".join(f"sum({c}) as {c}" for c in CELL_SQL)
    for name, dims in smaller:
        when, key = ("cast(date_trunc('month', day) as date)", "month") if name == MONTHLY else ("day", "day")
        selects.append((name, f"select import_id, {when} as {key}, {', '.join(dims)}, {sums} "  # noqa: S608
                              f"from {detail} where {where} group by all{' order by ' + key if ordered else ''}"))
    return selects


def _insert_cells(con, where: str, params: dict, ordered: bool) -> None:
    for table, select in cell_selects(where, ordered):
        con.execute(f"insert into {table} {select}", params)  # noqa: S608 - from code


def value_selects(where: str, kind: str) -> list[tuple[str, str]]:
    """(table, select): the distinct filter values of the ``kind`` rows (responses or
    interactions) matching ``where``, and for responses the counts of their attributes."""
    selects = " union ".join(
        f"select import_id, '{field}' as field, {cols[kind]} as value from {kind} "  # noqa: S608 - from code
        f"where ({where}) and {cols[kind]} is not null"
        for field, cols in FILTER_COLUMNS.items() if kind in cols
    )
    out = [("filter_values", f"select distinct * from ({selects})")]  # noqa: S608 - from code
    if kind == "responses":
        out.append(("attribute_counts",
                    "select import_id, e.key, e.value, count(*) as n from "  # noqa: S608 - from code
                    f"(select import_id, unnest(map_entries(attributes)) as e from responses "
                    f"where ({where}) and attributes is not null) where e.value is not null group by all"))
    return out


def _insert_values(con, where: str, params: dict, kind: str) -> None:
    for table, select in value_selects(where, kind):
        con.execute(f"insert into {table} {select}", params)  # noqa: S608 - from code


def sample_select(where: str) -> str:
    """The select of the sampled responses matching ``where`` (a condition on ``import_id``), by
    part, then in time order (zone maps then skip the parts a pass does not read)."""
    return (f"select {', '.join(SAMPLE_COLUMNS)} from responses where ({where}) "  # noqa: S608 - from code
            f"and hash(response_id) % {SAMPLE_EVERY} = 0 order by part, responded_at")


def rebuild_sample(con) -> None:
    """Recompute the sample from ``responses`` (a schema upgrade to v9)."""
    con.execute(f"delete from {SAMPLE_TABLE}")  # noqa: S608 - from code
    con.execute(f"insert into {SAMPLE_TABLE} {sample_select('true')}")  # noqa: S608 - from code


def add_import(con, import_id: int, ordered: bool = False,
               kinds: tuple[str, ...] = ("responses", "interactions")) -> None:
    """Add the cells and values of one import's rows (call after inserting them, in the same
    transaction); ``ordered`` for a big load like the demo's (cells written in day order).
    ``kinds``: the tables whose rows were inserted (the demo's first start stores its responses
    and its journey events in two transactions)."""
    params = {"id": int(import_id)}
    for kind in kinds:
        if kind == "responses":
            _insert_cells(con, "import_id = $id", params, ordered=ordered)
        _insert_values(con, "import_id = $id", params, kind)
    if "responses" in kinds:
        con.execute(f"insert into {SAMPLE_TABLE} {sample_select('import_id = $id')}", params)  # noqa: S608


def remove_import(con, import_id: int) -> None:
    """Remove everything one import contributed (same transaction as deleting its rows)."""
    for table in PER_IMPORT:
        con.execute(f"delete from {table} where import_id = $id", {"id": int(import_id)})  # noqa: S608


def rebuild(con) -> None:
    """Recompute every daily table (and the sample) from ``responses`` and ``interactions``."""
    for table in (*CUBE_TABLES, "filter_values", "attribute_counts"):
        con.execute(f"delete from {table}")  # noqa: S608 - from code
    _insert_cells(con, "true", {}, ordered=True)
    for kind in ("responses", "interactions"):
        _insert_values(con, "true", {}, kind)
    rebuild_sample(con)
