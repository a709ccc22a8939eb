"""The one owner of the derived tables: after rows are written or removed, refresh these.

Every writer (an import, an undo, a replace, the demo load, a schema upgrade, a new stage order)
calls this module and nothing else to keep the derived tables exact, inside its own transaction:

- the count tables, ``filter_values``, ``attribute_counts`` and the drivers' sample of the
  responses (``cube``): per import, so an import's cells are added, removed, or (when rows change
  owner on an undo) recomputed;
- the journey tables (``journeys``): for the customers whose events changed;
- the data version (``settings``), which every cache key includes.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import cube, journeys
from .i18n import _
from .schema import MAX_STAGES
from .settings import bump_data_version, transaction

MARKED = "journey_customers"


def mark_customers(con, kind: str, import_ids: Iterable[int] = (), rows_sql: str | None = None,
                   params: dict | None = None) -> None:
    """Note (for events) the customers whose journeys are about to change: those of the rows of
    ``import_ids`` now, and of the rows selected by ``rows_sql`` (a query giving ``customer_id``).
    Call it while the rows are there (before deleting them, after inserting them); ``refresh``
    then recomputes just those customers."""
    if kind != "interactions":
        return
    con.execute(f"create temp table if not exists {MARKED} (customer_id varchar)")
    ids = [int(i) for i in import_ids]
    if ids:
        con.execute(f"insert into {MARKED} select distinct customer_id from interactions "  # noqa: S608 - constant
                    "where list_contains($ids, import_id)", {"ids": ids})
    if rows_sql:
        con.execute(f"insert into {MARKED} {rows_sql}", params or {})  # noqa: S608 - rows_sql from code


def refresh(con, kind: str, *, added: Iterable[int] = (), removed: Iterable[int] = (),
            changed: Iterable[int] = ()) -> None:
    """After rows were written: count cells of ``added`` imports are added, of ``removed`` ones
    dropped, of ``changed`` ones (rows gained or lost on an undo) recomputed; the journeys of the
    customers of ``added`` and of those marked before (``mark_customers``) are recomputed (events);
    the data version is bumped."""
    added, removed, changed = list(added), list(removed), list(changed)
    for import_id in (*removed, *changed):
        cube.remove_import(con, import_id)
    for import_id in (*added, *changed):
        cube.add_import(con, import_id)
    if kind == "interactions":
        mark_customers(con, kind, added)  # the customers of changed rows were marked by the caller
        con.execute(f"create or replace temp table {MARKED} as select distinct customer_id from {MARKED}")  # noqa: S608
        journeys.rebuild(con, marked=True)
        con.execute(f"drop table if exists {MARKED}")  # noqa: S608 - constant
    bump_data_version(con)


def rebuild_all(con, *, forget: Iterable[int] = (), ordered_import: int | None = None,
                kinds: tuple[str, ...] = ("responses", "interactions")) -> None:
    """Recompute every derived table from ``responses`` and ``interactions``, and bump the data
    version. A demo load names the imports whose rows it deleted (``forget``) and its own
    (``ordered_import``, whose cells are written in day order): the other imports' cells stand.
    A demo load in two transactions (the first start) gives the ``kinds`` it stored in each: its
    responses' counts first, then its journey events' values and the journey tables."""
    if ordered_import is not None:
        if "responses" in kinds:
            for import_id in forget:
                cube.remove_import(con, import_id)
        cube.add_import(con, ordered_import, ordered=True, kinds=kinds)
    else:
        cube.rebuild(con)
    if "interactions" in kinds:
        journeys.rebuild(con)
    bump_data_version(con)


def set_stages(con, ordered: list[str] | tuple[str, ...]) -> None:
    """Set the funnel order and recompute the journey tables for it (inside a transaction, both
    are one change)."""
    if len(ordered) > MAX_STAGES:
        raise ValueError(_("a funnel has at most {limit} stages; {n} were given").format(limit=MAX_STAGES, n=len(ordered)))
    con.execute("delete from stages")
    con.executemany("insert into stages values (?, ?)", [(s, i + 1) for i, s in enumerate(ordered)])
    journeys.rebuild(con)


def change_stages(con, names: list[str]) -> list[str]:
    """Set a new funnel order in its own transaction (the journeys recomputed for it, the data
    version bumped); ``ValueError`` for a stage given twice or empty, or too many stages."""
    names = [n.strip() for n in names]
    if not names or not all(names) or len(set(names)) != len(names):
        raise ValueError(_("give each stage once, in funnel order, e.g. awareness consideration purchase."))
    with transaction(con):
        set_stages(con, names)
        bump_data_version(con)
    return names


def after_upgrade(con, old_version: int) -> None:
    """Derive what a migration from ``old_version`` added from the rows already there."""
    if 0 < old_version < 2:  # journey starts appeared in v2
        journeys.rebuild(con)
    if 0 < old_version < 3:  # daily counts appeared in v3
        cube.rebuild(con)
    if old_version < 5:  # constant journey dimensions per customer and channel (v4), per customer (v5)
        journeys.note_constant_dimensions(con)
    if 3 <= old_version < 9:  # the drivers' sample appeared in v9 (cube.rebuild fills it below v3)
        cube.rebuild_sample(con)
