"""Files as earlier schema versions left them, for the upgrade tests."""

from __future__ import annotations


def journeys_as_before_v4(con, version: int) -> None:
    """Turn ``journey_starts`` back into its v2/v3 shape (step times in one list, no
    ``prev_anchor``) and mark the file as schema ``version`` (2 or 3): the next ``connect``
    upgrades it."""
    con.execute("create table old as select customer_id, channel, segment, region, product, anchor, "
                "[anchor, t_2, t_3, t_4, t_5] as reached from journey_starts")
    con.execute("drop table journey_starts")
    con.execute("alter table old rename to journey_starts")
    con.execute("update schema_meta set value = $v where key = 'schema_version'", {"v": str(version)})
