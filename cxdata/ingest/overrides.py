"""The caller's overrides applied to the automatic mapping: columns mapped or unmapped by name or
question text, the options split off and checked, constants (``set:FIELD``) in place of columns,
and a score column refused for its scale taken once the caller states the scale."""

from __future__ import annotations

import pandas as pd

from ..i18n import N_, _
from .automap import AutoMap, auto_map, runner_ups
from .fields import FIELDS
from .model import IngestError
from .options import Options, is_option_key, parse_options

_TOLD = N_("as the import was told")


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
                raise IngestError(_("{file}: {key} is not a field of {kind}; fields are {fields}.").format(
                    file=file_name, key=repr(key), kind=kind, fields=", ".join(FIELDS[kind])))
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
            how[f] = _(_TOLD)
    ordered = {f: mapping[f] for f in FIELDS[kind] if f in mapping}
    how = {f: how[f] for f in FIELDS[kind] if f in how}
    return ordered, Options(options, how=how, not_mapped=auto.not_mapped), auto.notes


def _unmap(auto: AutoMap, key: str) -> None:
    if key in auto.mapping:
        auto.how.pop(key, None)
        auto.not_mapped[key] = _("column '{column}' left out as the import was told").format(column=auto.mapping.pop(key))


def _source_column(col: str, key: str, columns: list[str], labels: dict[str, str],
                   file_name: str) -> str:
    """The column named ``col``, or else the first whose question text is ``col``."""
    if col in columns:
        return col
    by_label = [c for c in columns if labels.get(c) == col]
    if not by_label:
        raise IngestError(_("{file}: column {column} (mapped to {field}) is not in the file; its columns "
                            "are: {columns}.").format(file=file_name, column=repr(col), field=key,
                                                      columns=", ".join(columns)))
    return by_label[0]


def _map(auto: AutoMap, key: str, col: str) -> None:
    mapping, how = auto.mapping, auto.how
    for f, c in list(mapping.items()):
        if c == col and f != key:
            del mapping[f]  # a column feeds one field: the caller's choice wins
            how.pop(f, None)
    mapping[key] = col
    marker = runner_ups([]).rstrip()  # "; runner-ups:", in this run's language
    runners = how.get(key, "").partition(marker)[2].strip()
    how[key] = _(_TOLD) + (runner_ups([runners]) if runners else "")
    auto.not_mapped.pop(key, None)


def _take_stated_scales(auto: AutoMap, options: dict[str, str], explicit: set[str]) -> None:
    """A score column refused for its scale is taken when the caller states the scale."""
    mapping = auto.mapping
    for f, (col, why) in auto.scale_refused.items():
        if f"{f}.scale" in options and f not in mapping and f not in explicit \
                and col not in mapping.values() and options.get(f) != "":
            mapping[f] = col
            auto.how[f] = _("{why}; on the {scale} scale the import was told").format(why=why, scale=options[f"{f}.scale"])
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
            raise IngestError(_("{file}: {field} is both mapped to column {column} and set to {value} for "
                                "every row: choose one.").format(file=file_name, field=fld,
                                                                 column=repr(mapping[fld]), value=repr(value)))
        if fld in mapping:
            how[fld] = _("every row set to '{value}' (column '{column}' not used)").format(value=value, column=mapping.pop(fld))
        else:
            how[fld] = _("every row set to '{value}'").format(value=value)
        auto.not_mapped.pop(fld, None)
