"""Presentation helpers of the Funnel page."""

from __future__ import annotations

import pandas as pd

from cxdata.filters import Filters
from cxdata.funnel import ALL_CHANNELS, DEFAULT_WINDOW_DAYS

WINDOWS = (1, 7, 14, 30, 60, 90)
DEFAULT_WINDOW = DEFAULT_WINDOW_DAYS


def window_label(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def overall_title(filters: Filters) -> str:
    """The title of the funnel across the chosen channels, as plain text (the builder escapes it)."""
    across = "across " + " and ".join(filters.channel) if filters.channel else "all channels"
    return f"Customers at each stage, {across}"


def overall(steps: pd.DataFrame) -> pd.DataFrame:
    return steps[steps["channel"] == ALL_CHANNELS].reset_index(drop=True)


def whole(across: pd.DataFrame, per_channel: pd.DataFrame) -> pd.DataFrame:
    """The page's funnel from its two parts (``funnel.split_across``): the funnel across the chosen
    channels first, as ``funnel_steps`` orders it."""
    return pd.concat([across, per_channel], ignore_index=True)


def starters(steps: pd.DataFrame) -> int:
    first = overall(steps)
    return int(first["customers"].iloc[0]) if len(first) else 0


def conversion_table(steps: pd.DataFrame) -> pd.DataFrame:
    """Channels as rows, 'stage a → stage b' as columns: % of those at a who reached b."""
    d = steps[steps["step"] > 1].copy()
    order = list(dict.fromkeys(steps.sort_values("step")["stage"].astype(str)))
    d["move"] = [f"{order[s - 2]} → {order[s - 1]}" for s in d["step"]]
    table = d.pivot(index="channel", columns="move", values="from_previous").round(1)
    table = table[[f"{a} → {b}" for a, b in zip(order, order[1:], strict=False)]]
    table.index.name = "Channel"
    table.columns.name = None
    return table.reindex(sorted(table.index, key=lambda c: (c != ALL_CHANNELS, c)))


# ---- step order, time to convert, scores along the journey ----------------------------------
ORDERS = ("strict", "any")
ORDER_LABELS = {"strict": "In order", "any": "Any order"}


def order_label(mode: str) -> str:
    return ORDER_LABELS[mode]


def _move(days: pd.DataFrame) -> list[str]:
    return [f"{a} → {b}" for a, b in zip(days["from_stage"], days["stage"], strict=True)]


def converters(days: pd.DataFrame) -> int:
    """How many journeys the time-to-convert chart is drawn from: those reaching the second stage
    across the channels (each later step's n is part of them)."""
    first = days[(days["channel"] == ALL_CHANNELS) & (days["step"] == 2)]
    return int(first["n"].iloc[0]) if len(first) else 0


def time_table(days: pd.DataFrame) -> pd.DataFrame:
    """The chart's figures as a table: per channel and step, n, median and quartiles in days, and
    the shares within 1, 7 and 30 days."""
    t = pd.DataFrame({"Channel": days["channel"], "Step": _move(days), "Customers at the previous stage":
                      days["entered"], "Reached (n)": days["n"]})
    for col, name in (("median", "Median days"), ("p25", "25th pct"), ("p75", "75th pct")):
        t[name] = days[col].round(1)
    for d in (1, 7, 30):
        t[f"Within {d} d (%)"] = days[f"within_{d}"].round(1)
    return t


def within_table(days: pd.DataFrame, within: int = 7) -> pd.DataFrame:
    """Channels as rows, steps as columns: % of those at the previous stage who reached the next
    within ``within`` days."""
    d = days.assign(move=_move(days))
    order = list(dict.fromkeys(d.sort_values("step")["move"]))
    table = d.pivot(index="channel", columns="move", values=f"within_{within}").round(1)[order]
    table.index.name = "Channel"
    table.columns.name = None
    return table.reindex(sorted(table.index, key=lambda c: (c != ALL_CHANNELS, c)))


def rated(along: pd.DataFrame) -> int:
    """The NPS answers given at the funnel's stages, over the channels."""
    return int(along.loc[along["channel"] == ALL_CHANNELS, "nps_n"].sum())


def scores_table(along: pd.DataFrame) -> pd.DataFrame:
    """Per channel and stage: customers, % lost before the next stage, NPS and CSAT with their n
    and the small-sample flag, and whether the stage is rated below the channel's other stages."""
    return pd.DataFrame({
        "Channel": along["channel"], "Stage": along["stage"], "Customers": along["customers"],
        "Lost before the next stage (%)": along["lost_after"].round(1),
        "NPS": along["nps"].round(1), "NPS n": along["nps_n"],
        "CSAT (%)": along["csat"].round(1), "CSAT n": along["csat_n"],
        "Small sample": along["nps_small"] | along["csat_small"],
        "NPS vs the channel's other stages": along["nps_vs_rest"].round(1),
        "Rated worse (beyond the noise)": along["rated_worse"]})
