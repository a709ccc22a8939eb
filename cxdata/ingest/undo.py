"""Undoing an import, as if it had never happened: its rows go, except those another live import
of its source delivered too, which that import takes over with its own values; the derived tables
are refreshed in the same transaction."""

from __future__ import annotations

from datetime import datetime

from .. import i18n, upkeep
from ..i18n import _
from .fields import ID_FIELD
from .import_tables import HELD_TABLES, PROMOTE, TABLES, rollback, source_imports
from .model import IngestError


def undo_in_transaction(con, import_id: int, note: str = "") -> int:
    """Undo one import inside the caller's transaction; the rows removed. Its rows that other live
    imports of its source delivered too stay, owned by the earliest of them, with its values."""
    row = con.execute("select kind, status, source from imports where import_id = $id",
                      {"id": import_id}).fetchone()
    if row is None:
        raise IngestError(_("there is no import {id}; list them with `python -m cxdata imports`.").format(id=import_id))
    kind, status, source = row
    if status == "undone":
        raise IngestError(_("import {id} is already undone.").format(id=import_id))
    if status != "done":
        raise IngestError(_("import {id} is {status}, not done: there is nothing to undo.").format(
            id=import_id, status=status))
    table, held, id_field = TABLES[kind], HELD_TABLES[kind], ID_FIELD[kind]
    params = {"id": int(import_id), "others": source_imports(con, source, but=import_id)}
    con.execute(f"delete from {held} where import_id = $id", {"id": int(import_id)})  # noqa: S608
    con.execute(f"""
        create or replace temp table {PROMOTE} as
        select h.* from {held} h
        where list_contains($others, h.import_id)
          and h.{id_field} in (select {id_field} from {table} where import_id = $id)
        qualify row_number() over (partition by h.{id_field} order by h.import_id) = 1
    """, params)  # noqa: S608 - identifiers from allowlists
    upkeep.mark_customers(con, kind, [import_id], f"select customer_id from {PROMOTE}")  # noqa: S608
    removed = con.execute(f"delete from {table} where import_id = $id",  # noqa: S608 - allowlist
                          {"id": int(import_id)}).fetchone()[0]
    con.execute(f"insert into {table} select * from {PROMOTE}")  # noqa: S608 - allowlist
    con.execute(f"delete from {held} h where exists (select 1 from {PROMOTE} p "  # noqa: S608
                f"where p.import_id = h.import_id and p.{id_field} = h.{id_field})")
    gained = dict(con.execute(f"select import_id, count(*) from {PROMOTE} group by all").fetchall())  # noqa: S608
    for other, n in gained.items():
        con.execute("update imports set loaded = loaded + $n, duplicates = duplicates - $n, "
                    "duplicates_in_source = duplicates_in_source - $n, "
                    "message = coalesce(message || chr(10), '') || $note where import_id = $other",
                    {"n": n, "other": other,
                     "note": _("{n} rows taken over from import {id} when it was undone").format(n=n, id=import_id)})
    con.execute(f"drop table {PROMOTE}")  # noqa: S608 - constant
    upkeep.refresh(con, kind, removed=[import_id], changed=sorted(gained))
    con.execute("update imports set status = 'undone', message = coalesce(message || chr(10), '') "
                "|| $note where import_id = $id",
                {"id": import_id, "note": _("undone at {when}: {what}").format(
                    when=f"{datetime.now():%Y-%m-%d %H:%M:%S}", what=undo_sentence(int(removed), gained))
                 + (f" ({note})" if note else "")})
    return int(removed)


def undo_sentence(removed: int, gained: dict[int, int]) -> str:
    """What an undo did to the data, in one sentence: the import's rows that left the figures, and
    those that stayed because another import of the source delivered them too."""
    kept = sum(gained.values())
    if not kept:
        return _("its {n} rows removed").format(n=i18n.count(removed))
    others = ", ".join(_("import {id} ({n})").format(id=i, n=i18n.count(n)) for i, n in sorted(gained.items()))
    text = (_("{gone} of its {n} rows removed; the other {kept} stay, delivered by {others} too, now owned by it")
            if len(gained) == 1 else
            _("{gone} of its {n} rows removed; the other {kept} stay, delivered by {others} too, now owned by them"))
    return text.format(gone=i18n.count(removed - kept), n=i18n.count(removed), kept=i18n.count(kept), others=others)


def undo_import(con, import_id: int) -> int:
    """Undo one import in one transaction, as if it had never been imported: its rows go, except
    those another live import of its source delivered too (that import owns them now); it is marked
    'undone'. Returns the rows removed from the import's table (rows handed over count as removed
    from it)."""
    con.execute("begin transaction")
    try:
        removed = undo_in_transaction(con, import_id)
        con.execute("commit")
    except BaseException:
        rollback(con)
        raise
    finally:
        con.execute(f"drop table if exists {PROMOTE}")  # noqa: S608 - constant
    return removed
