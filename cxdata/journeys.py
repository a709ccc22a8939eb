"""Journey starts: for every day a customer enters the funnel, how far the journey from there gets.

How it works. Stages come in their stored order. For each customer, channel and day with an event
of the first stage, the journey starts at that day's first such event (``anchor``); step k is
reached at the earliest event of stage k no earlier than step k-1: the least of the customer's
stage-k times at or after step k-1, from one list per customer and channel (``chain_sql``). An
ASOF join per stage gives the same rows; the tables are built with the lists on both engines
(Spark has no ASOF join; on DuckDB the lists rebuilt 50M events in 223 s with a peak of 1.25 GB
under the 1 GB cap, the ASOF joins in 404 s and 1.45 GB: docs/scale.md).
``t_2``..``t_N`` hold the step times (NULL where never reached). The same rows are made per customer
across channels, with channel ``(all channels)``.

Why it is exact for the funnel. The funnel of a period counts, per customer and channel, the
journey from the first entry in the period; step k counts when it is reached within the
conversion window and inside the period. Because every step time is the earliest possible, a step
whose earliest time is too late (after the window or the period) cannot be reached by any other
event either, so one table answers every window and every period, and the funnel page reads a
table that is a fraction of the events instead of chaining joins over all of them.

``journey_events`` holds every event of stage 2 onwards as integers (customer key, channel key,
stage position, time): the funnel across a few chosen channels, which no per-channel row can
answer, walks each customer's later steps through it (``funnel.across``).

``journey_first_reach`` counts, per channel and journey dimensions, the first starts (no earlier
start of that customer and channel) that reached each step, by whole days from their start
(rounded up): the funnel over all dates sums it (``funnel.all_dates``). Its counts are signed:
an import or undo appends its customers' net change, a full rebuild writes every cell once.

All of them are derived data: ``rebuild`` recomputes them, for everyone or for the customers of one
import, inside the transaction of every import, undo and demo load. ``customer_keys`` and
``channel_keys`` only grow: a key, once given, never changes or goes to anyone else.
"""

from __future__ import annotations

from .settings import stages as stored_stages

ALL_CHANNELS = "(all channels)"


JOURNEY_DIMENSIONS = ("segment", "region", "product")


def chain_sql(n_steps: int, events_where: str = "true", asof: bool = True) -> str:
    """SQL giving the journey starts of the events matching ``events_where`` (a filter built
    from bound parameters): customer_id, channel, segment, region, product, anchor, t_2..t_N;
    per channel and across channels. ``asof``: one ASOF join per stage; else lists of each
    stage's times per customer and channel (Spark has no ASOF join; the journey tables' form on
    both engines): the same rows.
    Binds ``$stages``, ``$s1..$sN`` and ``$all_label``."""
    cross = ("select customer_id, $all_label as channel, stage, occurred_at, segment, region, product "
             "from ev")
    ctes = [
        "ev as (select customer_id, channel, stage, occurred_at, segment, region, product "  # noqa: S608
        f"from interactions where ({events_where}) and list_contains($stages, stage))",
        f"events as (select * from ev union all {cross})",  # noqa: S608
        "step1 as (select customer_id, channel, min(occurred_at) as t_1, "
        "arg_min(segment, occurred_at) as segment, arg_min(region, occurred_at) as region, "
        "arg_min(product, occurred_at) as product from events where stage = $s1 "
        "group by customer_id, channel, cast(occurred_at as date))",
    ]
    times = "".join(f", t_{k}" for k in range(2, n_steps + 1))
    if not asof:
        return _chain_lists_sql(n_steps, ctes)
    for k in range(2, n_steps + 1):
        ctes.append(f"e{k} as (select customer_id, channel, occurred_at from events where stage = $s{k})")  # noqa: S608
        # ASOF: for each journey, the first stage-k event at or after step k-1 (k is an int).
        ctes.append(
            f"step{k} as (select p.*, e.occurred_at as t_{k} from step{k - 1} p asof left join e{k} e "  # noqa: S608
            f"on e.customer_id = p.customer_id and e.channel = p.channel and e.occurred_at >= p.t_{k - 1})"
        )
    return ("with " + ",\n".join(ctes) +  # noqa: S608 - structure from code
            f"\nselect customer_id, channel, segment, region, product, t_1 as anchor{times} "
            f"from step{n_steps}")


