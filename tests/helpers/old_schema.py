"""Files as earlier schema versions left them, for the upgrade tests."""

from __future__ import annotations


def before_v7(con) -> None:
    """Put the journey tables back in the order schema v6 left them: starts by first-or-not and
    anchor (channels mixed), events by time (channels mixed)."""
    for table, order in (("journey_starts", "prev_anchor is not null, anchor"), ("journey_events", "occurred_at")):
        con.execute(f"create temp table old_rows as select * from {table} order by {order}")
        con.execute(f"delete from {table}")
        con.execute(f"insert into {table} select * from old_rows")
        con.execute("drop table old_rows")


def before_v6(con) -> None:
    """Remove what schema v6 (and v7) added: ``journey_first_reach``."""
    before_v7(con)
    con.execute("drop table if exists journey_first_reach")


def before_v5(con) -> None:
    """Remove what schema v5 (and v6) added: the key tables, ``journey_events`` and
    ``journey_starts.ckey``."""
    before_v6(con)
    for table in ("customer_keys", "channel_keys", "journey_events"):
        con.execute(f"drop table if exists {table}")
    if con.execute("select count(*) from information_schema.columns "
                   "where table_name = 'journey_starts' and column_name = 'ckey'").fetchone()[0]:
        con.execute("alter table journey_starts drop column ckey")


def as_version(con, version: int) -> None:
    con.execute("update schema_meta set value = $v where key = 'schema_version'", {"v": str(version)})


def journeys_as_before_v4(con, version: int) -> None:
    """Turn ``journey_starts`` back into its v2/v3 shape (step times in one list, no
    ``prev_anchor``) and mark the file as schema ``version`` (2 or 3): the next ``connect``
    upgrades it."""
    before_v5(con)
    con.execute("create table old as select customer_id, channel, segment, region, product, anchor, "
                "[anchor, t_2, t_3, t_4, t_5] as reached from journey_starts")
    con.execute("drop table journey_starts")
    con.execute("alter table old rename to journey_starts")
    as_version(con, version)


def reopened(con, path):
    """Close the old-version file and open it again, as the next run of the program would: the
    connection is upgraded to the current schema."""
    from cxdata import db, schema

    con.close()
    con = db.connect(path)
    assert db.schema_version(con) == schema.SCHEMA_VERSION
    return con


def before_v8(con) -> None:
    """Remove what schema v8 added: the source and key columns of ``imports`` and the held rows."""
    for col in ("source", "row_key", "header_signature", "duplicates_in_source", "duplicates_in_file"):
        con.execute(f"alter table imports drop column if exists {col}")
    for table in ("responses_held", "interactions_held"):
        con.execute(f"drop table if exists {table}")
    as_version(con, 7)
