"""The alert banner of the Overview: the KPIs that worsened beyond the noise (after the
Benjamini-Hochberg correction) or miss their target, each a link to the Trends view that shows it
(``cxdata/insight/alerts.py``).

    show_alert_banner(view)
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import streamlit as st

from cxdata.insight import alerts as lib

from . import links
from .page import View
from .text import KPI_NAMES, fmt_count, fmt_kpi, plain

SHOWN = 5  # alerts listed; the rest are counted


@st.cache_data(show_spinner=False, max_entries=16)
def evaluate(_cur, key: str, version: int, as_of: date) -> dict:
    """``insight.alerts.evaluate``, cached by database, data version and day."""
    return lib.evaluate(_cur, as_of)


def label(a: dict) -> str:
    """'CSAT, channel phone, July 2025: 76% → 59% (n 1,054 → 1,182), fell beyond the noise',
    markdown-safe."""
    kpi = a["kpi"]
    if a["test"] == "target":
        figure = f"{fmt_kpi(kpi, a['current'])} (n {fmt_count(a['n'])}), target {a['target']:g}"
    else:
        figure = (f"{fmt_kpi(kpi, a['previous'])} → {fmt_kpi(kpi, a['current'])} "
                  f"(n {fmt_count(a['previous_n'])} → {fmt_count(a['n'])})")
    return plain(f"{KPI_NAMES[kpi]}, {a['scope']}, {a['period_label']}: {figure}. {a['reason']}.")


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
    spans = " and ".join(p["label"] for p in out["periods"])
    with st.container(border=True):
        targets = ", and targets" if any(a["test"] == "target" for a in out["alerts"]) else ""
        st.markdown(f":material/notifications_active: **{len(out['alerts'])} alert"
                    f"{'s' if len(out['alerts']) > 1 else ''}**: {spans} against the period before"
                    f"{targets}; {out['comparisons']} comparisons over all the data, "
                    "Benjamini-Hochberg at 5%.")
        for a in out["alerts"][:SHOWN]:
            script, params = link_target(a)
            st.page_link(script, label=label(a), query_params=params, icon=":material/trending_down:")
        if len(out["alerts"]) > SHOWN:
            st.caption(f"and {len(out['alerts']) - SHOWN} more: `python -m cxdata alerts` lists them all.")
