"""Ordered journey funnels per channel, from the ``interactions`` table.

How the query works. Stages come in their stored order (table ``stages``). For every customer
(and channel), step 1 is reached at the first event of the first stage in the filtered period;
step k is reached at the earliest event of stage k that is no earlier than the time step k-1 was
reached and no later than the step-1 time plus the conversion window. Taking the earliest time at
every step is what lets the most customers through, so a customer counts at a stage only after
reaching all the previous ones, in order, within the window. One CTE per stage, chained; their
number comes from the stage list, every value (stage names, window) is bound.

Per-channel funnels count only events on that channel; the ``(all channels)`` funnel lets a journey
cross channels (discover on social, buy in the store).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .db import stages as stored_stages
from .filters import Filters

ALL_CHANNELS = "(all channels)"
DEFAULT_WINDOW_DAYS = 30


def _funnel_sql(n_steps: int, across_channels: bool, where: str) -> str:
    channel_expr = "$all_label" if across_channels else "channel"
    ctes = [
        f"events as (select customer_id, {channel_expr} as channel, stage, occurred_at "  # noqa: S608
        f"from interactions where {where} and list_contains($stages, stage))",
        "step1 as (select customer_id, channel, min(occurred_at) as t1, min(occurred_at) as t "
        "from events where stage = $s1 group by customer_id, channel)",
    ]
    for k in range(2, n_steps + 1):
        ctes.append(
            f"step{k} as (select p.customer_id, p.channel, p.t1, min(e.occurred_at) as t "  # noqa: S608 - k is an int
            f"from step{k - 1} p join events e on e.customer_id = p.customer_id "
            f"and e.channel = p.channel and e.stage = $s{k} and e.occurred_at >= p.t "
            f"and e.occurred_at <= p.t1 + $window_days * interval 1 day "
            f"group by p.customer_id, p.channel, p.t1)"
        )
    counts = " union all ".join(
        f"select channel, {k} as step, count(*) as customers from step{k} group by channel"  # noqa: S608
        for k in range(1, n_steps + 1)
    )
    return "with " + ",\n".join(ctes) + f"\nselect * from ({counts}) order by channel, step"


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
        head = (f"on {self.channel}, from {self.from_stage} to {self.to_stage}: {self.drop_off:.0f}% of "
                f"customers ({self.lost:,}) do not go on")
        if self.others_drop_off is None:
            return f"The biggest drop-off is {head}."
        return (f"The weakest step is {head}, against {self.others_drop_off:.0f}% on the other channels "
                "(a gap beyond the noise).")


def funnel_steps(con, filters: Filters, window_days: int = DEFAULT_WINDOW_DAYS,
                 per_channel: bool = True, across_channels: bool = True,
                 stages: list[str] | None = None) -> pd.DataFrame:
    """Customers at each stage of the ordered funnel, per channel and/or across channels.

    Columns: channel, step (1-based), stage, customers, from_previous (% of the previous step),
    from_start (% of step 1), drop_off (% lost since the previous step). The ``stage`` filter is
    not applied (the funnel is made of stages); every other filter is."""
    order = list(stages) if stages is not None else stored_stages(con)
    if not order:
        raise ValueError("no journey stages defined")
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    where, params = filters.where_sql("interactions", skip=("stage",))
    params |= {f"s{k}": s for k, s in enumerate(order, start=1)}
    params |= {"stages": order, "window_days": int(window_days)}
    parts = []
    if per_channel:
        parts.append(con.execute(_funnel_sql(len(order), False, where), params).df())
    if across_channels:
        parts.append(con.execute(_funnel_sql(len(order), True, where), params | {"all_label": ALL_CHANNELS}).df())
    found = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    cols = ["channel", "step", "stage", "customers", "from_previous", "from_start", "drop_off"]
    if found.empty:
        return pd.DataFrame(columns=cols)
    # Every channel gets every step, with 0 customers where nobody got that far.
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
    return frame[cols]


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
