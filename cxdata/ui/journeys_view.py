"""The Journeys page's helpers, and the Overview's value-of-experience tile: cached queries
(``cxdata.paths``, ``cxdata.value``), the Sankey, the value chart, their tables and metrics."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxdata import i18n
from cxdata import paths as paths_lib
from cxdata import value as value_lib
from cxdata.filters import Filters
from cxdata.first_start import building
from cxdata.i18n import N_, _
from cxdata.kpis import SMALL_SAMPLE

from . import palette, startup
from .page import View
from .plot import BAD, GOOD, NEUTRAL, hex_rgba, layout
from .text import esc, fmt_count, plain

VALUE_DAYS = (90, 180, 365, 730)
GROUP_LABELS = {"promoter": N_("Promoters (9-10)"), "passive": N_("Passives (7-8)"),
                "detractor": N_("Detractors (0-6)"), "satisfied": N_("CSAT satisfied (4-5)"),
                "not_satisfied": N_("CSAT not satisfied (1-3)")}
CAVEAT = N_("An association, not an effect: customers who give high scores may spend more for reasons that "
          "also make them give high scores. Revenue: each customer's sales in the days after their latest "
          "response in the period (an event at the response's instant is not counted; one at the last "
            "day's instant is); customers with no sales count as 0. Interval: normal, 95%.")


PATHS_NOTE = N_("The journeys of the funnel across channels (first entry in the period, the same counts as the "
                "Funnel page); the journey-stage filter does not apply.")
COST_NOTE = N_("On a database this size both sections take seconds the first time a filter set is asked (at 10 "
               "million responses and 50 million events: paths 4-13 s, value 7-23 s on a busy 2-core machine), "
               "then come from the cache.")


# ---- cached queries -----------------------------------------------------------------------------
# the spinners' words in the page's language: drawn around the cached call (shown after 0.5 s)
def paths(_cur, key: str, version: int, filters: Filters, window_days: int) -> dict:
    with st.spinner(_("Following each journey across channels…")):
        return _paths(_cur, key, version, filters, window_days)


@st.cache_data(show_spinner=False, max_entries=128)
def _paths(_cur, key: str, version: int, filters: Filters, window_days: int) -> dict:
    return paths_lib.paths(_cur, filters, window_days=window_days, top=100)


def value(_cur, key: str, version: int, filters: Filters, days: int) -> dict:
    with st.spinner(_("Adding up each customer's revenue after their response…")):
        return _value(_cur, key, version, filters, days)


@st.cache_data(show_spinner=False, max_entries=128)
def _value(_cur, key: str, version: int, filters: Filters, days: int) -> dict:
    return value_lib.value_of_experience(_cur, filters, days=days)


# ---- words --------------------------------------------------------------------------------------
def euros(amount: str) -> str:
    """An amount already formatted, with the euro sign where the language puts it."""
    return _("€{amount}").format(amount=amount)


def eur(v) -> str:
    return "–" if v is None else euros(i18n.number(v, 0 if abs(v) >= 1000 else 2))


def interval(d: dict) -> str:
    if d.get("low") is None:
        return _("no interval (fewer than 2 customers)")
    return _("95%: {low} to {high}").format(low=eur(d["low"]), high=eur(d["high"]))


def days_label(days: int) -> str:
    return i18n.ngettext("{n} day", "{n} days", days).format(n=days)


def path_words(path: list, stopped: bool) -> str:
    return " → ".join(str(c) for c in path) + (" " + _("(stopped)") if stopped else "")


# ---- the paths ----------------------------------------------------------------------------------
def links_frame(out: dict) -> pd.DataFrame:
    return pd.DataFrame(out["links"], columns=["stage_from", "channel_from", "stage_to", "channel_to", "customers"])


def paths_table(out: dict, top: int = 20) -> pd.DataFrame:
    """The most travelled paths that reached the last stage before the purchase (the ones that
    stopped earlier are in ``stopped_note``)."""
    went_on = [p for p in out["paths"] if not p["stopped"]][:top]
    stage = out["purchase_stage"]
    rows = [{_("Path before {stage}").format(stage=stage): path_words(p["path"], p["stopped"]),
             _("Customers"): p["customers"], _("Share of journeys (%)"): round(100 * p["share"], 1),
             _("Went on to {stage} (%)").format(stage=stage): round(100 * p["purchase_share"], 1),
             _("Small sample"): _("yes") if p["customers"] < SMALL_SAMPLE else ""} for p in went_on]
    return pd.DataFrame(rows)


def stopped_note(out: dict) -> str:
    """How many journeys stopped before the last stage before the purchase, in words."""
    names = [s["stage"] for s in out["stages"]]
    before = max(names.index(out["purchase_stage"]) - 1, 0)
    stopped = out["journeys"] - out["stages"][before]["customers"]
    share = stopped / out["journeys"] if out["journeys"] else 0
    return plain(_("Not in the table: {n} journeys ({pct}%) that stopped before {stage}.").format(
        n=fmt_count(stopped), pct=i18n.number(100 * share, 0), stage=names[before]))


def _node_positions(out: dict) -> tuple[list[dict], dict]:
    stages = [s["stage"] for s in out["stages"] if s["customers"]]
    nodes = [n for n in out["nodes"] if n["stage"] in stages]
    index = {(n["stage"], n["channel"]): i for i, n in enumerate(nodes)}
    return nodes, index


def sankey(out: dict, title: str) -> go.Figure:
    """One node per channel per stage (stages left to right), links sized by customers. Every
    label from the data is escaped (``esc``)."""
    nodes, index = _node_positions(out)
    stages = list(dict.fromkeys(n["stage"] for n in nodes))
    channels = sorted({str(n["channel"]) for n in nodes})
    color = palette.colours(channels)  # the channel's colour on every page
    span = max(len(stages) - 1, 1)
    links = [lk for lk in out["links"] if (lk["stage_to"], lk["channel_to"]) in index]
    fig = go.Figure(go.Sankey(arrangement="snap", node=_sankey_nodes(nodes, stages, color, span),
                              link=_sankey_links(links, index, color)))
    for i, s in enumerate(stages):
        anchor = "left" if i == 0 else "right" if i == span else "center"
        fig.add_annotation(x=i / span, y=1.06, xref="paper", yref="paper", showarrow=False,
                           text=f"<b>{esc(s)}</b>", xanchor=anchor)
    layout(fig, title, height=520)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


def _sankey_nodes(nodes: list[dict], stages: list, color: dict, span: int) -> dict:
    return {"label": [esc(n["channel"]) for n in nodes], "pad": 12, "thickness": 14,
            "color": [color[str(n["channel"])] for n in nodes],
            "x": [0.001 + 0.998 * stages.index(n["stage"]) / span for n in nodes],
            "customdata": [esc(n["stage"]) for n in nodes],
            "hovertemplate": "%{customdata} · %{label}<br>" + _("{n} customers").format(n="%{value:,}")
                             + "<extra></extra>"}


def _sankey_links(links: list[dict], index: dict, color: dict) -> dict:
    return {"source": [index[(lk["stage_from"], lk["channel_from"])] for lk in links],
            "target": [index[(lk["stage_to"], lk["channel_to"])] for lk in links],
            "value": [lk["customers"] for lk in links],
            "color": [hex_rgba(color[str(lk["channel_from"])], 0.35) for lk in links],
            "hovertemplate": "%{source.label} → %{target.label}<br>" + _("{n} customers").format(n="%{value:,}")
                             + "<extra></extra>"}


def switching_metric(out: dict) -> None:
    """Two cards: how many journeys reached the purchase, and how many of those changed channel."""
    share, buyers, journeys = out["switching_share"], out["buyers"], out["journeys"]
    left, right = st.columns(2)
    with left:
        st.metric(_("Journeys that reached {stage}").format(stage=out["purchase_stage"]),
                  f"{i18n.number(100 * buyers / journeys, 0)}%", border=True)
        st.caption(_("n = {n} journeys").format(n=fmt_count(journeys)) + _small(journeys))
    with right:
        st.metric(_("Buyers who changed channel before buying"),
                  "–" if share is None else f"{i18n.number(100 * share, 0)}%",
                  border=True, help=_("Of the journeys that reached the purchase, the share whose steps up to and "
                                      "including the purchase used more than one channel."))
        st.caption(_("n = {n} buyers").format(n=fmt_count(buyers)) + _small(buyers))


def _small(n: int) -> str:
    return " · **" + _("small sample") + "**" if n < SMALL_SAMPLE else ""


# ---- the value of experience --------------------------------------------------------------------
def value_frame(val: dict) -> pd.DataFrame:
    rows = []
    for name, g in [*val["groups"].items(), *val["csat"].items()]:
        rows.append({_("Group"): _(GROUP_LABELS[name]), _("Customers"): g["customers"],
                     _("Revenue per customer (€)"): _round(g["revenue_per_customer"]),
                     _("Low (95%)"): _round(g["low"]), _("High (95%)"): _round(g["high"]),
                     _("Came back (%)"): _round(None if g["return_share"] is None else 100 * g["return_share"], 1),
                     _("Small sample"): _("yes") if g["small_sample"] else ""})
    return pd.DataFrame(rows)


def _round(v, digits: int = 2):
    return None if v is None else round(v, digits)


def _error_bars(groups: list) -> dict:
    """Plotly's asymmetric error bars from each group's interval (none where it has none)."""
    def gap(g: dict, end: str) -> float:
        return 0 if g[end] is None else abs(g[end] - g["revenue_per_customer"])
    return {"type": "data", "visible": True, "array": [gap(g, "high") for _name, g in groups],
            "arrayminus": [gap(g, "low") for _name, g in groups]}


def value_figure(val: dict, title: str) -> go.Figure:
    """Mean revenue per customer of each group with its 95% interval; small samples hatched."""
    groups = [*val["groups"].items(), *val["csat"].items()]
    fig = go.Figure(go.Bar(
        x=[_(GROUP_LABELS[k]) for k, _g in groups], y=[g["revenue_per_customer"] or 0 for _k, g in groups],
        marker_color=[GOOD, NEUTRAL, BAD, GOOD, BAD],
        marker_pattern_shape=["/" if g["small_sample"] else "" for _k, g in groups],
        error_y=_error_bars(groups),
        text=[f"{eur(g['revenue_per_customer'])}<br>n = {i18n.count(g['customers'])}" for _k, g in groups],
        textposition="inside", insidetextanchor="middle",
        hovertemplate="%{x}<br>" + _("{amount} per customer").format(amount=euros("%{y:,.2f}"))
                      + "<extra></extra>"))
    layout(fig, title, height=420)
    fig.update_layout(separators=i18n.plotly_separators())
    fig.update_yaxes(title=_("Revenue per customer (€)"), tickformat=",")
    return fig


def difference_metrics(val: dict) -> None:
    """The difference promoters - detractors and the value of a point, each with its interval."""
    d, pt = val["difference"], val["value_of_a_point"]
    left, right = st.columns(2)
    with left:
        st.metric(_("Promoters − detractors, revenue per customer"), eur(d["value"]), border=True,
                  help=_("Difference of the two groups' means, with its 95% interval (normal)."))
        noise = _("beyond the noise") if d["significant"] else _("within the noise")
        st.caption(f"{interval(d)} · {noise} · " + _("n = {promoters} promoters, {detractors} detractors").format(
            promoters=fmt_count(val["groups"]["promoter"]["customers"]),
            detractors=fmt_count(val["groups"]["detractor"]["customers"])) + cut_short_note(val))
    with right:
        st.metric(_("Value of a point (association)"), eur(pt["value"]), border=True,
                  help=_("If one customer in a hundred moved from detractor to promoter (NPS +2 points), "
                         "expected revenue per customer would change by this much: an association seen in "
                         "the data, not a promise."))
        st.caption(_("per customer, one in a hundred from detractor to promoter (NPS +{points})").format(
            points=i18n.number(pt["nps_points"], 0)) + f" · {interval(pt)}")


def cut_short_note(val: dict) -> str:
    """A sentence when part of the customers' N days lies after the last event in the data."""
    share = val.get("cut_short_share") or 0
    if share < 0.05:
        return ""
    return " · " + _("for {pct}% of these customers the {days} days run past the last event in the data: their "
                     "revenue is not all in yet (choose an earlier period for full years)").format(
        pct=i18n.number(100 * share, 0), days=val["days"])


