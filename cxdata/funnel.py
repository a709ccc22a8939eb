"""Ordered journey funnels per channel, from the ``interactions`` table.

How a funnel counts. Stages come in their stored order (table ``stages``). For every customer and
channel, the journey from the customer's first entry (first-stage event) in the period counts;
step k is reached at the earliest event of stage k no earlier than step k-1, within the
conversion window from the entry and inside the period. Taking the earliest time at every step is
what lets the most customers through, so a customer counts at a stage only after reaching all the
previous ones, in order, within the window. A journey's segment, region and product are those of
its first event.

Per-channel funnels count only events on that channel; the ``(all channels)`` funnel lets a journey
cross channels (discover on social, buy in the store).

Where the numbers come from. ``journey_starts`` (``cxdata/journeys.py``) holds every entry's step
times, kept exact by every import, undo and demo load: date, segment, region and product filters
and any window are a ``where`` and a comparison on it. Filters that select events (channel,
touchpoint, an imported attribute) need the journeys of just those events, so then the same
step times are computed from the filtered events on the fly (slower, same definition). The
funnel across two or more chosen channels takes each customer's first start from the table and
walks the later steps through ``journey_events`` (integers, by channel and in time order). Over
all dates (no date filter) the per-channel funnels are sums over ``journey_first_reach``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from .db import stages as stored_stages
from .filters import Filters
from .journeys import ALL_CHANNELS, JOURNEY_DIMENSIONS, chain_params, chain_sql, constant_dimensions

DEFAULT_WINDOW_DAYS = 30


def steps_list(n_steps: int) -> str:
    """``[anchor, t_2, ..., t_N]``: the step times of a journey start as one value (r[k] = step k)."""
    return "[" + ", ".join(["anchor", *(f"t_{k}" for k in range(2, n_steps + 1))]) + "]"


def _reached(step: str) -> str:
    """SQL: the step time ``step`` is no later than ``lim``, the journey's last counted instant."""
    return f"epoch_us({step}) <= lim"


def _limit(start: str, bounded: bool) -> str:
    """SQL: the last instant (epoch microseconds) at which a step of the journey starting at
    ``start`` counts: the end of the window (``$window_us`` after the start) and, when the period
    has an end (``bounded``), the last microsecond before it (``$to_bound``). Comparing integers
    instead of adding an interval to every step time: 405 -> 273 ms for a year of a segment."""
    end = f"epoch_us({start}) + $window_us"
    return f"least({end}, epoch_us($to_bound) - 1)" if bounded else end


def _window_params(window_days: int, to_bound: datetime | None) -> dict:
    """``$window_us`` (naive timestamps: a day is always 86,400 s) and ``$to_bound`` if any."""
    return {"window_us": int(window_days) * 86_400_000_000} | ({"to_bound": to_bound} if to_bound else {})


def _count_sql(n_steps: int, source: str, journey_where: str, bounded: bool) -> str:
    """Per channel: the first entry per customer in the period (``arg_min``), then how many reach
    each step within the window and before the end of the period."""
    steps = ", ".join(f"count(*) filter (where {_reached(f'r[{k}]')}) as c{k}" for k in range(2, n_steps + 1))
    return (f"select channel, count(*) as c1{', ' if steps else ''}{steps} from ("  # noqa: S608 - from code
            f"select channel, r, {_limit('a', bounded)} as lim from ("
            f"select customer_id, channel, min(anchor) as a, arg_min({steps_list(n_steps)}, anchor) as r "
            f"from {source} where {journey_where} group by customer_id, channel)) group by channel")


def _first_entry_sql(n_steps: int, journey_where: str, has_from: bool, bounded: bool) -> str:
    """The same counts as ``_count_sql`` over ``journey_starts`` without a group-by per customer:
    a start is its customer's first entry in the period when the previous start of that customer
    and channel (``prev_anchor``) is before the period. Exact when the journey filters select all
    of a customer's starts or none (``journeys.constant_dimensions``)."""
    steps = ", ".join(f"count(*) filter (where {_reached(f't_{k}')}) as c{k}" for k in range(2, n_steps + 1))
    times = "".join(f", t_{k}" for k in range(2, n_steps + 1))
    first = "(prev_anchor is null or prev_anchor < $f_from)" if has_from else "prev_anchor is null"
    return (f"select channel, count(*) as c1{', ' if steps else ''}{steps} from ("  # noqa: S608 - from code
            f"select channel{times}, {_limit('anchor', bounded)} as lim from journey_starts "
            f"where {journey_where} and {first}) group by channel")


