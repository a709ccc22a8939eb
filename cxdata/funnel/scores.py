"""Survey scores along the journey: beside each funnel stage and channel, the KPIs of the responses
given at that journey stage on that channel, so a manager sees whether the stage that loses
customers is also the one they rate worst.

How it is counted. Responses carry the journey stage and channel they were given at; every filter
applies to them except the stage filter (the funnel is made of the stages). Per channel and per
stage: NPS, CSAT and CES with their n (``queries.kpi_heatmap``), and over all channels per stage
(``queries.segment_breakdown``). Beside each stage of the funnel: the customers at the stage, the
share that goes on to the next stage (``goes_on``) and the share lost after it (``lost_after``).
A stage is rated worse than the channel's other stages when its NPS is below theirs (their
responses pooled) beyond the noise (``kpis.change``: 1.96 standard errors of the difference).
"""

from __future__ import annotations

import pandas as pd

from .. import i18n, kpis, queries
from ..filters import Filters
from ..i18n import N_, _
from ..journeys import ALL_CHANNELS

KPI_COLUMNS = ["nps", "nps_moe", "nps_n", "promoters", "passives", "detractors", "csat", "csat_n", "ces", "ces_n"]
COLUMNS = ["channel", "step", "stage", "customers", "goes_on", "lost_after", *KPI_COLUMNS,
           "nps_small", "csat_small", "nps_vs_rest", "nps_differs", "rated_worse"]


def stage_scores(con, filters: Filters) -> pd.DataFrame:
    """Every KPI per journey stage and channel of the responses, and per stage over the channels
    (channel ``(all channels)``): channel, stage and ``KPI_COLUMNS``."""
    f = filters.replace(stage=())
    grid = queries.kpi_heatmap(con, f, "journey_stage", "channel")
    if grid.empty:
        return pd.DataFrame(columns=["channel", "stage", *KPI_COLUMNS])
    grid = grid.rename(columns={"row": "stage", "col": "channel"})
    over = queries.segment_breakdown(con, f, "journey_stage").rename(columns={"value": "stage"})
    over["channel"] = ALL_CHANNELS
    return pd.concat([over[["channel", "stage", *KPI_COLUMNS]], grid[["channel", "stage", *KPI_COLUMNS]]],
                     ignore_index=True)


def along_journey(steps: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """The funnel's stages (``funnel_steps``) beside their scores (``stage_scores``): one row per
    channel and stage, ``COLUMNS``. A stage nobody rated has NaN scores and n 0."""
    if steps.empty:
        return pd.DataFrame(columns=COLUMNS)
    d = steps[["channel", "step", "stage", "customers"]].copy()
    nxt = steps.assign(step=steps["step"] - 1)[["channel", "step", "from_previous"]]
    d = d.merge(nxt.rename(columns={"from_previous": "goes_on"}), on=["channel", "step"], how="left")
    d["lost_after"] = 100 - d["goes_on"]
    d = d.merge(scores, on=["channel", "stage"], how="left")
    for col in ("nps_n", "csat_n", "ces_n", "promoters", "passives", "detractors"):
        d[col] = d[col].fillna(0).astype("int64")
    d["nps_small"] = d["nps_n"] < kpis.SMALL_SAMPLE
    d["csat_small"] = d["csat_n"] < kpis.SMALL_SAMPLE
    _versus_rest_of_channel(d)
    return d[COLUMNS]


def _versus_rest_of_channel(d: pd.DataFrame) -> None:
    """``nps_vs_rest``: the stage's NPS minus that of the channel's other stages of the funnel;
    ``nps_differs``: beyond the noise; ``rated_worse``: below them beyond the noise."""
    totals = d.groupby("channel")[["promoters", "passives", "detractors"]].transform("sum")
    deltas, differs = [], []
    for row, tot in zip(d.itertuples(), totals.itertuples(), strict=True):
        here = kpis.nps(row.promoters, row.passives, row.detractors)
        rest = kpis.nps(tot.promoters - row.promoters, tot.passives - row.passives, tot.detractors - row.detractors)
        ch = kpis.change(here.value, here.se, rest.value, rest.se, here.n, rest.n)
        deltas.append(ch.delta)
        differs.append(bool(ch.significant))
    d["nps_vs_rest"] = pd.to_numeric(pd.Series(deltas, index=d.index, dtype="object"), errors="coerce")
    d["nps_differs"] = differs
    d["rated_worse"] = d["nps_differs"] & (d["nps_vs_rest"] < 0)


def biggest_loss(along: pd.DataFrame, channel: str = ALL_CHANNELS, min_customers: int = kpis.SMALL_SAMPLE):
    """The stage of ``channel`` after which the largest share of its customers is lost (among
    stages with at least ``min_customers``), as a row of ``along_journey``; None if none."""
    d = along[(along["channel"] == channel) & along["lost_after"].notna() & (along["customers"] >= min_customers)]
    return None if d.empty else d.loc[d["lost_after"].idxmax()]


def loss_words(row) -> str:
    """One sentence: where the channel loses most customers and how that stage is rated."""
    lost = _("{pct}% of the {n} customers at {stage} do not go on").format(
        pct=i18n.number(row.lost_after, 0), n=i18n.count(row.customers), stage=row.stage)
    if row.nps_n == 0:
        return _("{lost}; no survey response was given at that stage.").format(lost=lost)
    n = i18n.count(row.nps_n) + (", " + _("small sample") if row.nps_small else "")
    nps = _("NPS there is {nps} (n = {n})").format(nps=i18n.number(row.nps, 0, sign=True), n=n)
    if pd.isna(row.nps_vs_rest):
        return f"{lost}; {nps}."
    gap = _(GAP_WORDS[(bool(row.nps_vs_rest < 0), bool(row.nps_differs))]).format(
        points=i18n.number(abs(row.nps_vs_rest), 0))
    return f"{lost}; {nps}, {gap}."


GAP_WORDS = {  # (below, beyond the noise) -> words
    (True, True): N_("{points} points below the other stages, beyond the noise"),
    (True, False): N_("{points} points below the other stages, within the noise"),
    (False, True): N_("{points} points above the other stages, beyond the noise"),
    (False, False): N_("{points} points above the other stages, within the noise"),
}