# Above this many responses the Overview asks before it computes the tile (at 10M responses and
# 50M events the query takes seconds: bench/journeys.py), so the page keeps its speed.
TILE_ASKS_ABOVE = 1_000_000


@st.cache_data(show_spinner=False, max_entries=16)
def response_count(_cur, key: str, version: int) -> int:
    return _cur.execute("select count(*) from responses").fetchone()[0]


def cost_note(view: View) -> str:
    """``COST_NOTE`` (translated, after a space) on a database large enough for it to matter, else nothing."""
    big = response_count(view.db.cur, view.db.key, view.db.version) > TILE_ASKS_ABOVE
    return " " + _(COST_NOTE) if big else ""


def value_tile(view: View, slot=None, days: int = value_lib.DEFAULT_DAYS) -> None:
    """The Overview's tile, drawn in ``slot`` (a container the page placed; it can be filled after
    the rest of the page): promoters - detractors revenue per customer with its interval, and a
    link to the Journeys page with the same filters. On a large database it waits for a click."""
    box = (slot or st).container(border=True)
    big = response_count(view.db.cur, view.db.key, view.db.version) > TILE_ASKS_ABOVE
    build = building(view.db.key)
    if build is not None:  # a first start: the journey events are being stored
        box.markdown(_("**Value of experience** · promoters − detractors, revenue per customer in the "
                       "{days} days after their response").format(days=days))
        with box:
            startup.follow_build(build, lambda step: _("Comes when the journey events are stored: {step}")
                                 .format(step=step))
    elif big and not st.session_state.get("cx_value_tile"):
        box.markdown(_("**Value of experience** · promoters − detractors, revenue per customer in the "
                       "{days} days after their response").format(days=days))
        box.button(_("Compute it (seconds on this database)"), key="value_tile_go",
                   on_click=lambda: st.session_state.update(cx_value_tile=True))
    else:
        val = value(view.db.cur, view.db.key, view.db.version, view.filters, days)
        d = val["difference"]
        # markdown, not st.metric: the Overview's metrics are its three KPI cards
        box.markdown(_("**Value of experience** · promoters − detractors, revenue per customer in the {days} "
                       "days after their response: **{amount}** (an association, not an effect)").format(
            days=days, amount=eur(d["value"])))
        box.caption(f"{interval(d)} · " + _("n = {n} customers").format(n=fmt_count(val["customers"]))
                    + ("" if d["significant"] else " · " + _("within the noise")) + cut_short_note(val))
    with box:
        st.page_link("pages/5_Journeys.py", label=_("Paths and value on the Journeys page"),
                     icon=":material/arrow_forward:", query_params=view.filters.to_query_params())


def stage_note(out: dict) -> str:
    return plain(" → ".join(f"{s['stage']} {fmt_count(s['customers'])}" for s in out["stages"]))