def _all_dates_sql(n_steps: int, journey_where: str) -> str:
    """The same counts as ``_first_entry_sql`` for a funnel over all dates (every first start,
    no end to the period), summed from ``journey_first_reach``: a step counts within a window of
    ``$window_days`` days exactly when its duration, rounded up to whole days, is at most that.
    Same condition of use (constant journey dimensions)."""
    steps = "".join(f", cast(coalesce(sum(customers) filter (where step = {k} and days <= $window_days), 0) "
                    f"as bigint) as c{k}" for k in range(2, n_steps + 1))
    return ("select channel, cast(coalesce(sum(customers) filter (where step = 1), 0) as bigint) as c1"  # noqa: S608
            f"{steps} from journey_first_reach where {journey_where} group by channel "
            # signed counts: a channel whose starts an undo took away sums to 0 and is not shown
            "having sum(customers) filter (where step = 1) > 0")


def _across_sql(n_steps: int, starts_where: str, dims_where: str | None, events_where: str) -> str:
    """The funnel across two or more chosen channels, from ``journey_starts`` and ``journey_events``.

    Each customer's journey starts at their first start in the period on the chosen channels
    (``starts_where``: dates and channels) passing the journey filters. A day's journey across
    channels has the segment, region and product of that day's earliest start, so when those
    vary between a customer's starts the filters (``dims_where``) are applied day by day; when
    they are constant per customer (``dims_where`` None: they are in ``starts_where``) any start
    stands for its day. Then each customer's later-stage events on the chosen channels (``$chs``,
    their keys) inside the period (``events_where``) and the window are walked in time order
    (at one instant, earlier stages first): step k is the first event of stage k after step k-1,
    which is the earliest such event no earlier than step k-1, the definition ``chain_sql``
    computes with ASOF joins (the tests compare the two). The walk sorts one integer per event,
    its time (epoch microseconds) times 16 plus its stage position (at most 12 stages), and reads
    the stage back from the low four bits (``x & 15``: right for times before 1970 too, where
    ``x % 16`` would be negative). Sorting the times themselves rather than times since the
    start: 10-15% faster on the benchmark file.
    Binds ``$chs``, ``$all_label`` and ``$window`` (an interval)."""
    if dims_where is None:
        first = ("step1 as (select ckey, min(anchor) as t_1 from journey_starts "  # noqa: S608 - from code
                 f"where channel <> $all_label and {starts_where} group by ckey)")
    else:
        first = ("days as (select ckey, min(anchor) as anchor, arg_min(segment, anchor) as segment, "  # noqa: S608
                 "arg_min(region, anchor) as region, arg_min(product, anchor) as product from journey_starts "
                 f"where channel <> $all_label and {starts_where} group by ckey, cast(anchor as date)),\n"
                 f"step1 as (select ckey, min(anchor) as t_1 from days where {dims_where} group by ckey)")
    walk = ("list_reduce(list_sort(list(epoch_us(e.occurred_at) * 16 + e.k)), "
            "lambda acc, x: case when (x & 15) = acc + 1 then acc + 1 else acc end, 1::bigint)")
    steps = "".join(f", count(*) filter (where r >= {k}) as c{k}" for k in range(2, n_steps + 1))
    return (f"with {first},\n"  # noqa: S608 - structure from code, values bound
            f"ev as (select ckey, k, occurred_at from journey_events where ({events_where}) and list_contains($chs, ch)),\n"
            f"reach as (select {walk} as r from step1 p join ev e on e.ckey = p.ckey "
            "and e.occurred_at >= p.t_1 and e.occurred_at <= p.t_1 + $window group by p.ckey)\n"
            f"select $all_label as channel, (select count(*) from step1) as c1{steps} from reach")


def uses_journey_table(filters: Filters) -> bool:
    """True when the maintained journey table answers these filters: no touchpoint or attribute
    filter (they select events). With two or more channels the per-channel funnels come from it
    and the funnel across just those channels from their events."""
    return not (filters.touchpoint or filters.attrs)


def split_across(filters: Filters) -> bool:
    """True when the funnel across the chosen channels costs much more than the per-channel
    funnels (two or more channels, answered from the journey table): a page can then draw the
    per-channel funnels first (``across_channels=False``) and the one across them when it is ready
    (``per_channel=False``); the across part followed by the per-channel part is the whole funnel."""
    return len(filters.channel) >= 2 and uses_journey_table(filters)


