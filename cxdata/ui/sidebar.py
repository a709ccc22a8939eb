"""The filter sidebar shared by every page, and its sync with the URL.

One path for the filter state: on the first run of a session the URL wins
(``Filters.from_query_params``, then values the data does not have are dropped with a notice);
from then on ``st.session_state["cx_filters"]`` is the truth, the widgets edit it, and every run
writes ``filters.to_query_params()`` back to the URL. Widgets are initialised from the truth
whenever Streamlit has forgotten them (it does on a page switch), never the other way round.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from cxdata import catalog, i18n
from cxdata.filters import LIST_FIELDS, Filters
from cxdata.i18n import _

from . import state
from .text import dimension_word, plain

TRUTH = "cx_filters"
NOTICES = "cx_filter_notices"
DATE_KEY = "flt_dates"
ATTR_KEY_PREFIX = "flt_attr:"
DEFAULT_DAYS = 90

LABELS = {f: catalog.FIELD_LABELS[f] for f in catalog.FILTER_COLUMNS}


def widget_key(field: str) -> str:
    return f"flt_{field}"


def default_dates(bounds: tuple[date | None, date | None]) -> tuple[date | None, date | None]:
    """The last ``DEFAULT_DAYS`` days of data (inclusive), or nothing when there is no data."""
    lo, hi = bounds
    if hi is None:
        return None, None
    start = hi - timedelta(days=DEFAULT_DAYS - 1)
    return (max(start, lo) if lo else start), hi


def validate(filters: Filters, options: dict[str, list[str]],
             attr_options: dict[str, list[str]]) -> tuple[Filters, list[str]]:
    """Drop filter values the data does not have (a typo in a link, a channel since deleted)."""
    notices: list[str] = []
    changes: dict = {}
    for field in LIST_FIELDS:
        vals = getattr(filters, field)
        known = [v for v in vals if v in options.get(field, ())]
        for v in vals:
            if v not in known:
                notices.append(_("Ignored {field} '{value}' from the link: no such {field} in the data.").format(
                    field=dimension_word(field), value=v[:40]))
        if len(known) != len(vals):
            changes[field] = known
    attrs = []
    for k, vals in filters.attrs:
        known = tuple(v for v in vals if v in attr_options.get(k, ()))
        if len(known) != len(vals):
            notices.append(_("Ignored attribute filter '{key}' values from the link: not in the data.").format(key=k[:40]))
        if known:
            attrs.append((k, known))
    if tuple(attrs) != filters.attrs:
        changes["attrs"] = tuple(attrs)
    return (filters.replace(**changes) if changes else filters), notices


def first_load(url: dict[str, list[str]], bounds, options, attr_options) -> tuple[Filters, list[str]]:
    """Filters from the URL of the first run, validated, with the default dates filled in (a date
    the date arithmetic cannot hold becomes the nearest end of the data, with a notice)."""
    filters, notices = Filters.from_query_params(url, bounds=bounds)
    filters, more = validate(filters, options, attr_options)
    notices += more
    d_from, d_to = default_dates(bounds)
    if filters.date_from is None and filters.date_to is None:
        filters = filters.replace(date_from=d_from, date_to=d_to)
    elif filters.date_from is None:  # only an end: the DEFAULT_DAYS before it
        filters = filters.replace(date_from=filters.date_to - timedelta(days=DEFAULT_DAYS - 1))
    elif filters.date_to is None:
        filters = filters.replace(date_to=max(d_to or filters.date_from, filters.date_from))
    return filters, notices


def set_filters(filters: Filters) -> None:
    """Make ``filters`` the truth and point the widgets at it (callable from widget callbacks,
    which run before the widgets are drawn)."""
    st.session_state[TRUTH] = filters
    _push_to_widgets(filters)


def _push_to_widgets(filters: Filters) -> None:
    if filters.date_from and filters.date_to:
        st.session_state[DATE_KEY] = (filters.date_from, filters.date_to)
    for field in LIST_FIELDS:
        st.session_state[widget_key(field)] = list(getattr(filters, field))
    for k in [k for k in st.session_state if str(k).startswith(ATTR_KEY_PREFIX)]:
        st.session_state[k] = []
    for k, vals in filters.attrs:
        st.session_state[ATTR_KEY_PREFIX + k] = list(vals)


def _reset(defaults: Filters) -> None:
    set_filters(defaults)
    st.session_state.pop(NOTICES, None)


def narrow(field: str, values: list[str]) -> None:
    """Narrow the truth to ``values`` of ``field`` (a filter field or ``attr:<key>``)."""
    current: Filters = st.session_state[TRUTH]
    if not values:
        return
    if field.startswith("attr:"):
        key = field[len("attr:"):]
        attrs = dict(current.attrs)
        attrs[key] = tuple(sorted(set(values)))
        set_filters(current.replace(attrs=tuple(sorted(attrs.items()))))
    elif field in LIST_FIELDS:
        set_filters(current.replace(**{field: values}))


def filters_from_widgets(current: Filters, attr_keys: list[str]) -> Filters:
    dates = st.session_state.get(DATE_KEY)
    d_from, d_to = current.date_from, current.date_to
    if isinstance(dates, tuple | list) and len(dates) == 2 and all(dates):
        d_from, d_to = dates  # a half-picked range (one date) keeps the previous one
    changes: dict = {"date_from": d_from, "date_to": d_to}
    for field in LIST_FIELDS:
        changes[field] = st.session_state.get(widget_key(field), [])
    attrs = []
    for k in attr_keys:
        vals = st.session_state.get(ATTR_KEY_PREFIX + k) or []
        if vals:
            attrs.append((k, tuple(sorted(set(vals)))))
    changes["attrs"] = tuple(attrs)
    return current.replace(**changes)


def _restore_widgets(filters: Filters, options: dict, attr_options: dict, attr_keys: list[str]) -> None:
    """Widgets Streamlit forgot (a page switch) or whose options moved (an import) take their
    values from the truth, keeping only values that still exist."""
    for field in LIST_FIELDS:
        k = widget_key(field)
        if k not in st.session_state:
            st.session_state[k] = list(getattr(filters, field))
        st.session_state[k] = [v for v in st.session_state[k] if v in options[field]]
    for k in attr_keys:
        wk = ATTR_KEY_PREFIX + k
        if wk not in st.session_state:
            st.session_state[wk] = list(dict(filters.attrs).get(k, ()))
        st.session_state[wk] = [v for v in st.session_state[wk] if v in attr_options.get(k, ())]
    if DATE_KEY not in st.session_state and filters.date_from and filters.date_to:
        st.session_state[DATE_KEY] = (filters.date_from, filters.date_to)


def _draw_widgets(filters: Filters, bounds, options: dict, attr_options: dict, attr_keys: list[str]) -> None:
    side = st.sidebar
    side.header(_("Filters"))
    lo, hi = bounds
    if lo and hi:
        side.date_input(
            _("Dates"), key=DATE_KEY, format="YYYY-MM-DD",
            min_value=min(lo, filters.date_from or lo), max_value=max(hi, filters.date_to or hi),
            help=_("Data runs from {first} to {last}. Opens on the last {days} days.").format(
                first=i18n.date(lo), last=i18n.date(hi), days=DEFAULT_DAYS),
        )
    else:
        side.caption(_("No data yet: dates appear after the first import."))
    for field in LIST_FIELDS:
        side.multiselect(_(LABELS[field]), options[field], key=widget_key(field), placeholder=_("All"))
    if attr_keys:
        with side.expander(_("Imported attributes"), expanded=bool(filters.attrs)):
            for k in attr_keys:
                # a widget label is markdown: an attribute name from a file is shown as typed
                st.multiselect(plain(k), attr_options.get(k, []), key=ATTR_KEY_PREFIX + k,
                               placeholder=_("All"))


def render(db: state.Database, url: dict[str, list[str]]) -> tuple[Filters, list[str]]:
    """Draw the filter widgets in the sidebar; return the filters to use and the notices to show."""
    bounds = state.date_bounds(db.cur, db.key, db.version)
    options = state.filter_options(db.cur, db.key, db.version)
    attr_options = state.attribute_options(db.cur, db.key, db.version)

    if TRUTH not in st.session_state:
        filters, notices = first_load(url, bounds, options, attr_options)
        st.session_state[NOTICES] = (filters, notices)
        set_filters(filters)
    filters: Filters = st.session_state[TRUTH]

    attr_keys = sorted(set(attr_options) | {k for k, _ in filters.attrs})
    _restore_widgets(filters, options, attr_options, attr_keys)
    _draw_widgets(filters, bounds, options, attr_options, attr_keys)
    defaults = Filters(*default_dates(bounds))
    st.sidebar.button(_("Reset filters"), on_click=_reset, args=(defaults,), key="flt_reset",
                disabled=filters == defaults)

    new = filters_from_widgets(filters, attr_keys)
    if new != filters:
        st.session_state[TRUTH] = new
        filters = new
    shown = st.session_state.get(NOTICES)
    notices = shown[1] if shown and shown[0] == filters else []
    return filters, notices
