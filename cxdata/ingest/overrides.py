"""The caller's overrides applied to the automatic mapping: columns mapped or unmapped by name or
question text, the options split off and checked, constants (``set:FIELD``) in place of columns,
and a score column refused for its scale taken once the caller states the scale."""

from __future__ import annotations

import pandas as pd

from .automap import AutoMap, auto_map
from .fields import FIELDS
from .model import IngestError
from .options import Options, is_option_key, parse_options

_TOLD = "as the import was told"


def resolve(kind: str, columns: list[str], labels: dict[str, str], frame: pd.DataFrame,
            overrides: dict[str, str | None] | None, file_name: str
            ) -> tuple[dict[str, str], Options, list[str]]:
    """(mapping, options, notes): the automatic mapping with the caller's overrides applied.
    ``options.how`` and ``options.not_mapped`` explain it."""
    auto = auto_map(kind, columns, labels, frame)
    options: dict[str, str] = {}
    explicit: set[str] = set()
    for key, col in (overrides or {}).items():
        if key not in FIELDS[kind]:
            if not is_option_key(key):
                raise IngestError(f"{file_name}: {key!r} is not a field of {kind}; fields are "
                                  f"{', '.join(FIELDS[kind])}.")
            options[key] = "" if col is None else str(col)
        elif col in (None, ""):
            _unmap(auto, key)
            options[key] = ""
        else:
            _map(auto, key, _source_column(col, key, columns, labels, file_name))
            explicit.add(key)
    parse_options(kind, columns, options, file_name)
    _take_stated_scales(auto, options, explicit)
    _apply_constants(auto, options, explicit, file_name)
    mapping, how = auto.mapping, auto.how
    for f in FIELDS[kind]:
        if f in mapping and f not in how:
            how[f] = _TOLD
    ordered = {f: mapping[f] for f in FIELDS[kind] if f in mapping}
    how = {f: how[f] for f in FIELDS[kind] if f in how}
    return ordered, Options(options, how=how, not_mapped=auto.not_mapped), auto.notes


def _unmap(auto: AutoMap, key: str) -> None:
    if key in auto.mapping:
        auto.how.pop(key, None)
        auto.not_mapped[key] = f"column '{auto.mapping.pop(key)}' left out as the import was told"


def _source_column(col: str, key: str, columns: list[str], labels: dict[str, str],
                   file_name: str) -> str:
    """The column named ``col``, or else the first whose question text is ``col``."""
    if col in columns:
        return col
    by_label = [c for c in columns if labels.get(c) == col]
    if not by_label:
        raise IngestError(f"{file_name}: column {col!r} (mapped to {key}) is not in the "
                          f"file; its columns are: {', '.join(columns)}.")
    return by_label[0]


def _map(auto: AutoMap, key: str, col: str) -> None:
    mapping, how = auto.mapping, auto.how
    for f, c in list(mapping.items()):
        if c == col and f != key:
            del mapping[f]  # a column feeds one field: the caller's choice wins
            how.pop(f, None)
    mapping[key] = col
    runners = how.get(key, "").partition("; runner-ups: ")[2]
    how[key] = _TOLD + (f"; runner-ups: {runners}" if runners else "")
    auto.not_mapped.pop(key, None)


def _take_stated_scales(auto: AutoMap, options: dict[str, str], explicit: set[str]) -> None:
    """A score column refused for its scale is taken when the caller states the scale."""
    mapping = auto.mapping
    for f, (col, why) in auto.scale_refused.items():
        if f"{f}.scale" in options and f not in mapping and f not in explicit \
                and col not in mapping.values() and options.get(f) != "":
            mapping[f] = col
            auto.how[f] = f"{why}; on the {options[f'{f}.scale']} scale the import was told"
            auto.not_mapped.pop(f, None)


def _apply_constants(auto: AutoMap, options: dict[str, str], explicit: set[str],
                     file_name: str) -> None:
    """A ``set:FIELD`` constant replaces a guessed column; beside a mapped one it is an error."""
    mapping, how = auto.mapping, auto.how
    for key, value in options.items():
        if not key.startswith("set:"):
            continue
        fld = key[4:]
        if fld in explicit:
            raise IngestError(f"{file_name}: {fld} is both mapped to column {mapping[fld]!r} and "
                              f"set to {value!r} for every row: choose one.")
        if fld in mapping:
            how[fld] = f"every row set to '{value}' (column '{mapping.pop(fld)}' not used)"
        else:
            how[fld] = f"every row set to '{value}'"
        auto.not_mapped.pop(fld, None)
