"""The data model: tables, constraints and the versioned migrations that create and upgrade them.

Scales (stored as answered; "answered responses only" is the default everywhere):
- ``nps``        0-10  "How likely are you to recommend us?"
- ``csat``       1-5   "Overall, how satisfied are you?"
- ``ces``        1-7   in the data set's CES direction (setting ``ces_direction``: ``effort``,
                       1 = least effort, the default; or ``ease``, 7 = easiest). Never guessed per row.
- ``needs_met``  1-5   agreement with "I found what I was looking for" (5 = strongly agree);
                       4-5 counts as *needs met*, the base of the 3-level pyramid.
- ``enjoyment``  1-5   agreement with "The experience was pleasant" (5 = strongly agree);
                       4-5 counts as *enjoyable*, the top of the 3-level pyramid.
- ``cx_level``   0-6   the highest level of seed 000's 6-level pyramid the interaction reached
                       (0 = none: not even relevant information), as coded by the survey or CRM.

Every table that holds imported rows carries ``import_id`` so an import can be undone as a unit.
"""

from __future__ import annotations

from . import catalog

SCHEMA_VERSION = 9

RESPONSE_FIELDS = (
    "response_id", "customer_id", "responded_at", "channel", "touchpoint", "journey_stage",
    "segment", "region", "product", "nps", "csat", "ces", "needs_met", "enjoyment", "cx_level",
    "comment",
)
INTERACTION_FIELDS = (
    "event_id", "customer_id", "occurred_at", "channel", "stage", "touchpoint", "session_id",
    "revenue", "segment", "region", "product",
)

# Inclusive ranges of every score field (cxdata/catalog.py), shared by the importer and the checks.
SCORE_RANGES = catalog.SCORE_RANGES

DEFAULT_STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")

DEFAULT_SETTINGS = {
    "ces_direction": "effort",
}

_V1 = """
create table if not exists schema_meta (
    key   varchar primary key,
    value varchar not null
);

create table if not exists settings (
    key   varchar primary key,
    value varchar not null
);

create sequence if not exists import_id_seq start 1;

create table if not exists imports (
    import_id     integer primary key,
    file_name     varchar not null,
    content_hash  varchar not null,
    kind          varchar not null check (kind in ('responses', 'interactions')),
    imported_by   varchar,
    rows_read     bigint not null default 0,
    loaded        bigint not null default 0,
    duplicates    bigint not null default 0,
    rejected      bigint not null default 0,
    started_at    timestamp not null,
    finished_at   timestamp,
    status        varchar not null check (status in ('running', 'done', 'failed', 'undone')),
    mapping       varchar,
    message       varchar
);

create table if not exists import_rejects (
    import_id  integer not null,
    line       bigint not null,
    "column"   varchar,
    value      varchar,
    reason     varchar not null
);

create table if not exists stages (
    stage     varchar primary key,
    position  integer not null unique
);

create table if not exists responses (
    response_id    varchar not null,
    customer_id    varchar,
    responded_at   timestamp not null,
    channel        varchar,
    touchpoint     varchar,
    journey_stage  varchar,
    segment        varchar,
    region         varchar,
    product        varchar,
    nps            tinyint check (nps between 0 and 10),
    csat           tinyint check (csat between 1 and 5),
    ces            tinyint check (ces between 1 and 7),
    needs_met      tinyint check (needs_met between 1 and 5),
    enjoyment      tinyint check (enjoyment between 1 and 5),
    cx_level       tinyint check (cx_level between 0 and 6),
    comment        varchar,
    attributes     map(varchar, varchar),
    import_id      integer
);

create table if not exists interactions (
    event_id     varchar not null,
    customer_id  varchar not null,
    occurred_at  timestamp not null,
    channel      varchar not null,
    stage        varchar not null,
    touchpoint   varchar,
    session_id   varchar,
    revenue      decimal(14, 2),
    segment      varchar,
    region       varchar,
    product      varchar,
    attributes   map(varchar, varchar),
    import_id    integer
);
"""

# v2: journey starts, derived from interactions (cxdata/journeys.py) and kept exact by every import,
# undo and demo load, so the funnel reads a small table instead of chaining joins over the events.
_V2 = """
create table if not exists journey_starts (
    customer_id  varchar not null,
    channel      varchar not null,
    segment      varchar,
    region       varchar,
    product      varchar,
    anchor       timestamp not null,
    reached      timestamp[] not null
);
"""

# v3: daily counts per dimension (cxdata/cube.py), derived from responses and kept exact by every
# import, undo and demo load; and the distinct filter and attribute values per import.
CELL_COLUMNS = (
    "nps_n", "promoters", "passives", "detractors", "csat_n", "csat_sat", "ces_n", "ces_sum",
    "ces_sumsq", "ces_12", "ces_67", "p3_0", "p3e_1", "p3e_2", "p3e_3", "p3s_1", "p3s_2", "p3s_3",
    "cx_0", "cx_1", "cx_2", "cx_3", "cx_4", "cx_5", "cx_6",
)
_CELLS = ",\n".join(f"    {c} {'bigint' if c.startswith('ces_sum') else 'integer'} not null"
                     for c in CELL_COLUMNS)
