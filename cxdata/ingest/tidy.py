"""Category values of an existing database made canonical, the way imports now store them.

Before imports canonicalised category values, "Telefono", "Phone" and "phone" (or "Privati" and
"consumer") could land as separate channels and segments. ``proposals`` lists, per field, each
stored value that the synonyms (English and Italian) or a case/punctuation variant would merge,
with its rows; ``apply`` rewrites them in one transaction and rebuilds the derived tables. Nothing
changes unless asked (``python -m cxdata tidy --apply``): a merge changes figures, so it is shown
first.
"""

from __future__ import annotations

from .. import upkeep
from ..settings import transaction
from .scales import norm_text
from .synonyms import VALUES

# field -> (table, column) pairs where it is stored; identifiers from code only
COLUMNS = {
    "channel": (("responses", "channel"), ("interactions", "channel")),
    "segment": (("responses", "segment"), ("interactions", "segment")),
    "region": (("responses", "region"), ("interactions", "region")),
    "product": (("responses", "product"), ("interactions", "product")),
    "touchpoint": (("responses", "touchpoint"), ("interactions", "touchpoint")),
    "stage": (("responses", "journey_stage"), ("interactions", "stage")),
}
_SYNONYMS = {"stage": "stage"}  # the synonyms of responses' journey_stage are those of stage


def _counts(con, field: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for table, column in COLUMNS[field]:
        for value, n in con.execute(f"select {column}, count(*) from {table} where {column} is not null "  # noqa: S608
                                    "group by all").fetchall():
            out[value] = out.get(value, 0) + int(n)
    return out


def proposals(con) -> list[dict]:
    """[{field, value, stored, rows}]: the merges ``apply`` would make, most rows first."""
    out = []
    for field in COLUMNS:
        counts = _counts(con, field)
        table = VALUES.get(_SYNONYMS.get(field, field), {})
        groups: dict[str, list[str]] = {}
        for value in sorted(counts, key=lambda v: (-counts[v], v)):
            groups.setdefault(table.get(norm_text(value)) or norm_text(value) or value.casefold(), []).append(value)
        for key, variants in groups.items():
            target = key if key in table.values() else variants[0]
            out += [{"field": field, "value": v, "stored": target, "rows": counts[v]}
                    for v in variants if v != target]
    return sorted(out, key=lambda p: (p["field"], -p["rows"], p["value"]))


def apply(con, merges: list[dict]) -> int:
    """Rewrite the values of ``merges`` (from ``proposals``) in one transaction; rows changed."""
    if not merges:
        return 0
    changed = 0
    with transaction(con):
        for field, pairs in COLUMNS.items():
            mine = {m["value"]: m["stored"] for m in merges if m["field"] == field}
            if not mine:
                continue
            params = {"old": list(mine), "new": list(mine.values())}
            for table, column in pairs:
                for target in (table, f"{table}_held"):
                    n = con.execute(f"update {target} set {column} = map_extract_value(map($old, $new), {column}) "  # noqa: S608
                                    f"where list_contains($old, {column})", params).fetchone()[0]
                    changed += n if target == table else 0
        upkeep.rebuild_all(con)
    return changed
