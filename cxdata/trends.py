"""What the Trends page draws beside the KPI per period: a moving average, the same periods a year
earlier, and the target line.

**Moving average over k periods.** Each point pools the *answers* of the last ``k`` calendar
periods (this one and the ``k - 1`` before it; a period without answers counts as none), and
computes the KPI of the pool with the usual formulas, so it is the KPI of those answers, with its
own n and margin, not a mean of the periods' figures (which would give a week of 20 answers the
weight of a week of 2,000). A point needs ``k`` periods of history inside the view: the first
``k - 1`` periods have none. Groups of a split are pooled separately.

**A year earlier.** For a day or a week, the period 52 weeks (364 days) before, so a Monday meets
a Monday; for a month or a quarter, the same month or quarter of the year before. The year-earlier
figures come from the same filters with both dates moved back by that much; each is drawn at the
period it is compared with, and has its own n.

**Target.** A data-set setting per KPI (``target_nps``, ``target_csat``, ``target_ces``; see
``targets``), drawn as a horizontal line.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pandas as pd

from .filters import Filters
from .queries import COUNT_COLUMNS, kpi_frame, trend_counts
from .settings import TARGETS, get_target

MOVING_WINDOWS = (3, 6, 12)
_STEP = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS"}


def moving_average(con, filters: Filters, grain: str, window: int, split: str | None = None
                   ) -> pd.DataFrame:
    """The KPIs of the answers of each period and the ``window - 1`` before it (``kpi_trend``'s
    columns; the first ``window - 1`` periods of the view are left out)."""
    if window not in MOVING_WINDOWS:
        raise ValueError(f"window is one of {MOVING_WINDOWS}")
    counts, direction = trend_counts(con, filters, grain, split)
    if counts.empty:
        return pd.DataFrame()
    return pooled(counts, grain, window, direction)


def pooled(counts: pd.DataFrame, grain: str, window: int, direction: str) -> pd.DataFrame:
    """``counts`` per period (``trend_counts``) -> the KPIs of rolling sums over ``window``
    calendar periods, per split group if any."""
    counts = counts.copy()
    counts["period"] = pd.to_datetime(counts["period"])
    periods = pd.date_range(counts["period"].min(), counts["period"].max(), freq=_STEP[grain])
    groups = [None] if "split" not in counts else sorted(counts["split"].unique())
    parts = []
    for g in groups:
        one = counts if g is None else counts[counts["split"] == g]
        full = one.set_index("period")[list(COUNT_COLUMNS)].reindex(periods, fill_value=0).fillna(0)
        rolled = full.rolling(window, min_periods=window).sum().iloc[window - 1:]
        rolled = rolled.rename_axis("period").reset_index()
        if g is not None:
            rolled.insert(1, "split", g)
        parts.append(rolled)
    frame = kpi_frame(pd.concat(parts, ignore_index=True), direction)
    if not frame.empty:
        frame["period"] = pd.to_datetime(frame["period"])
    return frame


def year_earlier(con, filters: Filters, grain: str, split: str | None = None) -> pd.DataFrame:
    """The KPIs of the periods a year before the view's (see the module's docstring), each row
    at the period it is compared with (``kpi_trend``'s columns)."""
    earlier = dataclasses.replace(filters, date_from=_back(filters.date_from, grain),
                                  date_to=_back(filters.date_to, grain))
    counts, direction = trend_counts(con, earlier, grain, split)
    if counts.empty:
        return pd.DataFrame()
    frame = kpi_frame(counts, direction)
    frame["period"] = _forward(pd.to_datetime(frame["period"]), grain)
    return frame


def _back(day: date | None, grain: str) -> date | None:
    if day is None:
        return None
    if grain in ("day", "week"):
        return day - timedelta(days=364)
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _forward(periods: pd.Series, grain: str) -> pd.Series:
    if grain in ("day", "week"):
        return periods + pd.Timedelta(days=364)
    return periods + pd.DateOffset(years=1)


def targets(con) -> dict[str, float]:
    """The target of each KPI that has one (``settings.get_target``: NPS points, CSAT % satisfied,
    CES mean)."""
    kpis = (key.removeprefix("target_") for key in TARGETS)
    return {kpi: t for kpi in kpis if (t := get_target(con, kpi)) is not None}