_DIMS4 = "channel varchar, segment varchar, region varchar, product varchar"
_V3 = f"""
create table if not exists kpi_monthly (
    import_id integer, month date not null, {_DIMS4},
{_CELLS}
);
create table if not exists kpi_daily_core (
    import_id integer, day date not null, channel varchar, segment varchar, product varchar,
{_CELLS}
);
create table if not exists kpi_daily_touch (
    import_id integer, day date not null, channel varchar, segment varchar, product varchar,
    touchpoint varchar, journey_stage varchar,
{_CELLS}
);
create table if not exists kpi_daily (
    import_id integer, day date not null, {_DIMS4},
{_CELLS}
);
create table if not exists kpi_daily_detail (
    import_id integer, day date not null, {_DIMS4}, touchpoint varchar, journey_stage varchar,
{_CELLS}
);
create table if not exists filter_values (
    import_id integer, field varchar not null, value varchar not null
);
create table if not exists attribute_counts (
    import_id integer, key varchar not null, value varchar not null, n bigint not null
);
"""

# v4: every journey start knows the anchor of the previous start of the same customer and channel,
# so "the first entry in the period" is a row filter (prev_anchor before the period) instead of a
# group-by per customer; step times are columns t_2..t_12 (a list column was the slowest part of
# the funnel's scan), so at most MAX_STAGES stages. Rows: every customer's first start first, then
# the others, each part in anchor order: a date range reads a slice of each, "all dates" (first
# starts only) reads the first part.
MAX_STAGES = 12
_STEP_COLUMNS = ", ".join(f"t_{k} timestamp" for k in range(2, MAX_STAGES + 1))
_V4 = f"""
create table journey_starts_v4 (
    customer_id  varchar not null,
    channel      varchar not null,
    segment      varchar,
    region       varchar,
    product      varchar,
    anchor       timestamp not null,
    prev_anchor  timestamp,
    {_STEP_COLUMNS}
);
insert into journey_starts_v4
select customer_id, channel, segment, region, product, anchor,
       lag(anchor) over (partition by customer_id, channel order by anchor),
       {", ".join(f"reached[{k}]" for k in range(2, MAX_STAGES + 1))}
from journey_starts order by lag(anchor) over (partition by customer_id, channel order by anchor) is not null, anchor;
drop table journey_starts;
alter table journey_starts_v4 rename to journey_starts;
"""  # noqa: S608 - column names from code

# v5: the funnel across a few chosen channels follows each customer's later steps through the
# events; these let it do so on integers instead of strings (cxdata/journeys.py keeps them with
# journey_starts). ``customer_keys`` and ``channel_keys`` give every customer and channel of the
# events a small integer (never reused: an undo leaves its keys); ``journey_starts`` gains its
# customer's key; ``journey_events`` holds every event of stage 2 onwards as (customer key,
# channel key, stage position, time), in time order per load: a date range reads a slice of it.
_V5 = f"""
create table customer_keys (customer_id varchar not null, ckey integer not null);
insert into customer_keys
select customer_id, cast(row_number() over (order by customer_id) as integer)
from (select distinct customer_id from interactions);
create table channel_keys (channel varchar not null, ch integer not null);
insert into channel_keys
select channel, cast(row_number() over (order by channel) as integer)
from (select distinct channel from interactions);
create table journey_starts_v5 (
    customer_id  varchar not null,
    ckey         integer not null,
    channel      varchar not null,
    segment      varchar,
    region       varchar,
    product      varchar,
    anchor       timestamp not null,
    prev_anchor  timestamp,
    {_STEP_COLUMNS}
);
insert into journey_starts_v5 by name
select j.*, k.ckey from journey_starts j join customer_keys k using (customer_id)
order by j.prev_anchor is not null, j.anchor;
drop table journey_starts;
alter table journey_starts_v5 rename to journey_starts;
create table journey_events (
    ckey         integer not null,
    ch           integer not null,
    k            tinyint not null,
    occurred_at  timestamp not null
);
insert into journey_events
select k.ckey, c.ch, s.position, e.occurred_at
from interactions e join customer_keys k using (customer_id) join channel_keys c using (channel)
join stages s on s.stage = e.stage where s.position > 1 order by e.occurred_at;
"""  # noqa: S608 - column names from code

