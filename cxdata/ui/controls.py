"""The choices pages offer (KPI, grain, dimension...) and their labels."""

from __future__ import annotations

from cxdata import catalog
from cxdata.filters import Filters
from cxdata.queries import ATTR_PREFIX, DIMENSIONS, GRAINS

from . import state
from .page import View
from .text import KPI_NAMES

KPIS = ("nps", "csat", "ces")
GRAIN_LABELS = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter"}
DIM_LABELS = {d: catalog.FIELD_LABELS[d] for d in catalog.BREAKDOWN_DIMENSIONS}
# breakdown dimension -> the filter field a click on it narrows
DIM_FIELD = {"journey_stage": "stage", **{d: d for d in DIMENSIONS if d != "journey_stage"}}


def kpi_label(kpi: str) -> str:
    return KPI_NAMES[kpi]


def grain_label(grain: str) -> str:
    return GRAIN_LABELS[grain]


NO_SPLIT = "none"  # a selectbox shows None as "nothing chosen": the absence needs a value


def dim_label(dim: str) -> str:
    if dim == NO_SPLIT:
        return "No split"
    if dim.startswith(ATTR_PREFIX):
        return f"{dim[len(ATTR_PREFIX):]} (imported)"
    return DIM_LABELS.get(dim, dim)


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


assert set(GRAIN_LABELS) == set(GRAINS)
