"""The alert banner of the Overview: the KPIs that worsened beyond the noise (after the
Benjamini-Hochberg correction) or miss their target, each a link to the Trends view that shows it
(``cxdata/insight/alerts.py``).

    show_alert_banner(view)
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import streamlit as st

from cxdata.i18n import N_, _, ngettext
from cxdata.insight import alerts as lib
from cxdata.settings import number_words

from . import links
from .page import View
from .text import KPI_NAMES, dimension_word, fmt_count, fmt_kpi, plain

SHOWN = 5  # alerts listed; the rest are counted


@st.cache_data(show_spinner=False, max_entries=16)
def evaluate(_cur, key: str, version: int, as_of: date) -> dict:
    """``insight.alerts.evaluate``, cached by database, data version and day."""
    return lib.evaluate(_cur, as_of)


OVERALL = N_("overall")


def scope_words(a: dict) -> str:
    """'overall', 'channel phone' (the value as in the data), in the page's language."""
    if a["scope_field"] == "overall":
        return _(OVERALL)
    return f"{dimension_word(a['scope_field'])} {a['scope_value']}"


def label(a: dict) -> str:
    """'CSAT, channel phone, July 2025: 76% → 59% (n 1,054 → 1,182). CSAT fell against the previous
    month, beyond the noise after the correction.', markdown-safe, in the page's language (the words
    made here from the alert's fields: the cached alerts may have been made in another language)."""
    kpi = a["kpi"]
    if a["test"] == "target":
        figure = _("{value} (n {n}), target {target}").format(
            value=fmt_kpi(kpi, a["current"]), n=fmt_count(a["n"]), target=number_words(a["target"]))
    else:
        figure = (f"{fmt_kpi(kpi, a['previous'])} → {fmt_kpi(kpi, a['current'])} "
                  f"(n {fmt_count(a['previous_n'])} → {fmt_count(a['n'])})")
    period = lib.period_label(a["period"], a["current_from"], a["current_to"])
    return plain(f"{KPI_NAMES[kpi]}, {scope_words(a)}, {period}: {figure}. {lib.reason(a)}.")


def link_target(a: dict) -> tuple[str, dict[str, list[str]]]:
    """(page script, query params) of an alert's link ('Trends?kpi=...')."""
    parts = urlsplit(a["link"])
    return links.page(parts.path).script, parse_qs(parts.query)


def show_alert_banner(view: View, as_of: date | None = None) -> None:
    """Nothing when no alert fires; else a bordered box: how many, over which periods, and a link
    per alert (the first ``SHOWN``). Alerts look at all the data, not the view's filters."""
    out = evaluate(view.db.cur, view.db.key, view.db.version, as_of or date.today())
    if not out["alerts"]:
        return
    spans = [lib.period_label(p["period"], *p["current"]) for p in out["periods"]]
    n = len(out["alerts"])
    with st.container(border=True):
        said = (_("{alerts}: {spans} against the period before, and targets; {comparisons} comparisons over all "
                  "the data, Benjamini-Hochberg at 5%.")
                if any(a["test"] == "target" for a in out["alerts"]) else
                _("{alerts}: {spans} against the period before; {comparisons} comparisons over all the data, "
                  "Benjamini-Hochberg at 5%."))
        st.markdown(":material/notifications_active: " + said.format(
            alerts="**" + ngettext("{n} alert", "{n} alerts", n).format(n=fmt_count(n)) + "**",
            spans=_("{first} and {second}").format(first=spans[0], second=spans[1]) if len(spans) == 2
            else ", ".join(spans), comparisons=fmt_count(out["comparisons"])))
        for a in out["alerts"][:SHOWN]:
            script, params = link_target(a)
            st.page_link(script, label=label(a), query_params=params, icon=":material/trending_down:")
        if n > SHOWN:
            st.caption(_("and {n} more: `python -m cxdata alerts` lists them all.").format(n=fmt_count(n - SHOWN)))