# v6: the funnel over all dates counts every customer's first start per channel; at 50M events
# that is 12M rows of journey_starts (0.5 s). ``journey_first_reach`` holds, per channel and
# journey dimensions, how many first starts reached each step how many days after their start
# (``days``: the duration rounded up to whole days, so "within a window of W days" is exactly
# ``days <= W``; step 1 has days 0). Kept by cxdata/journeys.py with journey_starts.
_V6_STEPS = "".join(
    f"""
    union all
    select channel, segment, region, product, {k},
           cast((epoch_us(t_{k}) - epoch_us(anchor) + 86399999999) // 86400000000 as integer)
    from journey_starts where prev_anchor is null and t_{k} is not null""" for k in range(2, MAX_STAGES + 1))  # noqa: S608
_V6 = f"""
create table journey_first_reach (
    channel    varchar not null,
    segment    varchar,
    region     varchar,
    product    varchar,
    step       tinyint not null,
    days       integer not null,
    customers  bigint not null
);
insert into journey_first_reach
select channel, segment, region, product, step, days, count(*) from (
    select channel, segment, region, product, 1 as step, 0 as days
    from journey_starts where prev_anchor is null{_V6_STEPS}
) group by all;
"""  # noqa: S608 - column names from code

# v7: the same rows in an order the zone maps can use for a channel too. ``journey_starts``: first
# starts first, then the rest, each part by channel and then in anchor order (a date range still
# reads a slice of each channel's run; one or a few channels read just theirs). ``journey_events``:
# by channel key, then in time order. On the 10M/50M benchmark file the funnel across two chosen
# channels for a year went from 441-461 to 327-334 ms and the per-channel funnels of those two
# channels from 188-193 to 52-53 ms (cxdata/journeys.py writes the rows in this order).
_V7 = f"""
create table journey_starts_v7 (
    customer_id  varchar not null,
    ckey         integer not null,
    channel      varchar not null,
    segment      varchar,
    region       varchar,
    product      varchar,
    anchor       timestamp not null,
    prev_anchor  timestamp,
    {_STEP_COLUMNS}
);
insert into journey_starts_v7 by name
select * from journey_starts order by prev_anchor is not null, channel, anchor;
drop table journey_starts;
alter table journey_starts_v7 rename to journey_starts;
create table journey_events_v7 (
    ckey         integer not null,
    ch           integer not null,
    k            tinyint not null,
    occurred_at  timestamp not null
);
insert into journey_events_v7 by name select * from journey_events order by ch, occurred_at;
drop table journey_events;
alter table journey_events_v7 rename to journey_events;
"""  # noqa: S608 - column names from code

# v8: identity is scoped to a source (cxdata/ingest/load.py). An import belongs to a ``source`` (the
# survey or export stream); a row's key (``response_id`` / ``event_id``: the file's id, or a hash of
# the whole raw row) is unique within its source, not across sources. ``row_key`` says which key an
# import used (``id:<column>`` or ``row-hash``). Rows an import delivered that its source held
# already wait in ``responses_held`` / ``interactions_held`` (this import's version of them): an
# undo of the owner promotes the earliest surviving one, so an undo leaves what importing the
# other imports alone would have. Every import before v8 becomes its own source, keys unchanged.
_V8 = """
alter table imports add column if not exists source varchar;
alter table imports add column if not exists row_key varchar;
alter table imports add column if not exists header_signature varchar;
alter table imports add column if not exists duplicates_in_source bigint default 0;
alter table imports add column if not exists duplicates_in_file bigint default 0;
update imports set source = case when file_name like 'demo data (seed %' then 'demo'
                                 else 'import-' || cast(import_id as varchar) end,
                   row_key = case when file_name like 'demo data (seed %' then 'id:response_id'
                                  when coalesce(json_extract_string(mapping, '$.response_id'),
                                                json_extract_string(mapping, '$.event_id')) is not null
                                  then 'id:' || coalesce(json_extract_string(mapping, '$.response_id'),
                                                         json_extract_string(mapping, '$.event_id'))
                                  else 'row-hash' end,
                   duplicates_in_source = duplicates
where source is null;
create table if not exists responses_held as select * from responses where false;
create table if not exists interactions_held as select * from interactions where false;
"""

# v9: a fixed sample of the responses for the key drivers over many rows (cxdata/insight/drivers.py):
# every response whose ``hash(response_id)`` is a multiple of ``cube.SAMPLE_EVERY``, with the
# columns the filters and the drivers read (no ids, no comments) and ``part`` (0-15, the hash's
# next four bits: parts below k are a smaller sample, k in 16), kept per import like the count
# tables (``cube.add_import`` / ``remove_import``); filled from the rows by ``upkeep.after_upgrade``.
_V9 = """
create table if not exists responses_sample as
select import_id, cast(0 as utinyint) as part, responded_at, channel, touchpoint, journey_stage, segment,
       region, product, nps, csat, ces, needs_met, enjoyment, attributes
from responses where false;
"""

# Each migration takes the schema from version i to i + 1. Append, never edit a shipped one.
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9]
