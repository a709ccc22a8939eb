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
