"""Cached wrappers of the Funnel page's queries (as ``state``): every argument the result depends
on, the cursor (``_cur``) not hashed, the data version invalidating them after an import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxdata import funnel
from cxdata.filters import Filters
from cxdata.funnel import scores


@st.cache_data(show_spinner="Counting customers at each stage…", max_entries=256)
def funnel_steps(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str,
                 per_channel_only: bool = False) -> pd.DataFrame:
    """``per_channel_only``: without the funnel across the chosen channels (``funnel_across``)."""
    return funnel.funnel_steps(_cur, filters, window_days=window_days, mode=mode,
                               across_channels=not per_channel_only)


@st.cache_data(show_spinner="Following each customer across the chosen channels…", max_entries=256)
def funnel_across(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str) -> pd.DataFrame:
    return funnel.funnel_steps(_cur, filters, window_days=window_days, mode=mode, per_channel=False)


@st.cache_data(show_spinner="Timing each step…", max_entries=256)
def days_to_step(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str) -> pd.DataFrame:
    return funnel.days_to_step(_cur, filters, window_days=window_days, mode=mode)


@st.cache_data(show_spinner=False, max_entries=256)
def stage_scores(_cur, key: str, version: int, filters: Filters) -> pd.DataFrame:
    return scores.stage_scores(_cur, filters)
