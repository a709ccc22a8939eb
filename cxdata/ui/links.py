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

from cxdata.i18n import N_, _, count

APP_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageInfo:
    name: str  # as shown in the navigation
    script: str  # relative to the app root
    url_path: str  # what Streamlit serves it under ("" for the entry page)
    carries_filters: bool = True


PAGES = (
    PageInfo(N_("Overview"), "dashboard.py", ""),
    PageInfo(N_("Trends"), "pages/1_Trends.py", "Trends"),
    PageInfo(N_("Segments"), "pages/2_Segments.py", "Segments"),
    PageInfo(N_("Funnel"), "pages/3_Funnel.py", "Funnel"),
    PageInfo(N_("Journeys"), "pages/5_Journeys.py", "Journeys"),
    PageInfo(N_("Pyramid"), "pages/4_Pyramid.py", "Pyramid"),
    PageInfo(N_("Why"), "pages/5_Why.py", "Why"),
    # A page is linked only once its file exists.
    PageInfo(N_("Upload"), "pages/6_Upload.py", "Upload", carries_filters=False),
    PageInfo(N_("Imports"), "pages/7_Imports.py", "Imports", carries_filters=False),
    PageInfo(N_("Settings"), "pages/8_Settings.py", "Settings", carries_filters=False),
)


def page(name: str) -> PageInfo:
    return next(p for p in PAGES if p.name == name)


def available_pages() -> list[PageInfo]:
    return [p for p in PAGES if (APP_ROOT / p.script).exists()]


def render_nav(current: str, params: dict[str, list[str]]) -> None:
    """The page links, each carrying the filters (the current page's own controls stay behind:
    a grain means nothing on the Funnel page)."""
    lang = {k: v for k, v in params.items() if k == "lang"}  # every page keeps the language
    for p in available_pages():
        st.page_link(p.script, label=_(p.name), disabled=p.name == current,
                     query_params=params if p.carries_filters else (lang or None))


# session id -> what Streamlit dropped before the session's run (see
# ``cxdata.ui._note_dropped_links``); bounded: a session that never runs leaves its entry behind.
# Put in words by the session's run, in its language.
_dropped: dict[str, tuple[int, int, int, int]] = {}
_MAX_DROPPED = 1_000


def note_dropped_link(session_id: str, fields: int, length: int, max_fields: int, max_length: int) -> None:
    if len(_dropped) >= _MAX_DROPPED:
        _dropped.clear()
    _dropped[session_id] = (fields, length, max_fields, max_length)


def dropped_link() -> str | None:
    """The sentence about the link this session opened, if Streamlit dropped it (once)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    dropped = _dropped.pop(ctx.session_id, None) if ctx is not None else None
    if dropped is None:
        return None
    fields, length, max_fields, max_length = dropped
    why = (_("{fields} parameters, more than the {max} Streamlit reads").format(
               fields=count(fields), max=count(max_fields)) if fields > max_fields else
           _("{length} characters, more than the {max} Streamlit reads").format(
               length=count(length), max=count(max_length)))
    return _("This link had {why}: it was ignored whole, and the page opened on its default view.").format(why=why)


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
