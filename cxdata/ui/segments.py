"""Presentation helpers of the Segments page: the every-KPI table in a manager's columns, the
heatmap's axis order and caption."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxdata import catalog, i18n
from cxdata.i18n import N_, _
from cxdata.queries import ATTR_PREFIX

from . import heat_figures
from .text import KPI_NAMES

higher_is_better = catalog.higher_is_better  # the pages' name for it


def _flag(differs: bool, vs_rest, better_when_up: bool) -> str:
    if not differs or pd.isna(vs_rest):
        return ""
    return _("better than the rest") if (vs_rest > 0) == better_when_up else _("worse than the rest")


# the table's column headers: (key, header) with the header translated where the table is made
COLUMNS = {"group": N_("Group"), "moe": N_("{kpi} ±"), "n": N_("{kpi} n"), "vs": N_("{kpi} vs rest"),
           "csat": N_("CSAT %"), "csat_ci": N_("CSAT 95%")}


def _col(key: str, kpi: str = "") -> str:
    return _(COLUMNS[key]).format(kpi=KPI_NAMES.get(kpi, ""))


def _rounded(column: pd.Series, decimals: int) -> pd.Series:
    """Rounded, a value that rounds to zero without its sign (-0.04 shows "0.0", not "-0.0")."""
    return column.round(decimals) + 0.0


def kpi_table(frame: pd.DataFrame, direction: str, order: tuple = ()) -> pd.DataFrame:
    """One row per group: each KPI with its margin, n and whether it differs from the rest;
    the groups in ``order`` (the funnel's stages, ``axis_order``) first, in that order."""
    if order:
        rank = {v: i for i, v in enumerate(order)}
        frame = frame.iloc[sorted(range(len(frame)), key=lambda i: rank.get(frame["value"].iloc[i], len(rank)))]
    out = pd.DataFrame({_col("group"): frame["value"].astype(str)})
    out["NPS"] = _rounded(frame["nps"], 1)
    out[_col("moe", "nps")] = frame["nps_moe"].round(1)
    out[_col("n", "nps")] = frame["nps_n"]
    out[_col("vs", "nps")] = [_flag(d, v, True) for d, v in zip(frame["nps_differs"], frame["nps_vs_rest"], strict=True)]
    out[_col("csat")] = frame["csat"].round(1)
    out[_col("csat_ci")] = [("" if pd.isna(lo) else f"{i18n.number(lo, 0)}–{i18n.number(hi, 0)}")
                            for lo, hi in zip(frame["csat_low"], frame["csat_high"], strict=True)]
    out[_col("n", "csat")] = frame["csat_n"]
    out[_col("vs", "csat")] = [_flag(d, v, True)
                               for d, v in zip(frame["csat_differs"], frame["csat_vs_rest"], strict=True)]
    out["CES"] = _rounded(frame["ces"], 2)
    out[_col("moe", "ces")] = frame["ces_moe"].round(2)
    out[_col("n", "ces")] = frame["ces_n"]
    out[_col("vs", "ces")] = [_flag(d, v, direction != "effort")
                              for d, v in zip(frame["ces_differs"], frame["ces_vs_rest"], strict=True)]
    return out


def table_config() -> dict:
    """``kpi_table``'s counts with thousands separators (in the viewer's locale: 1,234 in
    English, 1.234 in Italian), under the headers of the page's language."""
    return {_col("n", k): st.column_config.NumberColumn(format="localized") for k in ("nps", "csat", "ces")}


# the English headers' config, for a caller that does not translate the table
KPI_TABLE_CONFIG = {c: st.column_config.NumberColumn(format="localized") for c in ("NPS n", "CSAT n", "CES n")}


def axis_order(dim: str, stages: list[str]) -> tuple[str, ...]:
    """The values a chart lists first, in order: the funnel's stages for the journey stage (in
    their stored order, not alphabetical); nothing for other dimensions."""
    return tuple(stages) if dim == "journey_stage" else ()


def scale_words(kpi: str, middle: float | None = None) -> str:
    """The heatmap's colour scale in words: 'centred on the overall NPS of this view (+12), full
    colour at ±50.0 pts from it'."""
    return heat_figures.scale_words(kpi, middle)


def heatmap_note(grid: pd.DataFrame, kpi: str, middle: float | None = None) -> str:
    """The heatmap's caption: what its colours mean, around the view's overall figure (``middle``,
    by default the cells' own, ``heat_figures.overall``)."""
    middle = heat_figures.overall(grid, kpi) if middle is None else middle
    return _("colours {scale}: blue better, orange worse; * small sample").format(
        scale=scale_words(kpi, middle))


def heatmap_problem(rows: str, cols: str) -> str | None:
    if rows == cols:
        return _("Pick two different dimensions for the rows and the columns.")
    if rows.startswith(ATTR_PREFIX) and cols.startswith(ATTR_PREFIX):
        return _("The heatmap takes at most one imported attribute: pick a built-in dimension for the other.")
    return None
