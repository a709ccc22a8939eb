"""Mappings saved by name (fields and options), for the next export of the same tool."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from ..i18n import _
from .fields import KINDS
from .model import IngestError

# A table of this package's own (not in schema.py), created on first use.
_SAVED_DDL = """
create table if not exists saved_mappings (
    name      varchar primary key,
    kind      varchar not null,
    mapping   varchar not null,
    saved_at  timestamp not null
)
"""


def save_mapping(con, name: str, mapping: dict[str, str | None], kind: str) -> None:
    """Store ``mapping`` (fields and options) under ``name``, replacing an older one."""
    if not name or not name.strip():
        raise IngestError(_("a saved mapping needs a name"))
    if kind not in KINDS:
        raise IngestError(_("kind is one of {kinds}").format(kinds=", ".join(KINDS)))
    con.execute(_SAVED_DDL)
    con.execute("insert or replace into saved_mappings values ($n, $k, $m, $t)",
                {"n": name.strip(), "k": kind, "m": json.dumps(mapping, sort_keys=True),
                 "t": datetime.now()})


def load_mapping(con, name: str) -> tuple[str, dict[str, str | None]]:
    """(kind, mapping) saved under ``name``; ``IngestError`` naming the saved ones if unknown."""
    con.execute(_SAVED_DDL)
    row = con.execute("select kind, mapping from saved_mappings where name = $n",
                      {"n": name.strip()}).fetchone()
    if row is None:
        known = [r[0] for r in con.execute("select name from saved_mappings order by name").fetchall()]
        raise IngestError(_("no saved mapping named {name}; saved: {saved}.").format(
            name=repr(name), saved=", ".join(known) or _("none")))
    return row[0], json.loads(row[1])


def list_mappings(con) -> pd.DataFrame:
    con.execute(_SAVED_DDL)
    return con.execute("select name, kind, mapping, saved_at from saved_mappings order by name").df()


def delete_mapping(con, name: str) -> None:
    con.execute(_SAVED_DDL)
    con.execute("delete from saved_mappings where name = $n", {"n": name})
