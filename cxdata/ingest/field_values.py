"""Each canonical field's values from its source column (or its ``set:FIELD`` constant), typed:
categories made canonical, dates parsed, amounts read, scores put on their scale."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import _
from .categories import canonical_values
from .dates import parse_datetimes
from .fields import CATEGORY_FIELDS, FIELDS
from .findings import Findings
from .options import value_maps
from .read import RawTable
from .scales import norm_text, parse_decimal
from .score_values import score_values
from .synonyms import VALUES

TEXT_FIELDS = ("response_id", "event_id", "customer_id", "channel", "touchpoint", "journey_stage",
               "stage", "segment", "region", "product", "comment", "session_id")
REVENUE_LIMIT = 10 ** 12  # decimal(14, 2)
_TIME_FIELDS = ("responded_at", "occurred_at")


def typed_values(raw: RawTable, kind: str, mapping: dict[str, str], options: dict[str, str],
                 date_format: str | None, ces_direction: str, known: dict[str, list[str]] | None,
                 found: Findings) -> dict[str, pd.Series]:
    """{field: values} of every mapped field, in field order; what could not be read goes to
    ``found``."""
    value_map = value_maps(options)
    out: dict[str, pd.Series] = {}
    for f in FIELDS[kind]:
        if f not in mapping:
            continue
        col = mapping[f]
        s = raw.frame[col]
        if f in CATEGORY_FIELDS:
            out[f], changed = canonical_values(f, s, value_map.get(f, {}), (known or {}).get(f, ()))
            found.changes += changed
        elif f in TEXT_FIELDS:
            out[f] = s
        elif f in _TIME_FIELDS:
            out[f] = _dates(f, col, s, date_format, raw.timezones.get(col), found)
        elif f == "revenue":
            out[f] = _amounts(f, col, s, found)
        else:
            out[f] = score_values(f, col, raw.labels.get(col, ""), s, options, ces_direction,
                                  value_map.get(f, {}), found)
    return out


def _dates(f: str, col: str, s: pd.Series, date_format: str | None, source_tz: str | None,
           found: Findings) -> pd.Series:
    ts, notes = parse_datetimes(s, date_format, f, source_tz)
    found.conversions += notes
    found.rejects.add(s.notna().to_numpy() & ts.isna().to_numpy(), col, s, _("not a date"))
    return ts


def _amounts(f: str, col: str, s: pd.Series, found: Findings) -> pd.Series:
    present = s.notna().to_numpy()
    num = parse_decimal(s, f, found.conversions)
    found.rejects.add(present & num.isna().to_numpy(), col, s, _("not a number"))
    found.rejects.add(present & (num.abs() >= REVENUE_LIMIT).to_numpy(), col, s, _("too large"))
    return num.round(2)


def constant_values(consts: dict[str, str], n: int, date_format: str | None,
                    found: Findings) -> dict[str, pd.Series]:
    """{field: every row's value} of the ``set:FIELD`` options."""
    return {f: _constant(f, value, n, date_format, found) for f, value in consts.items()}


def _constant(f: str, value: str, n: int, date_format: str | None, found: Findings) -> pd.Series:
    if f in _TIME_FIELDS:
        ts, _notes = parse_datetimes(pd.Series([value], dtype="str"), date_format, f)
        if ts.isna().iloc[0]:
            found.problems.append(_("set:{field}: {value} is not a date (write it like 2024-01-31).").format(
                field=f, value=repr(value)))
        return pd.Series(np.repeat(ts.to_numpy()[:1], n), dtype="datetime64[us]")
    stored = value
    if f in CATEGORY_FIELDS:
        stored = VALUES.get(f, {}).get(norm_text(value), value)
        if stored != value:
            found.changes.append({"field": f, "value": value, "stored": stored, "rows": n})
    return pd.Series([stored] * n, dtype="object")
