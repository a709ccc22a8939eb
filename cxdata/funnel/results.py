"""The strategies' wide counts (``channel, c1..cN``) reshaped into the steps a page draws."""

from __future__ import annotations

import pandas as pd

from ..journeys import ALL_CHANNELS

COLUMNS = ["channel", "step", "stage", "customers", "from_previous", "from_start", "drop_off"]


def steps_frame(wide: pd.DataFrame, order: tuple[str, ...], per_channel: bool, across_channels: bool) -> pd.DataFrame:
    """One row per channel and step (``COLUMNS``), the cross-channel funnel first; empty when
    nobody entered. Every channel gets every step, with 0 customers where nobody got that far;
    percentages: of the previous step (100 at step 1), of step 1, and lost since the previous."""
    found = wide.melt(id_vars="channel", var_name="step", value_name="customers")
    found["step"] = found["step"].str[1:].astype(int)
    keep = (found["channel"] == ALL_CHANNELS) & across_channels | (found["channel"] != ALL_CHANNELS) & per_channel
    found = found[keep]
    if found.empty or not found["customers"].any():
        return pd.DataFrame(columns=COLUMNS)
    grid = found[["channel"]].drop_duplicates().merge(
        pd.DataFrame({"step": range(1, len(order) + 1)}), how="cross")
    frame = grid.merge(found, on=["channel", "step"], how="left").fillna({"customers": 0})
    frame["customers"] = frame["customers"].astype("int64")
    frame["stage"] = frame["step"].map(lambda k: order[k - 1])
    frame = frame.sort_values(["channel", "step"]).reset_index(drop=True)
    first = frame.groupby("channel")["customers"].transform("first")
    prev = frame.groupby("channel")["customers"].shift(1)
    frame["from_start"] = (frame["customers"] / first * 100).where(first > 0)
    frame["from_previous"] = (frame["customers"] / prev * 100).where(prev > 0)
    frame.loc[frame["step"] == 1, "from_previous"] = 100.0
    frame["drop_off"] = 100 - frame["from_previous"]
    # Put the cross-channel funnel first: it is the headline.
    frame["_o"] = (frame["channel"] != ALL_CHANNELS).astype(int)
    frame = frame.sort_values(["_o", "channel", "step"]).drop(columns="_o").reset_index(drop=True)
    return frame[COLUMNS]
