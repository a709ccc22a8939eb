"""The options of an import: everything the caller states beside which column feeds which field.

The overrides (``--map`` and friends, saved mappings) are one flat ``{key: value}`` dict of
strings. Its key grammar:

=========================  =================================================================
key                        value
=========================  =================================================================
``FIELD``                  the source column (its name, or its question text) that feeds FIELD;
                           ``""`` or None: leave FIELD unmapped, even if a guess found one
``SCORE.scale``            the source scale of a score, ``a-b`` (``csat.scale=0-5``): values
                           are converted to the canonical scale by the rule in ``scales``; the
                           values must then fit ``a-b`` (others are rejected row by row)
``ces.direction``          ``effort`` (1 = least effort) or ``ease`` (7 = easiest) in the source
``FIELD.value:LABEL``      what a source value means. A score: a whole number on the source
                           scale, or ``""`` for "no answer" (``csat.value:Neutral or
                           dissatisfied=2``, ``ces.value:0=``). A category (channel,
                           touchpoint, segment, region, product, stage, journey_stage): the value
                           to store, or ``""`` for none (``channel.value:Telefono=phone``).
                           LABEL is matched ignoring case, accents and punctuation.
``set:FIELD``              every row gets this value: a category, ``customer_id``, or the date
                           (``responded_at`` / ``occurred_at``) of a one-off survey. It replaces
                           an automatic guess for FIELD; with an explicit ``FIELD`` key too it is
                           an error
``keep:COLUMN``            ``yes``: keep a personal-data column (IP address, location, e-mail,
                           names, phone numbers, recipient fields) in the attributes, where
                           every viewer can filter by it; left out otherwise
``accept_rejects``         ``yes``: load the good rows even when more than 1% of the rows (and
                           more than one) would be rejected for one reason; else that stops
                           the import
=========================  =================================================================

A value that is ``""``, ``no``, ``false`` or ``0`` turns ``keep:`` and ``accept_rejects`` off.
Every key but ``FIELD`` (and the unmapping ``FIELD=""``) is handed on as an *option*, so
``mapping | options`` replays the same import when saved.
"""

from __future__ import annotations

import re

from ..i18n import _
from ..schema import SCORE_RANGES
from .fields import CATEGORY_FIELDS, FIELDS, SCORE_FIELDS, SETTABLE
from .model import IngestError
from .scales import norm_text

# The fixed option keys; the patterned ones are FIELD.value:LABEL, set:FIELD and keep:COLUMN.
OPTION_KEYS = {f"{f}.scale" for f in SCORE_RANGES} | {"ces.direction", "accept_rejects"}
OPTION_PATTERNS = ("FIELD.value:LABEL", "set:FIELD", "keep:COLUMN")
_OFF = ("", "no", "false", "0", "off")
_VALUE_KEY = re.compile(r"^(?P<field>[a-z_]+)\.value:(?P<label>.*)$", re.DOTALL)


class Options(dict):
    """The options of an import (``{key: value}`` strings, saved with the mapping) carrying the
    explanations of the mapping to ``validate.prepare``: ``how`` (field -> how its column was
    chosen) and ``not_mapped`` (field -> why no column feeds it)."""

    def __init__(self, *args, how: dict[str, str] | None = None,
                 not_mapped: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.how = how or {}
        self.not_mapped = not_mapped or {}


def is_on(value) -> bool:
    return str(value if value is not None else "").strip().lower() not in _OFF


def is_option_key(key: str) -> bool:
    """Shaped like an option rather than a field; ``parse_options`` checks it in full."""
    return "." in key or ":" in key or key in OPTION_KEYS


def parse_options(kind: str, columns: list[str], options: dict[str, str], file_name: str) -> None:
    """Check every option key and value of the grammar above; ``IngestError`` naming the key."""
    fields = FIELDS[kind]
    for key, value in options.items():
        if key in fields or key in OPTION_KEYS:
            continue  # a field here is an unmapping, kept for the saved mapping
        if m := _VALUE_KEY.match(key):
            _check_value_key(key, m["field"], value, fields, file_name)
        elif key.startswith("set:"):
            _check_set_key(key, value, fields, file_name)
        elif key.startswith("keep:"):
            _check_keep_key(key, columns, file_name)
        else:
            raise IngestError(_("{file}: unknown mapping option {key}; options are {options} and {patterns}.").format(
                file=file_name, key=repr(key), options=", ".join(sorted(OPTION_KEYS)),
                patterns=", ".join(OPTION_PATTERNS)))


def _has_values(fld: str) -> bool:
    return fld in SCORE_FIELDS or fld in CATEGORY_FIELDS


def _check_value_key(key: str, fld: str, value, fields, file_name: str) -> None:
    if fld not in fields or not _has_values(fld):
        raise IngestError(_("{file}: {key}: values can be mapped for the scores and the categories ({fields}), "
                            "not {field}.").format(file=file_name, key=repr(key), field=repr(fld),
                                                   fields=", ".join(f for f in fields if _has_values(f))))
    if fld in SCORE_FIELDS and str(value or "").strip() != "":
        try:
            float(str(value).strip())
        except ValueError:
            raise IngestError(_("{file}: {key} maps a label of {field} to {value}: give a number on the "
                                "column's scale, or nothing for 'no answer'.").format(
                file=file_name, key=repr(key), field=fld, value=repr(value))) from None


def _check_set_key(key: str, value, fields, file_name: str) -> None:
    fld = key[4:]
    if fld not in fields or fld not in SETTABLE:
        raise IngestError(_("{file}: {key}: a value can be set for {fields}, not {field}.").format(
            file=file_name, key=repr(key), fields=", ".join(f for f in SETTABLE if f in fields), field=repr(fld)))
    if str(value or "").strip() == "":
        raise IngestError(_("{file}: {key} needs a value (set:{field}=VALUE).").format(
            file=file_name, key=repr(key), field=fld))


def _check_keep_key(key: str, columns: list[str], file_name: str) -> None:
    if key[5:] not in columns:
        raise IngestError(_("{file}: {key}: there is no column {column} to keep; its columns are: {columns}.").format(
            file=file_name, key=repr(key), column=repr(key[5:]), columns=", ".join(columns)))


def value_maps(options: dict[str, str]) -> dict[str, dict[str, str | None]]:
    """{field: {norm_text(label): value or None}} from the ``FIELD.value:LABEL`` keys."""
    out: dict[str, dict[str, str | None]] = {}
    for key, value in options.items():
        if m := _VALUE_KEY.match(key):
            v = str(value if value is not None else "").strip()
            out.setdefault(m["field"], {})[norm_text(m["label"])] = v or None
    return out


def constants(options: dict[str, str]) -> dict[str, str]:
    """{field: value} of the ``set:FIELD`` keys."""
    return {k[4:]: str(v).strip() for k, v in options.items() if k.startswith("set:")}


def kept_columns(options: dict[str, str]) -> set[str]:
    return {k[5:] for k, v in options.items() if k.startswith("keep:") and is_on(v)}
