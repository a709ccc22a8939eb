"""Cached wrappers of the Funnel page's queries (as ``state``): every argument the result depends
on, the cursor (``_cur``) not hashed, the data version invalidating them after an import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cxdata import funnel, i18n
from cxdata.filters import Filters
from cxdata.funnel import scores
from cxdata.i18n import _


# The spinners' words are in the page's language: drawn around the cached call (a decorator's words
# are fixed at import); like the cache's own spinner, one shows only after half a second.
def funnel_steps(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str,
                 per_channel_only: bool = False) -> pd.DataFrame:
    """``per_channel_only``: without the funnel across the chosen channels (``funnel_across``)."""
    with st.spinner(_("Counting customers at each stage…")):
        return _funnel_steps(_cur, key, version, filters, window_days, mode, per_channel_only)


@st.cache_data(show_spinner=False, max_entries=256)
def _funnel_steps(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str,
                  per_channel_only: bool) -> pd.DataFrame:
    return funnel.funnel_steps(_cur, filters, window_days=window_days, mode=mode,
                               across_channels=not per_channel_only)


def funnel_across(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str) -> pd.DataFrame:
    with st.spinner(_("Following each customer across the chosen channels…")):
        return _funnel_across(_cur, key, version, filters, window_days, mode)


@st.cache_data(show_spinner=False, max_entries=256)
def _funnel_across(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str) -> pd.DataFrame:
    return funnel.funnel_steps(_cur, filters, window_days=window_days, mode=mode, per_channel=False)


def days_to_step(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str) -> pd.DataFrame:
    with st.spinner(_("Timing each step…")):
        return _days_to_step(_cur, key, version, filters, window_days, mode)


@st.cache_data(show_spinner=False, max_entries=256)
def _days_to_step(_cur, key: str, version: int, filters: Filters, window_days: int, mode: str) -> pd.DataFrame:
    return funnel.days_to_step(_cur, filters, window_days=window_days, mode=mode)


@st.cache_data(show_spinner=False, max_entries=256)
def stage_scores(_cur, key: str, version: int, filters: Filters) -> pd.DataFrame:
    return scores.stage_scores(_cur, filters)


# Above this many journey events the time to convert takes seconds (docs/performance.md): the page
# draws the funnel at once and times the steps when asked.
TIMING_ASKS_ABOVE = 5_000_000
_TIMING_FLAG = "cx_funnel_timing"


@st.cache_data(show_spinner=False, max_entries=16)
def event_count(_cur, key: str, version: int) -> int:
    return int(_cur.execute("select count(*) from interactions").fetchone()[0])


def timing_wanted(_cur, key: str, version: int) -> bool:
    """True on a database small enough to time the steps at once, or once the viewer asked; else
    draws the button that asks (the funnel above is not held up by it)."""
    if event_count(_cur, key, version) <= TIMING_ASKS_ABOVE or st.session_state.get(_TIMING_FLAG):
        return True
    st.caption(_("On {n} journey events the days of each step take several seconds to count (a minute for "
                 "any order over all dates).").format(n=i18n.count(event_count(_cur, key, version))))
    st.button(_("Count the days each step takes"), key="funnel_timing_go", icon=":material/timer:",
              on_click=lambda: st.session_state.update({_TIMING_FLAG: True}))
    return False