def _chain_lists_sql(n_steps: int, ctes: list[str]) -> str:
    """The step times without ASOF joins, for engines that have none (Spark): the times of each
    later stage's events gathered once per customer and channel (``s_k``, one aggregation), then
    step k of every journey is the least time of ``s_k`` at or after step k-1 (a filter over the
    list, row by row): the ASOF join's "earliest event at or after", with no self-join, no window
    over the events and no shuffle beyond the aggregation and one join by customer and channel,
    so it grows with the events on a cluster. Nested selects: step k reads step k-1."""
    lists = ", ".join(f"list(occurred_at) filter (where stage = $s{k}) as s_{k}" for k in range(2, n_steps + 1))
    ctes = [*ctes, f"later as (select customer_id, channel, {lists} from events where stage <> $s1 "  # noqa: S608
                   "group by customer_id, channel)"]
    rows = ("select p.customer_id, p.channel, p.segment, p.region, p.product, p.t_1"  # noqa: S608
            + "".join(f", l.s_{k}" for k in range(2, n_steps + 1))
            + " from step1 p left join later l on l.customer_id = p.customer_id and l.channel = p.channel")
    times = ""
    for k in range(2, n_steps + 1):
        rows = (f"select *, list_min(list_filter(s_{k}, lambda x: x >= t_{k - 1})) as t_{k} "  # noqa: S608
                f"from ({rows})")
        times += f", t_{k}"
    return ("with " + ",\n".join(ctes if n_steps > 1 else ctes[:-1]) +  # noqa: S608 - structure from code
            f"\nselect customer_id, channel, segment, region, product, t_1 as anchor{times} from ({rows})")


def chain_params(order: list[str]) -> dict:
    return {f"s{k}": s for k, s in enumerate(order, start=1)} | {"stages": list(order),
                                                                  "all_label": ALL_CHANNELS}


# The order journey rows are written in (schema.py, v7: what zone maps skip): first starts
# first, then the rest, each by channel and in anchor order; later-stage events by channel and time.
STARTS_ORDER = "prev_anchor is not null, channel, anchor"
EVENTS_ORDER = "ch, occurred_at"


def starts_sql(n_steps: int, where: str, asof: bool = False) -> str:
    """The ``journey_starts`` rows of the customers matching ``where`` (``chain_sql``, in its list
    form unless ``asof``, plus the customer's key and ``prev_anchor``: the previous start of the
    same customer and channel; a customer's starts are all computed together, so the lag over
    them is exact)."""
    keys = f"(select customer_id, ckey from customer_keys where {where})"  # noqa: S608 - from code
    return (f"select * from (select c.*, k.ckey, lag(c.anchor) over "  # noqa: S608 - from code
            f"(partition by c.customer_id, c.channel order by c.anchor) as prev_anchor "
            f"from ({chain_sql(n_steps, where, asof)}) c join {keys} k using (customer_id)) "
            f"order by {STARTS_ORDER}")


def events_sql(where: str) -> str:
    """Every later-stage event of the customers matching ``where``, as integers (``journey_events``)."""
    keys = f"(select customer_id, ckey from customer_keys where {where})"  # noqa: S608 - from code
    return ("select k.ckey, c.ch, s.position as k, e.occurred_at "  # noqa: S608 - from code
            f"from interactions e join {keys} k using (customer_id) "
            "join channel_keys c using (channel) join stages s on s.stage = e.stage "
            f"where ({where}) and s.position > 1 order by {EVENTS_ORDER}")


