"""The database for the UI: one DuckDB connection per process, one cursor per rerun, and cached
query wrappers.

Every cached wrapper takes everything its result depends on as arguments: the cursor (``_cur``,
not hashed), the database key (its path), the data version (bumped by every import, so an import
invalidates the cache without a restart), the ``Filters`` and the page's controls.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from cxdata import db, first_start, i18n, pyramid, queries
from cxdata.demo import ensure_database, generate_demo
from cxdata.filters import Filters
from cxdata.first_start import DEFAULT_MEMORY_LIMIT, memory_limit, read_only  # noqa: F401 - the pages' names
from cxdata.i18n import N_, _
from cxdata.ui import startup

# What the first start builds (generate_demo's defaults, so the words follow the code) and how
# long it takes: 6-12 s on a 2-core machine shared with other work, up to 30 s on a slow one.
_DEMO = inspect.signature(generate_demo).parameters
BUILD_MESSAGE = N_("Building the demo data set: {responses} responses and {events} journey events, about "
                   "10 to 30 seconds, once. Later starts open it at once.")
OPEN_MESSAGE = N_("Opening the database…")


def build_message() -> str:
    return _(BUILD_MESSAGE).format(responses=i18n.count(_DEMO["responses"].default),
                                   events=i18n.count(_DEMO["interactions"].default))


def opening_message(path: str) -> str:
    """What the page says while the database is made ready: the demo build on a first start (no
    database file yet), else the opening."""
    return _(OPEN_MESSAGE) if Path(path).exists() else build_message()



@st.cache_resource(show_spinner=False)  # open_database says what is happening
def _connection(path: str):
    limit = memory_limit()
    if read_only():
        return db.connect(path, read_only=True, memory_limit=limit)
    if first_start.building(path) is None:  # else the first start's build makes it (its second part runs)
        ensure_database(path, memory_limit=limit)  # a fresh clone starts on the demo data; an old file is upgraded
    return db.connect(path, memory_limit=limit)


def connection(path: str):
    """The process-wide connection to ``path`` (open already: a page opened it); for work on
    another thread, which takes a ``cursor()`` of its own."""
    return _connection(path)


@dataclass(frozen=True)
class Database:
    """What a page run needs from the database: its own cursor, the cache key and data version."""

    cur: object
    key: str
    version: int


def open_database(journeys: bool = True) -> Database:
    """The process-wide connection's cursor for this run; stops the page with one sentence when
    another process holds the file. ``journeys=False``: on a first start, a page that reads the
    responses only goes on once they are stored (``startup.wait_for_demo``)."""
    path = str(db.default_db_path())
    try:
        # A first start: the demo data built on a background thread, its progress drawn here.
        if not read_only():
            startup.wait_for_demo(path, memory_limit(), build_message(), journeys)
        # st.spinner shows after 0.5 s only: an open connection (every later run) shows nothing
        with st.spinner(opening_message(path), show_time=True):
            con = _connection(path)
    except db.DatabaseBusyError as exc:
        st.error(str(exc))
        st.stop()
    except ValueError as exc:  # a malformed CX_MEMORY_LIMIT: say which setting, not a traceback
        st.error(f"CX_MEMORY_LIMIT: {exc}")
        st.stop()
    cur = con.cursor()
    return Database(cur, path, db.data_version(cur))


# ---- cached wrappers: (_cur, key, version, filters, controls...) ------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def date_bounds(_cur, key: str, version: int):
    lo, hi = queries.date_bounds(_cur)
    return (lo.date() if lo else None, hi.date() if hi else None)


@st.cache_data(show_spinner=False, max_entries=16)
def last_import(_cur, key: str, version: int):
    return db.last_import(_cur)


@st.cache_data(show_spinner=False, max_entries=64)
def filter_options(_cur, key: str, version: int) -> dict[str, list[str]]:
    """Values offered by each filter widget: the union of responses and interactions."""
    return queries.filter_values(_cur)


@st.cache_data(show_spinner=False, max_entries=16)
def attribute_options(_cur, key: str, version: int, max_keys: int = 12,
                      max_values: int = 500) -> dict[str, list[str]]:
    """Imported attribute keys (most common first) and their values, for the filter widgets."""
    return queries.attribute_values(_cur, max_keys=max_keys, max_values=max_values)


@st.cache_data(show_spinner=False, max_entries=16)
def served_from(_cur, key: str, version: int) -> str | None:
    """The build folder a served database was attached from (``python -m cxdata attach``), or None
    for a database of raw rows."""
    return db.get_setting(_cur, "served_from")


@st.cache_data(show_spinner=False, max_entries=16)
def stages(_cur, key: str, version: int) -> list[str]:
    return db.stages(_cur)


@st.cache_data(show_spinner=False, max_entries=16)
def ces_direction(_cur, key: str, version: int) -> str:
    return db.get_setting(_cur, "ces_direction") or "effort"


@st.cache_data(show_spinner=False, max_entries=256)
def kpi_summary(_cur, key: str, version: int, filters: Filters):
    return queries.kpi_summary(_cur, filters)


@st.cache_data(show_spinner=False, max_entries=256)
def kpi_trend(_cur, key: str, version: int, filters: Filters, grain: str,
              split: str | None = None) -> pd.DataFrame:
    return queries.kpi_trend(_cur, filters, grain=grain, split=split)


@st.cache_data(show_spinner=False, max_entries=256)
def segment_breakdown(_cur, key: str, version: int, filters: Filters, dimension: str) -> pd.DataFrame:
    return queries.segment_breakdown(_cur, filters, dimension)


@st.cache_data(show_spinner=False, max_entries=256)
def kpi_heatmap(_cur, key: str, version: int, filters: Filters, rows: str, cols: str) -> pd.DataFrame:
    return queries.kpi_heatmap(_cur, filters, rows, cols)


@st.cache_data(show_spinner=False, max_entries=256)
def biggest_movers(_cur, key: str, version: int, filters: Filters, kpi: str,
                   limit: int = 3) -> pd.DataFrame:
    """The library's movers (groups with fewer than ``kpis.SMALL_SAMPLE`` answers in either period
    are left out there)."""
    return queries.biggest_movers(_cur, filters, kpi=kpi, limit=limit)


@st.cache_data(show_spinner=False, max_entries=256)
def pyramid_distribution(_cur, key: str, version: int, filters: Filters, model: int,
                         by: str | None = None, grain: str | None = None) -> pd.DataFrame:
    return pyramid.pyramid_distribution(_cur, filters, model=model, by=by, grain=grain)


def clear_caches() -> None:
    """Forget cached query results (tests; the data version makes this unnecessary in use)."""
    st.cache_data.clear()
