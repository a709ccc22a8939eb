"""What every command of the command line shares: exit codes, argument types, JSON output, the
database connection under its memory cap."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from datetime import date

from .. import db
from ..filters import EARLIEST, LATEST

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUSY = 0, 1, 2, 3


def _date(value: str) -> date:
    """A YYYY-MM-DD date, clamped (with a notice on stderr) to the dates the period arithmetic
    holds (``filters.EARLIEST``..``LATEST``): 9999-12-31 would overflow the day after the end."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    clamped = min(max(day, EARLIEST), LATEST)
    if clamped != day:
        print(f"Note: {value} is outside the dates the dashboard handles ({EARLIEST} to {LATEST}): "
              f"{clamped} was used.", file=sys.stderr)
    return clamped


def _mapping(value: str) -> tuple[str, str]:
    field, sep, column = value.partition("=")
    if not sep or not field:
        raise argparse.ArgumentTypeError(f"--map takes FIELD=COLUMN (FIELD= to unmap a guess), got {value!r}")
    return field.strip(), column or None


def _set(value: str) -> tuple[str, str]:
    field, sep, constant = value.partition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"--set takes FIELD=VALUE, got {value!r}")
    return f"set:{field.strip()}", constant


def _map_value(value: str) -> tuple[str, str]:
    field, sep, rest = value.partition(":")
    label, eq, meaning = rest.rpartition("=")
    if not sep or not eq or not field.strip() or not label:
        raise argparse.ArgumentTypeError(f"--map-value takes FIELD:LABEL=VALUE (e.g. "
                                         f"'csat:Very satisfied=5' or 'channel:Telefono=phone'), got {value!r}")
    return f"{field.strip()}.value:{label}", meaning


def _clean(obj):
    """JSON-safe: NaN -> null, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):
        obj = obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def _print_json(obj) -> None:
    print(json.dumps(_clean(obj), default=str, ensure_ascii=False))


def _date_format(value: str) -> str:
    """``dayfirst``, ``monthfirst`` or a strptime format with at least one valid directive."""
    if value in ("dayfirst", "monthfirst"):
        return value
    if "%" not in value:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date format: use dayfirst, monthfirst or a strptime format such as %d/%m/%Y")
    try:
        time.strptime(time.strftime(value, time.localtime(86_400 * 400)), value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date format ({exc}); e.g. %d/%m/%Y") from None
    return value


def _memory_limit(value: str) -> str:
    if not db.MEMORY_LIMIT.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a size like 1GB or 512MB")
    return value


class _BadSetting(Exception):
    pass


def _connect(args):
    """The command's database, under ``_memory_limit_of(args)``."""
    return db.connect(args.db, memory_limit=_memory_limit_of(args),
                      on_upgrade=lambda old, new: _say_upgrade(args.db, old, new))


def _memory_limit_of(args) -> str | None:
    """``--memory-limit``, else ``$CX_MEMORY_LIMIT``, else a quarter of the machine's memory
    (``db.default_memory_limit``: under DuckDB's own 80% the 10M/50M demo was killed by the kernel)."""
    if args.memory_limit is not None:
        return args.memory_limit
    limit = os.environ.get("CX_MEMORY_LIMIT", "").strip()
    if limit and not db.MEMORY_LIMIT.match(limit):
        raise _BadSetting(f"CX_MEMORY_LIMIT={limit!r} is not a size like 1GB or 512MB.")
    return limit or db.default_memory_limit()


def _say_upgrade(path, old: int, new: int) -> None:
    """One line on stderr before a long silence: an older file is upgraded on first open."""
    print(f"Upgrading {path or db.default_db_path()} from schema v{old} to v{new}, once (a file of "
          "tens of millions of rows takes a minute or more)…", file=sys.stderr, flush=True)


def _attr(value: str) -> tuple[str, str]:
    key, sep, val = value.partition(":")
    if not sep or not key or not val:
        raise argparse.ArgumentTypeError(f"expected KEY:VALUE (an imported attribute), got {value!r}")
    return key, val


def add_filter_options(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Every filter a link takes, as options: --from/--to, the repeatable --channel, --segment,
    --region, --product, --touchpoint, --stage, and --attr KEY:VALUE (``filters_from_args``)."""
    from ..filters import LIST_FIELDS

    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="last day, inclusive")
    for field in LIST_FIELDS:
        p.add_argument(f"--{field}", action="append", default=[], metavar="VALUE",
                       help=f"keep this {field} (repeatable: any of them)")
    p.add_argument("--attr", action="append", default=[], type=_attr, metavar="KEY:VALUE",
                   help="keep rows whose imported attribute KEY is VALUE (repeatable)")
    return p


def filters_from_args(args):
    """The ``Filters`` of the options ``add_filter_options`` added (values as typed: see
    ``unknown_filter_values`` for a notice on values the data does not hold)."""
    from ..filters import LIST_FIELDS, Filters

    attrs: dict[str, list[str]] = {}
    for key, val in getattr(args, "attr", []) or []:
        attrs.setdefault(key, []).append(val)
    return Filters().replace(
        date_from=getattr(args, "date_from", None), date_to=getattr(args, "date_to", None),
        attrs=tuple((k, tuple(sorted(set(v)))) for k, v in sorted(attrs.items())),
        **{f: getattr(args, f, []) or [] for f in LIST_FIELDS})