def rebuild(con, marked: bool = False) -> None:
    """Recompute the journey starts and journey events of every customer, or (``marked``) of the
    customers in the temp table ``journey_customers`` (see ``mark_import``). Runs in the caller's
    transaction."""
    order = stored_stages(con)
    if marked:
        where = "customer_id in (select customer_id from journey_customers)"
        if order:  # their first starts leave the counts of journey_first_reach (appended below)
            con.execute(f"create or replace temp table first_reach_delta as select channel, segment, region, "  # noqa: S608
                        f"product, step, days, -customers as customers from ({first_reach_sql(len(order), where)})")
        con.execute(f"delete from journey_starts where {where}")  # noqa: S608 - from code
    else:
        where = "true"
        for table in ("journey_starts", "journey_events", "journey_first_reach"):
            con.execute(f"delete from {table}")  # noqa: S608 - from code
    _add_keys(con, where, marked)
    if order:
        con.execute(f"insert into journey_starts by name {starts_sql(len(order), where)}",  # noqa: S608
                    chain_params(order))
        # Deleted only now: a transaction holds the blocks its deletes touch in memory (at 50M
        # events, 0.7 GB for the starts of an import's 200k customers), and the insert above
        # needs the room.
        if marked:
            con.execute(f"delete from journey_events where ckey in (select ckey from customer_keys "  # noqa: S608
                        f"where {where})")
        con.execute(f"insert into journey_events {events_sql(where)}")  # noqa: S608 - from code
        if marked:
            con.execute(f"insert into first_reach_delta {first_reach_sql(len(order), where)}")  # noqa: S608
            _append_first_reach_delta(con)
        else:
            con.execute(f"insert into journey_first_reach {first_reach_sql(len(order), where)}")  # noqa: S608
    note_constant_dimensions(con, marked)


DAY_US = 86_400_000_000


def first_reach_sql(n_steps: int, where: str) -> str:
    """``journey_first_reach`` rows of the first starts (``prev_anchor`` null) matching ``where``:
    per channel, dimensions and step, how many reached it how many days after their start (the
    duration rounded up to whole days: within a window of W days exactly when ``days <= W``)."""
    parts = [f"select channel, segment, region, product, 1 as step, 0 as days from journey_starts "  # noqa: S608
             f"where ({where}) and prev_anchor is null"]
    parts += [f"select channel, segment, region, product, {k}, cast((epoch_us(t_{k}) - epoch_us(anchor) "  # noqa: S608
              f"+ {DAY_US - 1}) // {DAY_US} as integer) from journey_starts "
              f"where ({where}) and prev_anchor is null and t_{k} is not null" for k in range(2, n_steps + 1)]
    return (f"select channel, segment, region, product, step, days, count(*) as customers "  # noqa: S608
            f"from ({' union all '.join(parts)}) group by all")


_first_reach_sql = first_reach_sql  # its former name (tests)


def _append_first_reach_delta(con) -> None:
    """Append the net change of ``first_reach_delta`` (the marked customers' counts before,
    negated, and after) to ``journey_first_reach``: counts are signed and summed by every query,
    so nothing is deleted inside the import's transaction (a transaction holds the blocks its
    deletes touch, and an import of 200k events into 50M is near the dashboard's 1GB cap already);
    a full rebuild writes every cell once again."""
    con.execute("insert into journey_first_reach select channel, segment, region, product, step, days, "
                "sum(customers) from first_reach_delta group by all having sum(customers) <> 0")
    con.execute("drop table first_reach_delta")


KEY_TABLES = (("customer_keys", "customer_id", "ckey"), ("channel_keys", "channel", "ch"))


def keys_sql(table: str, col: str, key: str, src: str, fresh: bool = False) -> str:
    """New keys for the distinct ``col`` of ``src`` that have none in ``table`` yet: the next free
    integers, in ``col`` order. ``fresh``: ``table`` is still empty (a build from raw data)."""
    base = "0" if fresh else f"(select coalesce(max({key}), 0) from {table})"  # noqa: S608 - from code
    new = "" if fresh else f" where not exists (select 1 from {table} t where t.{col} = n.{col})"  # noqa: S608
    return (f"select {col}, cast({base} + row_number() over (order by {col}) as integer) as {key} "  # noqa: S608
            f"from (select distinct {col} from {src}) n{new}")


