"""A database's state as plain sorted rows, independent of import ids and internal keys, so that
two databases built by different histories can be compared table by table (issue 16: an undo must
leave what importing the surviving imports alone would have)."""

from __future__ import annotations

from cxdata.cube import CUBE_TABLES

# every import is named by its file name in these comparisons (tests give each content its own name)
_OWNER = "(select file_name from imports i where i.import_id = t.import_id) as owner"


def _rows(con, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def canonical(con) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    for table in ("responses", "interactions", "responses_held", "interactions_held"):
        out[table] = _rows(con, f"select * exclude (import_id, attributes), "
                                f"cast(attributes as varchar), {_OWNER} from {table} t")
    for table in (*CUBE_TABLES, "filter_values", "attribute_counts"):
        out[table] = _rows(con, f"select * exclude (import_id), {_OWNER} from {table} t")
    out["journey_starts"] = _rows(con, "select * exclude (ckey) from journey_starts")
    out["journey_events"] = _rows(con, "select k.customer_id, c.channel, e.k, e.occurred_at from journey_events e "
                                       "join customer_keys k using (ckey) join channel_keys c using (ch)")
    out["journey_first_reach"] = _rows(con, "select channel, segment, region, product, step, days, sum(customers) "
                                            "from journey_first_reach group by all having sum(customers) <> 0")
    out["imports"] = _rows(con, "select file_name, kind, source, row_key, rows_read, loaded, duplicates, "
                                "duplicates_in_source, duplicates_in_file, rejected from imports "
                                "where status = 'done'")
    return out


def assert_same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], f"{table} differs"
