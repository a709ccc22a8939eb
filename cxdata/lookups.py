"""What the sidebar, the download buttons and the Upload page look up besides KPIs: the values
each filter field and imported attribute takes (from the per-import tables, not the rows), the
dates the data spans, the rows behind a download."""

from __future__ import annotations

import pandas as pd

from . import catalog
from .filters import FILTER_COLUMNS, Filters
from .ingest.columns import personal_reason


def filter_values(con) -> dict[str, list[str]]:
    """Every value each filter field takes in responses or interactions (for the filter widgets),
    from the per-import table ``filter_values`` (``cube.py``), not a scan of the rows."""
    out: dict[str, list[str]] = {f: [] for f in FILTER_COLUMNS}
    for field, value in con.execute("select distinct field, value from filter_values order by all").fetchall():
        if field in out:
            out[field].append(value)
    return out


def attribute_values(con, max_keys: int = 12, max_values: int = 500) -> dict[str, list[str]]:
    """Imported attribute keys, most answered first, with their values (from the per-import table
    ``attribute_counts``). Keys with more than ``max_values`` distinct values (free text, ids) are
    left out: nobody filters on them; so are personal data and respondent metadata."""
    rows = con.execute("select key as k, value as v, sum(n) as n from attribute_counts group by all").df()
    if rows.empty:
        return {}
    ranked = rows.groupby("k")["n"].sum().sort_values(ascending=False, kind="stable")
    out = {}
    for k in ranked.index:
        if personal_reason(k):  # e-mail, names, IP... stored by an older import: never a filter
            continue
        values = sorted(rows.loc[rows["k"] == k, "v"])
        if len(values) <= max_values:
            out[k] = values
        if len(out) == max_keys:
            break
    return out


def attribute_keys(con, limit: int = 200) -> list[str]:
    """Keys of imported attributes (columns kept from source files), most common first."""
    sql = """
        select k, count(*) n from (select unnest(map_keys(attributes)) k from responses
                                    where attributes is not null)
        group by k order by n desc, k limit $limit
    """
    return [r[0] for r in con.execute(sql, {"limit": limit}).fetchall()]


def date_bounds(con, table: str = "responses"):
    """(min, max) timestamps in ``table``; (None, None) when it is empty."""
    col = catalog.TIME_COLUMN[table]
    bounds = con.execute(f"select min({col}), max({col}) from {table}").fetchone()  # noqa: S608
    if bounds[0] is None and table == "responses":
        from .engine.attach import served_date_bounds, served_from

        if served_from(con) is not None:  # a served database: its count tables know the dates
            return served_date_bounds(con)
    return bounds


def import_date_range(con, kind: str, import_id: int):
    """(first, last) date of the rows one import loaded, for a link that shows them; (None, None)
    when it loaded none."""
    if kind not in catalog.KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    col = catalog.TIME_COLUMN[kind]
    lo, hi = con.execute(f"select min({col}), max({col}) from {kind} where import_id = $id",  # noqa: S608
                         {"id": int(import_id)}).fetchall()[0]
    return (lo.date() if lo else None, hi.date() if hi else None)


def response_rows(con, filters: Filters, limit: int = 100_000) -> pd.DataFrame:
    """The filtered responses themselves (for a download), newest first."""
    where, params = filters.where_sql("responses")
    sql = (f"select * exclude (attributes), cast(attributes as varchar) as attributes "  # noqa: S608
           f"from responses where {where} order by responded_at desc limit $limit")
    return con.execute(sql, params | {"limit": limit}).df()
