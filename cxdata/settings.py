"""Small facts stored in the database: data-set settings, the funnel's stage order and the data
version every write bumps. A leaf module (it imports only ``i18n``, itself a leaf), so that the modules that keep
the derived tables can read the stage order without importing ``db``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from . import i18n
from .catalog import CES_DIRECTIONS
from .i18n import _
from .schema import DEFAULT_SETTINGS


def get_setting(con, key: str) -> str | None:
    row = con.execute("select value from settings where key = $k", {"k": key}).fetchone()
    return row[0] if row else DEFAULT_SETTINGS.get(key)


# An optional target per KPI (``cxdata/insight/alerts.py`` fires an alert when a figure is worse),
# in the KPI's units: NPS -100..100, CSAT % satisfied 0..100, CES mean 1..7 in the data set's direction.
TARGETS = {"target_nps": (-100.0, 100.0), "target_csat": (0.0, 100.0), "target_ces": (1.0, 7.0)}
CLEAR = ("", "none", "off")  # a target set to one of these is removed


def set_setting(con, key: str, value: str) -> None:
    if key == "ces_direction" and value not in CES_DIRECTIONS:
        raise ValueError(_("ces_direction is 'effort' (1 = least effort) or 'ease' (7 = easiest)"))
    if key in TARGETS:
        if value.strip().lower() in CLEAR:
            con.execute("delete from settings where key = $k", {"k": key})
            return
        value = _target_value(key, value)
    con.execute("insert or replace into settings values ($k, $v)", {"k": key, "v": value})


def _target_value(key: str, value: str) -> str:
    """The target as stored (``repr`` of the float); a decimal comma is read as a point (72,5)."""
    lo, hi = TARGETS[key]
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        number = float("nan")
    if not lo <= number <= hi:  # NaN fails too
        raise ValueError(_("{key} is a number from {low} to {high} (or 'none' to remove it), not {value}").format(
            key=key, low=number_words(lo), high=number_words(hi), value=repr(value)))
    return repr(number)


def number_words(value: float) -> str:
    """A setting's number as short as it is (30, 72.5, -100) in the current language (72,5)."""
    text = f"{value:g}"
    return i18n.number(value, len(text.split(".")[1]) if "." in text else 0)


def get_target(con, kpi: str) -> float | None:
    """The target set for ``kpi`` (nps, csat, ces), or None."""
    value = get_setting(con, f"target_{kpi}")
    return None if value is None else float(value)


def stages(con) -> list[str]:
    """Journey stages in funnel order (the order is data: table ``stages``)."""
    return [r[0] for r in con.execute("select stage from stages order by position").fetchall()]


def data_version(con) -> int:
    """A counter every import, undo and demo load bumps: cache keys include it."""
    row = con.execute("select value from schema_meta where key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def bump_data_version(con) -> None:
    con.execute(
        "update schema_meta set value = cast(cast(value as bigint) + 1 as varchar) "
        "where key = 'data_version'"
    )


@contextlib.contextmanager
def transaction(con) -> Iterator[None]:
    """One transaction around the block: committed at its end, rolled back on any error."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


EDITABLE = ("ces_direction", *TARGETS)  # what the Settings page may change


def update(con, values: dict[str, str | None]) -> list[str]:
    """Set several settings at once, every value checked first (``set_setting``), in one
    transaction that also bumps the data version (the pages' caches key on it); None or "" removes
    a target. Returns the keys whose value changed; raises ValueError naming the first bad value,
    having written nothing."""
    unknown = [k for k in values if k not in EDITABLE]
    if unknown:
        raise ValueError(_("not a setting this can change: {keys}").format(keys=", ".join(unknown)))
    before = {k: get_setting(con, k) for k in values}
    with transaction(con):
        for key, value in values.items():
            set_setting(con, key, "" if value is None else str(value))
        after = {k: get_setting(con, k) for k in values}
        if after != before:
            bump_data_version(con)
    return [k for k in values if after[k] != before[k]]
