"""Presentation helpers of the Funnel page."""

from __future__ import annotations

import pandas as pd

from cxdata import i18n
from cxdata.filters import Filters
from cxdata.funnel import ALL_CHANNELS, DEFAULT_WINDOW_DAYS
from cxdata.i18n import N_, _

WINDOWS = (1, 7, 14, 30, 60, 90)
DEFAULT_WINDOW = DEFAULT_WINDOW_DAYS


def window_label(days: int) -> str:
    return i18n.ngettext("{n} day", "{n} days", days).format(n=days)


def overall_title(filters: Filters) -> str:
    """The title of the funnel across the chosen channels, as plain text (the builder escapes it)."""
    if not filters.channel:
        return _("Customers at each stage, all channels")
    return _("Customers at each stage, across {channels}").format(channels=_(" and ").join(filters.channel))


def channel_word(channel: str) -> str:
    """A channel as a table shows it: the funnel across the channels in the page's language."""
    return _("(all channels)") if channel == ALL_CHANNELS else channel


def _channels_first(table: pd.DataFrame) -> pd.DataFrame:
    """The rows (channels) with the funnel across the channels first, named for the reader."""
    table.index.name = _("Channel")
    table.columns.name = None
    table = table.reindex(sorted(table.index, key=lambda c: (c != ALL_CHANNELS, c)))
    return table.rename(index=channel_word)


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
    return _channels_first(table)


# ---- step order, time to convert, scores along the journey ----------------------------------
ORDERS = ("strict", "any")
ORDER_LABELS = {"strict": N_("In order"), "any": N_("Any order")}


def order_label(mode: str) -> str:
    return _(ORDER_LABELS[mode])


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
    t = pd.DataFrame({_("Channel"): days["channel"].map(channel_word), _("Step"): _move(days),
                      _("Customers at the previous stage"): days["entered"], _("Reached (n)"): days["n"]})
    for col, name in (("median", N_("Median days")), ("p25", N_("25th pct")), ("p75", N_("75th pct"))):
        t[_(name)] = days[col].round(1)
    for d in (1, 7, 30):
        t[_("Within {days} d (%)").format(days=d)] = days[f"within_{d}"].round(1)
    return t


def within_table(days: pd.DataFrame, within: int = 7) -> pd.DataFrame:
    """Channels as rows, steps as columns: % of those at the previous stage who reached the next
    within ``within`` days."""
    d = days.assign(move=_move(days))
    order = list(dict.fromkeys(d.sort_values("step")["move"]))
    table = d.pivot(index="channel", columns="move", values=f"within_{within}").round(1)[order]
    return _channels_first(table)


def rated(along: pd.DataFrame) -> int:
    """The NPS answers given at the funnel's stages, over the channels."""
    return int(along.loc[along["channel"] == ALL_CHANNELS, "nps_n"].sum())


def scores_table(along: pd.DataFrame) -> pd.DataFrame:
    """Per channel and stage: customers, % lost before the next stage, NPS and CSAT with their n
    and the small-sample flag, and whether the stage is rated below the channel's other stages."""
    return pd.DataFrame({
        _("Channel"): along["channel"].map(channel_word), _("Stage"): along["stage"],
        _("Customers"): along["customers"],
        _("Lost before the next stage (%)"): along["lost_after"].round(1),
        "NPS": along["nps"].round(1), "NPS n": along["nps_n"],
        "CSAT (%)": along["csat"].round(1), "CSAT n": along["csat_n"],
        _("Small sample"): along["nps_small"] | along["csat_small"],
        _("NPS vs the channel's other stages"): along["nps_vs_rest"].round(1),
        _("Rated worse (beyond the noise)"): along["rated_worse"]})