def _add_keys(con, where: str, marked: bool) -> None:
    """Give the customers and channels of the events matching ``where`` that have no key yet the
    next free keys (keys are never reused or changed, so the rows already keyed stay right). The
    marked customers are in ``journey_customers`` already (an undone import's customers may get
    a key they no longer need: harmless)."""
    for table, col, key in KEY_TABLES:
        src = "journey_customers" if marked and col == "customer_id" else f"interactions where {where}"
        con.execute(f"insert into {table} {keys_sql(table, col, key, src)}")  # noqa: S608 - from code


def note_constant_dimensions(con, marked: bool = False) -> None:
    """Record the journey dimensions that never change between the starts of one customer and
    channel (setting ``journey_constant_dims``), and between all the starts of one customer
    (``journey_customer_dims``). A filter on the first selects all of a customer's starts on a
    channel or none, so the first start in the period passing it is the first start in the
    period: the funnel can then filter on ``prev_anchor``. A filter on the second selects whole
    customers, so the first start of a journey across chosen channels passing it needs no day by
    day look. After an import only its customers are checked and a dimension can only leave a
    set; a full rebuild checks everyone again."""
    where = "customer_id in (select customer_id from journey_customers)" if marked else "true"
    for setting, value in constant_dimension_settings(con, where, marked).items():
        con.execute("insert or replace into settings values ($k, $v)", {"k": setting, "v": value})


DIMENSION_SETTINGS = (("journey_constant_dims", "customer_id, channel"), ("journey_customer_dims", "customer_id"))


def constant_dimension_settings(con, where: str = "true", marked: bool = False) -> dict[str, str]:
    """setting -> value of ``note_constant_dimensions``, from the starts matching ``where`` (a
    read only: any engine)."""
    checks = ", ".join(f"bool_or(n_{d} > 1) as {d}" for d in JOURNEY_DIMENSIONS)
    counts = ", ".join(f"count(distinct coalesce({d}, chr(0))) as n_{d}" for d in JOURNEY_DIMENSIONS)
    values = {}
    for setting, per in DIMENSION_SETTINGS:
        row = con.execute(f"select {checks} from (select {counts} from journey_starts where {where} "  # noqa: S608
                          f"group by {per})").fetchall()[0]
        varies = {d for d, v in zip(JOURNEY_DIMENSIONS, row, strict=True) if v}
        current = set(JOURNEY_DIMENSIONS) if not marked else _dimension_set(con, setting)
        values[setting] = ",".join(d for d in JOURNEY_DIMENSIONS if d in current and d not in varies)
    return values




def _dimension_set(con, setting: str) -> set[str]:
    row = con.execute("select value from settings where key = $k", {"k": setting}).fetchall()
    return {d for d in row[0][0].split(",") if d} if row else set()


def constant_dimensions(con, across_channels: bool = False) -> set[str]:
    """The journey dimensions constant per customer and channel, or (``across_channels``) per
    customer (``note_constant_dimensions``)."""
    return _dimension_set(con, "journey_customer_dims" if across_channels else "journey_constant_dims")


def mark_import(con, import_id: int) -> None:
    """Note the customers of an import (while its rows are in ``interactions``: after inserting
    them, or before deleting them on undo); ``rebuild_marked`` then refreshes just them."""
    con.execute("create or replace temp table journey_customers as "
                "select distinct customer_id from interactions where import_id = $id", {"id": int(import_id)})


def rebuild_marked(con) -> None:
    """``rebuild(marked=True)`` in the caller's transaction. On an error the caller's rollback drops
    ``journey_customers`` (created in the same transaction): DuckDB refuses any other statement in
    the aborted transaction, and a cleanup here would hide the first error behind that."""
    rebuild(con, marked=True)
    con.execute("drop table if exists journey_customers")
