"""``start(page)``: what every page does first. Opens the database, draws the shared sidebar
(navigation, filters, share link), syncs the URL and states when the data was last imported.
Returns a ``View`` that carries the filters and draws the page's own controls."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from cxdata import i18n
from cxdata.filters import Filters
from cxdata.i18n import N_, _

from . import language, links, sidebar, state
from .text import plain


def _url_now() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _write_url(params: dict[str, list[str]]) -> None:
    if _url_now() != params:
        st.query_params.from_dict(params)


@dataclass
class View:
    page: str
    db: state.Database
    filters: Filters
    url: dict[str, list[str]]  # the URL as this run found it
    params: dict[str, list[str]] = field(default_factory=dict)  # as this run leaves it
    _share: Any = None
    notices: list[str] = field(default_factory=list)

    # ---- the page's own controls, in the URL next to the filters -----------------------
    def choice(self, label: str, options: Sequence, key: str, default: Any = None,
               format_func: Callable[[Any], str] = str, widget: str = "selectbox",
               container: Any = None, help: str | None = None) -> Any:
        """A single-choice control whose value lives in the URL under ``key``.

        The URL sets it when Streamlit has no value for it yet (first load, or a page switch),
        then the widget does; an unknown value in the link is ignored with a notice."""
        options = list(options)
        if default not in options:
            default = options[0]
        wkey, memo = f"ctl_{self.page}_{key}", f"cx_ctl_{self.page}_{key}"
        by_url = {str(o): o for o in options}
        if st.session_state.get(wkey, object()) not in options:
            value = st.session_state.get(memo, default)
            raw = self.url.get(key)
            if raw:
                if raw[0] in by_url:
                    value = by_url[raw[0]]
                else:
                    st.warning(plain(_("Ignored '{key}={value}' from the link: expected one of {options}.").format(
                        key=key, value=raw[0][:40], options=", ".join(map(str, options))[:200])),
                        icon=":material/link_off:")
            st.session_state[wkey] = value if value in options else default
        where = container or st
        draw = {"selectbox": where.selectbox, "radio": where.radio}[widget]
        kwargs = {"horizontal": True} if widget == "radio" else {}
        value = draw(label, options, key=wkey, format_func=format_func, help=help, **kwargs)
        st.session_state[memo] = value
        if value != default:
            self.params[key] = [str(value)]
        else:
            self.params.pop(key, None)
        self.sync()
        return value

    def sync(self) -> None:
        """Write filters + controls to the URL and refresh the share link."""
        _write_url(self.params)
        if self._share is not None:
            self._share.code(links.share_url(self.page, self.params), language=None, wrap_lines=True)

    def narrow_callback(self, chart_key: str, field: str) -> Callable[[], None]:
        """An ``on_select`` callback: a click on a bar (its ``customdata[0]``) narrows ``field``."""
        def callback() -> None:
            event = st.session_state.get(chart_key) or {}
            points = (event.get("selection") or {}).get("points") or []
            values = []
            for p in points:
                cd = p.get("customdata")
                v = cd[0] if isinstance(cd, list | tuple) and cd else cd
                if isinstance(v, str) and v != "(none)":
                    values.append(v)
            sidebar.narrow(field, values)
        return callback


def start(page: str, title: str, intro: str | None = None, filters: bool = True,
          journeys: bool = True) -> View:
    """``filters=False`` for pages the filters mean nothing to (Upload, Imports): no filter
    sidebar, no share box, no filters in the caption. ``title`` and ``intro`` are English: they are
    translated here (the page marks them for the catalogue with ``N_``). ``journeys=False``: the
    page can be drawn from the responses alone while a first start stores the journey events
    (the Overview: ``startup.follow_build`` for its parts that read them)."""
    url = _url_now()
    lang_params, lang_notice = language.start(url)  # before any text
    title = _(title)
    st.set_page_config(page_title=_("{title} · CX dashboard").format(title=title), layout="wide",
                       initial_sidebar_state="auto")  # collapsed on a phone
    db = state.open_database(journeys)
    nav = st.sidebar.container()
    if filters:
        active, notices = sidebar.render(db, url)
    else:
        active, notices = Filters(), []
    notices = ([lang_notice] if lang_notice else []) + notices
    view = View(page, db, active, url, dict(active.to_query_params()) | lang_params, notices=notices)
    with nav:
        st.markdown("**" + _("CX dashboard") + "**")
        links.render_nav(page, view.params)
        language.selector(st)
        st.divider()
    if filters:
        st.sidebar.divider()
        # In a popover: its content is drawn when opened, and the link's box (``st.code``, for its
        # copy button) makes the browser load and run a syntax highlighter, 0.35 s of the main
        # thread that came before the first chart of every page load.
        with st.sidebar.popover(_("Share this view"), icon=":material/share:"):
            st.caption(_("Copy this link: it opens this page with the same filters and settings."))
            view._share = st.empty()
        report_button(view)
    view.sync()

    st.title(title)
    imported = state.last_import(db.cur, db.key, db.version)
    if imported:
        when, name = imported
        st.caption(_("Data last imported {when} ({name}).").format(when=i18n.datetime(when), name=plain(name)))
    else:
        st.caption(_("No import recorded yet."))
    if intro:
        st.markdown(_(intro))
    dropped = links.dropped_link()
    for n in ([dropped] if dropped else []) + notices:
        st.warning(plain(n), icon=":material/link_off:")
    served_notes(view)
    return view


SERVED = N_("This database serves tables built from the raw data elsewhere (`python -m cxdata build`, then "
          "`attach`): the KPIs, trends, segments, funnel and pyramid are here; what needs the raw rows "
          "(attribute filters and breakdowns, touchpoint funnels, key drivers, comment themes, paths with "
          "a touchpoint, the value of experience, imports) runs where the raw data is.")


def served_notes(view: View) -> None:
    """On a served database (``cxdata.engine.attach``): say what it cannot answer, and why an
    attribute filter in the link shows nothing."""
    if state.served_from(view.db.cur, view.db.key, view.db.version) is None:
        return
    st.info(_(SERVED), icon=":material/cloud:")
    if view.filters.attrs:
        from cxdata.engine.attach import NEEDS_RAW  # only on a served database (it loads sqlglot)

        needs = NEEDS_RAW["attribute"]
        st.warning(_(needs), icon=":material/filter_alt_off:")


def report_button(view: View) -> None:
    """"Download report": the meeting report of the view's filters (``report.build``), made when
    clicked, on Streamlit's download thread, with a cursor of its own (one per thread)."""
    from . import report

    lang = i18n.get_lang()  # the download runs on another thread: it takes the language along
    params = dict(view.filters.to_query_params()) | {k: v for k, v in view.params.items() if k == language.KEY}
    filters, link, key = view.filters, links.share_url("Overview", params), view.db.key

    def make() -> bytes:
        cur = state.connection(key).cursor()
        try:
            with i18n.using(lang):
                return report.build(cur, filters, link=link).encode("utf-8")
        finally:
            cur.close()

    day = filters.date_to.isoformat() if filters.date_to else "all"
    st.sidebar.download_button(_("Download report"), make, file_name=f"cx-report-{day}.html", mime="text/html",
                               on_click="ignore", icon=":material/summarize:", key="cx_report",
                               help=_("One HTML file of every page's figures and charts under these filters, "
                                      "with n and margins; it opens offline, to take into a meeting or send."))
