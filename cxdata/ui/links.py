"""Links between pages that carry the query string, and the "share this view" URL.

The sidebar navigation of a ``pages/`` app drops the query params, so it is hidden
(``client.showSidebarNavigation = false``) and these links replace it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

APP_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageInfo:
    name: str  # as shown in the navigation
    script: str  # relative to the app root
    url_path: str  # what Streamlit serves it under ("" for the entry page)
    carries_filters: bool = True


PAGES = (
    PageInfo("Overview", "dashboard.py", ""),
    PageInfo("Trends", "pages/1_Trends.py", "Trends"),
    PageInfo("Segments", "pages/2_Segments.py", "Segments"),
    PageInfo("Funnel", "pages/3_Funnel.py", "Funnel"),
    PageInfo("Journeys", "pages/5_Journeys.py", "Journeys"),
    PageInfo("Pyramid", "pages/4_Pyramid.py", "Pyramid"),
    PageInfo("Why", "pages/5_Why.py", "Why"),
    # A page is linked only once its file exists.
    PageInfo("Upload", "pages/6_Upload.py", "Upload", carries_filters=False),
    PageInfo("Imports", "pages/7_Imports.py", "Imports", carries_filters=False),
    PageInfo("Settings", "pages/8_Settings.py", "Settings", carries_filters=False),
)


def page(name: str) -> PageInfo:
    return next(p for p in PAGES if p.name == name)


def available_pages() -> list[PageInfo]:
    return [p for p in PAGES if (APP_ROOT / p.script).exists()]


def render_nav(current: str, params: dict[str, list[str]]) -> None:
    """The page links, each carrying the filters (the current page's own controls stay behind:
    a grain means nothing on the Funnel page)."""
    for p in available_pages():
        st.page_link(p.script, label=p.name, disabled=p.name == current,
                     query_params=params if p.carries_filters else None)


# session id -> the sentence about the link Streamlit dropped before the session's run (see
# ``cxdata.ui._note_dropped_links``); bounded: a session that never runs leaves its entry behind.
_dropped: dict[str, str] = {}
_MAX_DROPPED = 1_000


def note_dropped_link(session_id: str, fields: int, length: int, max_fields: int, max_length: int) -> None:
    if len(_dropped) >= _MAX_DROPPED:
        _dropped.clear()
    why = (f"{fields:,} parameters, more than the {max_fields:,} Streamlit reads" if fields > max_fields
           else f"{length:,} characters, more than the {max_length:,} Streamlit reads")
    _dropped[session_id] = (f"This link had {why}: it was ignored whole, and the page opened "
                            "on its default view.")


def dropped_link() -> str | None:
    """The sentence about the link this session opened, if Streamlit dropped it (once)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return _dropped.pop(ctx.session_id, None) if ctx is not None else None


def query_string(params: dict[str, list[str]]) -> str:
    return urlencode([(k, v) for k, vals in params.items() for v in vals])


def share_url(current: str, params: dict[str, list[str]]) -> str:
    """The full link to this page with these params; relative when the app's address is unknown
    (tests)."""
    path = page(current).url_path
    qs = query_string(params)
    base = ""
    try:
        url = st.context.url
    except Exception:  # no browser session (bare script run)
        url = None
    if url:
        parts = urlsplit(url)
        prefix = (st.get_option("server.baseUrlPath") or "").strip("/")
        base = f"{parts.scheme}://{parts.netloc}/" + (prefix + "/" if prefix else "")
    else:
        base = "./"
    return base + path + (("?" + qs) if qs else "")
