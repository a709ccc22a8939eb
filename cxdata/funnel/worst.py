"""The weakest step of a funnel: where one channel converts worse than the others beyond the noise."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import i18n
from ..i18n import _
from ..journeys import ALL_CHANNELS


@dataclass(frozen=True)
class WorstStep:
    channel: str
    from_stage: str
    to_stage: str
    drop_off: float  # percent of those at from_stage who did not reach to_stage
    lost: int
    others_drop_off: float | None = None  # the same step on every other channel, pooled

    @property
    def words(self) -> str:
        fields = {"channel": self.channel, "start": self.from_stage, "end": self.to_stage,
                  "pct": i18n.number(self.drop_off, 0), "lost": i18n.count(self.lost)}
        if self.others_drop_off is None:
            return _("The biggest drop-off is on {channel}, from {start} to {end}: {pct}% of customers ({lost}) "
                     "do not go on.").format(**fields)
        return _("The weakest step is on {channel}, from {start} to {end}: {pct}% of customers ({lost}) do not "
                 "go on, against {others}% on the other channels (a gap beyond the noise).").format(
            others=i18n.number(self.others_drop_off, 0), **fields)


def worst_step(frame: pd.DataFrame, min_customers: int = 100) -> WorstStep | None:
    """The step a manager should look at first.

    Some steps lose most customers everywhere (few go on to advocacy), so the headline is the step
    where one channel converts worst *compared with the same step on the other channels*: the
    largest shortfall in conversion that exceeds the noise (two-proportion test at 95%). Only steps
    with at least ``min_customers`` at the stage before count. When no channel falls short beyond
    the noise, it is simply the largest drop-off."""
    single = frame[frame["channel"] != ALL_CHANNELS].copy()
    if single.empty:
        return None
    single = single.sort_values(["channel", "step"])
    single["entered"] = single.groupby("channel")["customers"].shift(1)
    steps = single[single["step"] > 1].dropna(subset=["entered"])
    totals = steps.groupby("step")[["entered", "customers"]].sum()
    best: tuple[float, WorstStep] | None = None
    fallback: WorstStep | None = None
    for row in steps.itertuples():
        if row.entered < min_customers:
            continue
        prev_stage = single[(single["channel"] == row.channel) & (single["step"] == row.step - 1)]["stage"].iloc[0]
        conv = row.customers / row.entered
        w = WorstStep(row.channel, prev_stage, row.stage, (1 - conv) * 100, int(row.entered - row.customers))
        if fallback is None or w.drop_off > fallback.drop_off:
            fallback = w
        o_entered = totals.loc[row.step, "entered"] - row.entered
        if o_entered < min_customers:
            continue
        o_conv = (totals.loc[row.step, "customers"] - row.customers) / o_entered
        se = math.sqrt(conv * (1 - conv) / row.entered + o_conv * (1 - o_conv) / o_entered)
        gap = o_conv - conv
        if gap > 1.96 * se and gap > 0 and (best is None or gap > best[0]):
            best = (gap, WorstStep(w.channel, w.from_stage, w.to_stage, w.drop_off, w.lost,
                                   (1 - o_conv) * 100))
    return best[1] if best else fallback