def reads_events(filters: Filters) -> bool:
    """True when part of the funnel for these filters is computed from the events themselves (a
    touchpoint or attribute filter, or the journey across two or more chosen channels): seconds
    at tens of millions of events, where the journey table answers in a fraction of a second."""
    return not uses_journey_table(filters) or len(filters.channel) >= 2


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
                 stages: list[str] | None = None, source: str = "auto") -> pd.DataFrame:
    """Customers at each stage of the ordered funnel, per channel and/or across channels.

    Columns: channel, step (1-based), stage, customers, from_previous (% of the previous step),
    from_start (% of step 1), drop_off (% lost since the previous step). The ``stage`` filter is
    not applied (the funnel is made of stages); every other filter is. ``source``: ``auto`` (the
    journey table when it can answer, else the events), or force ``table`` / ``events`` (tests and
    the benchmark compare the two)."""
    stored = stored_stages(con)
    order = list(stages) if stages is not None else stored
    if not order:
        raise ValueError("no journey stages defined")
    if window_days < 0:
        raise ValueError("window_days must be >= 0")
    if source not in ("auto", "table", "events"):
        raise ValueError("source is auto, table or events")
    table_ok = order == stored and uses_journey_table(filters)
    if source == "table" and not table_ok:
        raise ValueError("the journey table cannot answer these filters or this stage order")
    from_table = source != "events" and table_ok
    # Journey-level filters (date of entry, segment, region, product; and the one channel when the
    # table answers); the events path applies channel, touchpoint and attributes to the events.
    skip = ("touchpoint", "stage", "attrs") + (() if from_table and filters.channel else ("channel",))
    journey_where, params = filters.where_sql("journeys", skip=skip)
    if from_table and filters.channel:
        # the table's own cross-channel rows are not a channel a link can pick (no event has it)
        journey_where += " and channel <> $all_label"
        params["all_label"] = ALL_CHANNELS
    # the end of the period, if it has one (a step on or after it does not count)
    to_bound = datetime.combine(filters.date_to + timedelta(days=1), datetime.min.time()) \
        if filters.date_to else None
    bounded = to_bound is not None
    params |= _window_params(window_days, to_bound)

    def across() -> pd.DataFrame:
        dims = JOURNEY_DIMENSIONS
        per_day = bool({d for d in dims if getattr(filters, d)} - constant_dimensions(con, True))
        starts_where, p = filters.where_sql("journeys", skip=("touchpoint", "stage", "attrs", *(dims if per_day else ())))
        dims_where = None
        if per_day:
            dims_where, dp = filters.where_sql("journeys", skip=("touchpoint", "stage", "attrs", "channel", "date"))
            p |= dp
        # journey_events has the events' time column and none of the rest: the period only
        events_where, ep = filters.where_sql("interactions", skip=("channel", "touchpoint", "stage", "attrs", *dims))
        keys = [r[0] for r in con.execute("select ch from channel_keys where list_contains($c, channel)",
                                          {"c": list(filters.channel)}).fetchall()]
        p |= ep | {"chs": keys, "all_label": ALL_CHANNELS, "window": timedelta(days=int(window_days))}
        return con.execute(_across_sql(len(order), starts_where, dims_where, events_where), p).df()

    if not from_table:
        # every funnel from the filtered events (the journey filter above skips the channel)
        events_where, eparams = filters.where_sql("interactions", skip=("stage", "segment", "region", "product"))
        chain = f"({chain_sql(len(order), events_where)})"
        wide = con.execute(_count_sql(len(order), chain, journey_where, bounded),
                           params | eparams | chain_params(order)).df()
    else:
        several = len(filters.channel) >= 2
        parts = []
        if per_channel or not (several and across_channels):
            filtered = {d for d in JOURNEY_DIMENSIONS if getattr(filters, d)}
            sql_params = params
            if not filtered <= constant_dimensions(con):
                sql = _count_sql(len(order), "journey_starts", journey_where, bounded)
            elif filters.date_from is None and filters.date_to is None:
                sql = _all_dates_sql(len(order), journey_where)
                sql_params = {k: v for k, v in params.items() if k != "window_us"} | {"window_days": int(window_days)}
            else:
                sql = _first_entry_sql(len(order), journey_where, "f_from" in params, bounded)
            parts.append(con.execute(sql, sql_params).df())
        if several and across_channels:
            # The table has each channel's funnel; the one across just these channels is not in
            # it: its starts come from the table, its later steps from those channels' events
            # (the slow part: a page can ask for the two separately, see ``split_across``).
            parts.append(across())
        wide = pd.concat(parts, ignore_index=True)
        if len(filters.channel) == 1:
            # One channel: its cross-channel funnel (journeys over its events only) is its own funnel.
            wide = pd.concat([wide, wide.assign(channel=ALL_CHANNELS)], ignore_index=True)
    found = wide.melt(id_vars="channel", var_name="step", value_name="customers")
    found["step"] = found["step"].str[1:].astype(int)
    keep = (found["channel"] == ALL_CHANNELS) & across_channels | (found["channel"] != ALL_CHANNELS) & per_channel
    found = found[keep]
    cols = ["channel", "step", "stage", "customers", "from_previous", "from_start", "drop_off"]
    if found.empty or not found["customers"].any():
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
