"""The choices pages offer (KPI, grain, dimension...) and their labels."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cxdata import catalog
from cxdata.filters import Filters
from cxdata.i18n import N_, _
from cxdata.queries import ATTR_PREFIX, DIMENSIONS, GRAINS

from . import state
from .page import View
from .text import KPI_NAMES

KPIS = ("nps", "csat", "ces")
GRAIN_LABELS = {"day": N_("Day"), "week": N_("Week"), "month": N_("Month"), "quarter": N_("Quarter")}
GRAIN_WORDS = {"day": N_("day"), "week": N_("week"), "month": N_("month"), "quarter": N_("quarter")}
DIM_LABELS = {d: catalog.FIELD_LABELS[d] for d in catalog.BREAKDOWN_DIMENSIONS}
# breakdown dimension -> the filter field a click on it narrows
DIM_FIELD = {"journey_stage": "stage", **{d: d for d in DIMENSIONS if d != "journey_stage"}}


def kpi_label(kpi: str) -> str:
    return KPI_NAMES[kpi]


def grain_label(grain: str) -> str:
    return _(GRAIN_LABELS[grain])


def grain_word(grain: str) -> str:
    """The grain inside a sentence ("NPS by week")."""
    return _(GRAIN_WORDS[grain])


NO_SPLIT = "none"  # a selectbox shows None as "nothing chosen": the absence needs a value


def dim_label(dim: str) -> str:
    if dim == NO_SPLIT:
        return _("No split")
    if dim.startswith(ATTR_PREFIX):
        return _("{key} (imported)").format(key=dim[len(ATTR_PREFIX):])
    return _(DIM_LABELS[dim]) if dim in DIM_LABELS else dim


def dim_field(dim: str) -> str | None:
    """The filter a click on a value of ``dim`` narrows (an attribute narrows itself)."""
    return dim if dim.startswith(ATTR_PREFIX) else DIM_FIELD.get(dim)


def dimensions(view: View, with_none: bool = False) -> list[str]:
    attrs = state.attribute_options(view.db.cur, view.db.key, view.db.version)
    dims = [*DIMENSIONS, *(ATTR_PREFIX + k for k in attrs)]
    return [NO_SPLIT, *dims] if with_none else dims


def split_arg(dim: str) -> str | None:
    return None if dim == NO_SPLIT else dim


def period_days(filters: Filters) -> int | None:
    if filters.date_from and filters.date_to:
        return (filters.date_to - filters.date_from).days + 1
    return None


def pyramid_grain(filters: Filters) -> str:
    return "week" if auto_grain(filters) == "day" else auto_grain(filters)


def auto_grain(filters: Filters) -> str:
    """A grain that gives a readable number of points for the period."""
    days = period_days(filters) or 365
    if days <= 31:
        return "day"
    if days <= 180:
        return "week"
    if days <= 730:
        return "month"
    return "quarter"


# pandas periods that start where DuckDB's date_trunc does (weeks on Monday)
_PERIOD_FREQ = {"week": "W-SUN", "month": "M", "quarter": "Q"}


def partial_periods(grain: str, filters: Filters,
                    bounds: tuple[dt.date | None, dt.date | None]) -> tuple[tuple[pd.Timestamp, str], ...]:
    """The first and last periods of a trend that the dates cover only in part, with words for
    the hover: ``((period start, "partial quarter: 42 of 92 days"), ...)``. The dates are the
    filter's, within the data's ``bounds`` (first and last day with data)."""
    lo, hi = bounds
    if grain == "day" or lo is None or hi is None:
        return ()
    first = max(filters.date_from or lo, lo)
    last = min(filters.date_to or hi, hi)
    if first > last:
        return ()
    out: dict[pd.Timestamp, str] = {}
    for day in (first, last):
        period = pd.Period(day, _PERIOD_FREQ[grain])
        start, end = period.start_time.date(), period.end_time.date()
        covered = (min(last, end) - max(first, start)).days + 1
        total = (end - start).days + 1
        if covered < total:
            out[pd.Timestamp(start)] = _("partial {grain}: {covered} of {total} days").format(
                grain=grain_word(grain), covered=covered, total=total)
    return tuple(out.items())


assert set(GRAIN_LABELS) == set(GRAINS)
