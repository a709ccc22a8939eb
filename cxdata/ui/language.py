"""The page's language: ``lang=it`` in the link, else the browser's language, else English.

Set first thing in every page run (``page.start``), before any text is drawn. The link carries
``lang`` when it was chosen (the sidebar's selector writes it) or when it is not English, so a
shared link opens in the language of whoever shared it, and an Italian browser that picked English
keeps English.
"""

from __future__ import annotations

import streamlit as st

from cxdata import i18n
from cxdata.i18n import _

KEY = "lang"
WIDGET = "cx_lang"


def _browser() -> str | None:
    try:
        return i18n.normalize(st.context.locale)
    except Exception:  # no browser session (AppTest, a bare script run)
        return None


def resolve(url: dict[str, list[str]]) -> tuple[str, bool, str | None]:
    """(language, chosen in the link, the ignored value of a ``lang`` the product does not have)."""
    raw = (url.get(KEY) or [None])[0]
    chosen = i18n.normalize(raw)
    if chosen:
        return chosen, True, None
    return _browser() or i18n.DEFAULT, False, raw


def start(url: dict[str, list[str]]) -> tuple[dict[str, list[str]], str | None]:
    """Set this run's language; returns the link's ``lang`` params and a notice for a bad one."""
    lang, chosen, bad = resolve(url)
    i18n.set_lang(lang)
    notice = None
    if bad:
        notice = _("Ignored 'lang={value}' from the link: expected one of {options}.").format(
            value=bad[:20], options=", ".join(i18n.LANGS))
    return ({KEY: [lang]} if chosen or lang != i18n.DEFAULT else {}), notice


def _chosen() -> None:
    st.query_params[KEY] = st.session_state[WIDGET]


def selector(container) -> None:
    """The language selector (in the sidebar): writes ``lang`` to the link."""
    st.session_state[WIDGET] = i18n.get_lang()
    container.selectbox(_("Language"), list(i18n.LANGS), key=WIDGET, format_func=i18n.LANGS.get,
                        on_change=_chosen, label_visibility="collapsed")
