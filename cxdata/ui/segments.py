"""Presentation helpers of the Segments page: the every-KPI table in a manager's columns."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxdata import catalog
from cxdata.queries import ATTR_PREFIX

from .figures import KPI_RANGE
from .text import fmt_kpi

higher_is_better = catalog.higher_is_better  # the pages' name for it


def _flag(differs: bool, vs_rest, better_when_up: bool) -> str:
    if not differs or pd.isna(vs_rest):
        return ""
    return "better than the rest" if (vs_rest > 0) == better_when_up else "worse than the rest"


def kpi_table(frame: pd.DataFrame, direction: str) -> pd.DataFrame:
    """One row per group: each KPI with its margin, n and whether it differs from the rest."""
    out = pd.DataFrame({"Group": frame["value"].astype(str)})
    out["NPS"] = frame["nps"].round(1)
    out["NPS ±"] = frame["nps_moe"].round(1)
    out["NPS n"] = frame["nps_n"]
    out["NPS vs rest"] = [_flag(d, v, True) for d, v in zip(frame["nps_differs"], frame["nps_vs_rest"], strict=True)]
    out["CSAT %"] = frame["csat"].round(1)
    out["CSAT 95%"] = [("" if pd.isna(lo) else f"{lo:.0f}–{hi:.0f}")
                       for lo, hi in zip(frame["csat_low"], frame["csat_high"], strict=True)]
    out["CSAT n"] = frame["csat_n"]
    out["CSAT vs rest"] = [_flag(d, v, True) for d, v in zip(frame["csat_differs"], frame["csat_vs_rest"], strict=True)]
    out["CES"] = frame["ces"].round(2)
    out["CES ±"] = frame["ces_moe"].round(2)
    out["CES n"] = frame["ces_n"]
    out["CES vs rest"] = [_flag(d, v, direction != "effort")
                          for d, v in zip(frame["ces_differs"], frame["ces_vs_rest"], strict=True)]
    return out


# the counts of ``kpi_table`` with thousands separators (in the viewer's locale: 1,234 in English)
KPI_TABLE_CONFIG = {c: st.column_config.NumberColumn(format="localized") for c in ("NPS n", "CSAT n", "CES n")}


def axis_order(dim: str, stages: list[str]) -> tuple[str, ...]:
    """The values a chart lists first, in order: the funnel's stages for the journey stage (in
    their stored order, not alphabetical); nothing for other dimensions."""
    return tuple(stages) if dim == "journey_stage" else ()


def scale_words(kpi: str) -> str:
    """The heatmap's fixed colour range in words: '-100 to +100, middle 0'."""
    lo, hi, mid = KPI_RANGE[kpi]
    return f"{fmt_kpi(kpi, lo)} to {fmt_kpi(kpi, hi)}, middle {fmt_kpi(kpi, mid)}"


def heatmap_problem(rows: str, cols: str) -> str | None:
    if rows == cols:
        return "Pick two different dimensions for the rows and the columns."
    if rows.startswith(ATTR_PREFIX) and cols.startswith(ATTR_PREFIX):
        return "The heatmap takes at most one imported attribute: pick a built-in dimension for the other."
    return None
