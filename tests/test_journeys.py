"""The maintained journey table returns exactly the funnel computed from the events."""

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from helpers import old_schema  # tests/ is on sys.path under pytest

import cxdata
from cxdata import db, funnel, ingest, journeys
from cxdata.filters import Filters
from cxdata.ui import funnels

DATA = Path(__file__).parent / "data"
STAGES = ["awareness", "consideration", "purchase", "retention", "advocacy"]


def random_events(seed: int, customers: int = 80):
    rng = random.Random(seed)
    t0 = datetime(2024, 1, 1)
    rows = []
    for c in range(customers):
        segment = rng.choice(["SME", "Consumer", "Enterprise"])
        for i in range(rng.randint(1, 25)):
            rows.append((f"c{c}-{i}", f"C{c:03d}", t0 + timedelta(hours=rng.randint(0, 24 * 150)),
                         rng.choice(["web", "app", "store"]), rng.choice(STAGES), segment,
                         rng.choice(["checkout", "faq"])))
    return rows


def with_random_events(c, seed: int, customers: int = 80, rebuild: bool = True):
    """Insert ``random_events`` behind the library's back, then (``rebuild``) derive the journeys."""
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, "
                  "touchpoint) values (?, ?, ?, ?, ?, ?, ?)", random_events(seed, customers))
    if rebuild:
        journeys.rebuild(c)
    return c


@pytest.fixture(params=[1, 2])
def con(request):
    c = cxdata.connect(":memory:")
    with_random_events(c, request.param)
    return c


FILTERS = [
    Filters(),
    Filters(date_from=date(2024, 2, 1), date_to=date(2024, 3, 15)),
    Filters(date_from=date(2024, 1, 10)),
    Filters(date_to=date(2024, 2, 20)),
    Filters(segment=("SME", "Enterprise"), date_from=date(2024, 1, 20), date_to=date(2024, 4, 1)),
    Filters(date_from=date(2024, 3, 3), date_to=date(2024, 3, 3)),
    Filters(channel=("web",)),  # one channel: its cross-channel funnel is its own
    Filters(channel=("app",), segment=("SME",), date_from=date(2024, 2, 1)),
    Filters(channel=("app", "store"), date_from=date(2024, 2, 1), date_to=date(2024, 4, 30)),
    Filters(channel=("web", "app", "store"), segment=("Consumer",)),
    # two or more channels: the journey across them starts from the table, steps from the events
    Filters(channel=("store", "web"), date_to=date(2024, 2, 20)),
    Filters(channel=("app", "web"), date_from=date(2024, 3, 3), date_to=date(2024, 3, 3)),
    Filters(channel=("app", "store"), segment=("SME",), date_from=date(2024, 1, 20)),
    Filters(channel=("app", "web", funnel.ALL_CHANNELS)),  # a hand-written link naming the label
    Filters(channel=(funnel.ALL_CHANNELS,)),  # ... and nothing else: no event is on that channel
]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("window", [0, 30])
def test_table_equals_events(con, f, window):
    table = funnel.funnel_steps(con, f, window_days=window, source="table")
    events = funnel.funnel_steps(con, f, window_days=window, source="events")
    pd.testing.assert_frame_equal(table, events)
    assert funnel.funnel_steps(con, f, window_days=window).equals(table)  # auto picks the table
    if funnel.split_across(f):
        # the Funnel page draws the per-channel funnels first, then the one across the channels
        per = funnel.funnel_steps(con, f, window_days=window, across_channels=False)
        across = funnel.funnel_steps(con, f, window_days=window, per_channel=False)
        assert funnel.ALL_CHANNELS not in set(per["channel"])
        assert set(across["channel"]) <= {funnel.ALL_CHANNELS}
        pd.testing.assert_frame_equal(funnels.whole(across, per), table)


def test_event_filters_use_the_events(con):
    f = Filters(channel=("web",), touchpoint=("checkout",))
    assert not funnel.uses_journey_table(f)
    with pytest.raises(ValueError):
        funnel.funnel_steps(con, f, source="table")
    frame = funnel.funnel_steps(con, f)
    assert set(frame["channel"]) <= {"web", funnel.ALL_CHANNELS}
    # Two channels: each channel's funnel from the table, the one across just these two from their
    # events (the table's cross-channel journeys span every channel).
    two = Filters(channel=("web", "app"))
    assert funnel.uses_journey_table(two)
    frame = funnel.funnel_steps(con, two)
    pd.testing.assert_frame_equal(frame, funnel.funnel_steps(con, two, source="events"))
    assert set(frame["channel"]) == {"web", "app", funnel.ALL_CHANNELS}
    web = funnel.funnel_steps(con, Filters(channel=("web",)))
    assert list(frame[frame["channel"] == "web"]["customers"]) == list(web[web["channel"] == "web"]["customers"])


def keys_are_unique(c) -> bool:
    return all(c.execute(f"select count(*) = count(distinct {col}) and count(*) = count(distinct {key}) "
                         f"from {table}").fetchone()[0]
               for table, col, key in (("customer_keys", "customer_id", "ckey"), ("channel_keys", "channel", "ch")))


def test_import_and_undo_keep_the_table_exact(tmp_path):
    c = cxdata.connect(tmp_path / "cx.duckdb")
    with_random_events(c, 7, 30)
    # all channels, and a journey across three chosen ones (one of them, social, new with the import)
    sets = [Filters(), Filters(channel=("web", "social", "store"))]
    before = [funnel.funnel_steps(c, f) for f in sets]
    result = ingest.import_file(c, DATA / "interactions.csv", kind="interactions")
    assert result.loaded > 0
    assert keys_are_unique(c)
    assert c.execute("select count(*) from channel_keys where channel = 'social'").fetchone()[0] == 1
    for f, old in zip(sets, before, strict=True):
        after = funnel.funnel_steps(c, f, source="table")
        pd.testing.assert_frame_equal(after, funnel.funnel_steps(c, f, source="events"))
        assert not after.equals(old)
    ingest.undo_import(c, result.import_id)
    for f, old in zip(sets, before, strict=True):
        pd.testing.assert_frame_equal(funnel.funnel_steps(c, f, source="table"), old)
    # the undone import's events are gone from journey_events too, and keys are never reused
    assert c.execute("select count(*) from journey_events").fetchone()[0] == c.execute(
        "select count(*) from interactions where stage <> 'awareness'").fetchone()[0]
    assert first_reach_is_exact(c)
    result = ingest.import_file(c, DATA / "interactions.csv", kind="interactions")
    assert keys_are_unique(c)
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, sets[1], source="table"),
                                  funnel.funnel_steps(c, sets[1], source="events"))
    assert first_reach_is_exact(c)


def first_reach_is_exact(c) -> bool:
    """journey_first_reach, kept by imports and undos (signed counts appended per import), sums
    to what recomputing it gives, cell by cell."""
    n = len(db.stages(c))
    kept = c.execute("select channel, segment, region, product, step, days, sum(customers) from journey_first_reach "
                     "group by all having sum(customers) <> 0 order by all").fetchall()
    return kept == c.execute(f"select * from ({journeys._first_reach_sql(n, 'true')}) order by all").fetchall()


def test_the_all_dates_funnel_is_summed_from_the_first_reach_counts(con):
    f = Filters(segment=("SME", "Consumer"))
    for window in (0, 1, 7, 30):
        pd.testing.assert_frame_equal(funnel.funnel_steps(con, f, window_days=window),
                                      funnel.funnel_steps(con, f, window_days=window, source="events"))
    assert first_reach_is_exact(con)
    con.execute("delete from journey_first_reach where step = 2")  # the table path reads it
    assert funnel.funnel_steps(con, f, source="table").query("step == 2")["customers"].sum() == 0
    # a period reads journey_starts instead
    period = f.replace(date_from=date(2024, 1, 1))
    pd.testing.assert_frame_equal(funnel.funnel_steps(con, period, source="table"),
                                  funnel.funnel_steps(con, period, source="events"))


def test_upgrade_from_v5_counts_the_first_starts(tmp_path):
    path = tmp_path / "v5.duckdb"
    c = cxdata.connect(path)
    with_random_events(c, 5, 40)
    expected = funnel.funnel_steps(c, Filters(), window_days=14, source="events")
    old_schema.before_v6(c)
    old_schema.as_version(c, 5)
    c = old_schema.reopened(c, path)
    assert first_reach_is_exact(c) and c.execute("select count(*) from journey_first_reach").fetchone()[0] > 0
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, Filters(), window_days=14), expected)


ZONE_MAP_ORDER = {"journey_starts": "prev_anchor is not null, channel, anchor", "journey_events": "ch, occurred_at"}


def stored_in_zone_map_order(c) -> bool:
    """Both journey tables hold their rows in the order schema v7 gives them (what lets a scan
    skip the row groups of channels not chosen)."""
    for table, key in ZONE_MAP_ORDER.items():
        rows = c.execute(f"select {key} from {table} order by rowid").fetchall()
        if not rows or rows != sorted(rows):
            return False
    return True


def test_a_rebuild_writes_the_journey_tables_by_channel(con):
    assert stored_in_zone_map_order(con)
    assert con.execute("select count(distinct channel) from journey_starts").fetchone()[0] == 4  # 3 + across


def test_upgrade_from_v6_reorders_the_journey_tables(tmp_path):
    path = tmp_path / "v6.duckdb"
    c = cxdata.connect(path)
    with_random_events(c, 6, 60)
    rows = {t: c.execute(f"select * from {t} order by all").fetchall() for t in ZONE_MAP_ORDER}
    f = Filters(channel=("web", "app"), date_from=date(2024, 2, 1))
    expected = funnel.funnel_steps(c, f, source="events")
    old_schema.before_v7(c)
    assert not stored_in_zone_map_order(c)  # channels mixed again, as v6 wrote them
    old_schema.as_version(c, 6)
    c = old_schema.reopened(c, path)
    assert stored_in_zone_map_order(c)
    assert {t: c.execute(f"select * from {t} order by all").fetchall() for t in ZONE_MAP_ORDER} == rows
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, f), expected)


@pytest.mark.parametrize("years_back", [0, 60])  # 60: times before 1970 (negative epoch)
def test_journey_across_channels_by_hand(years_back):
    """Literal events, counted by hand: web and app chosen, store not."""
    rows = [  # customer, time, channel, stage
        ("A", "2024-05-01 10:00", "web", "awareness"),
        ("A", "2024-05-01 11:00", "app", "purchase"),  # same instant as the consideration below:
        ("A", "2024-05-01 11:00", "web", "consideration"),  # step 3 may be at step 2's time
        ("A", "2024-05-03 09:00", "store", "retention"),  # store is not chosen
        ("B", "2024-05-02 10:00", "app", "awareness"),
        ("B", "2024-05-02 11:00", "web", "purchase"),  # before consideration: does not count
        ("B", "2024-05-02 12:00", "web", "consideration"),
        ("B", "2024-06-20 12:00", "web", "purchase"),  # after the 30-day window
        ("C", "2024-05-02 10:00", "store", "awareness"),  # starts only on store
        ("C", "2024-05-02 11:00", "web", "consideration"),
        ("D", "2024-05-05 08:00", "app", "awareness"),
        ("D", "2024-05-06 08:00", "app", "consideration"),
        ("D", "2024-05-07 08:00", "web", "purchase"),
        ("D", "2024-05-08 08:00", "app", "retention"),
        ("D", "2024-05-08 08:00", "web", "advocacy"),
    ]
    c = cxdata.connect(":memory:")
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage) "
                  "values (?, ?, ?, ?, ?)", [(f"e{i}", cust, str(int(t[:4]) - years_back) + t[4:], ch, st)
                                             for i, (cust, t, ch, st) in enumerate(rows)])
    journeys.rebuild(c)
    frame = funnel.funnel_steps(c, Filters(channel=("web", "app")), window_days=30, per_channel=False)
    # starters A, B, D; consideration A, B, D; purchase A, D; retention D; advocacy D
    assert list(frame["customers"]) == [3, 3, 2, 1, 1]
    assert set(frame["channel"]) == {funnel.ALL_CHANNELS}


def test_journey_across_channels_with_dimensions_that_change_between_channels():
    """Each customer's segment is the same on one channel but differs between channels: the
    journey across chosen channels must take each day's earliest start's segment (day by day),
    and still equals the events."""
    rng = random.Random(5)
    rows = []
    for i in range(3000):
        cust, ch = rng.randint(0, 60), rng.choice(["web", "app", "store"])
        rows.append((f"e{i}", f"C{cust:03d}", datetime(2024, 1, 1) + timedelta(hours=rng.randint(0, 24 * 60)),
                     ch, rng.choice(STAGES), ["SME", "Consumer", "SME"][["web", "app", "store"].index(ch)], "faq"))
    c = cxdata.connect(":memory:")
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, "
                  "touchpoint) values (?, ?, ?, ?, ?, ?, ?)", rows)
    journeys.rebuild(c)
    assert "segment" not in journeys.constant_dimensions(c, across_channels=True)
    for f in (Filters(channel=("web", "app"), segment=("SME",)),
              Filters(channel=("app", "store"), segment=("Consumer",), date_from=date(2024, 1, 20)),
              Filters(channel=("web", "app", "store"), segment=("SME",), date_to=date(2024, 2, 10))):
        for window in (0, 7, 30):
            table = funnel.funnel_steps(c, f, window_days=window, source="table")
            pd.testing.assert_frame_equal(table, funnel.funnel_steps(c, f, window_days=window, source="events"))
            assert table["customers"].sum() > 0


def test_upgrade_from_v4_keys_the_journeys(tmp_path):
    """A v4 file (no keys, no journey_events) is upgraded in place and the funnel across chosen
    channels gives what the events give."""
    path = tmp_path / "v4.duckdb"
    c = cxdata.connect(path)
    with_random_events(c, 6, 40)
    f = Filters(channel=("web", "store"), segment=("SME", "Consumer"), date_from=date(2024, 1, 15))
    expected = funnel.funnel_steps(c, f, source="events")
    events = c.execute("select count(*) from journey_events").fetchone()[0]
    old_schema.before_v5(c)
    c.execute("delete from settings where key = 'journey_customer_dims'")
    old_schema.as_version(c, 4)
    c = old_schema.reopened(c, path)
    assert keys_are_unique(c)
    assert c.execute("select count(*) from journey_events").fetchone()[0] == events > 0
    assert journeys.constant_dimensions(c, across_channels=True) == {"segment", "region", "product"}
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, f, source="table"), expected)


def test_changing_the_stage_order_rebuilds_the_table(con):
    db.set_stages(con, ["awareness", "purchase"])
    pd.testing.assert_frame_equal(funnel.funnel_steps(con, Filters(), source="table"),
                                  funnel.funnel_steps(con, Filters(), source="events"))


def test_upgrade_from_v1_derives_the_table(tmp_path):
    path = tmp_path / "old.duckdb"
    c = cxdata.connect(path)
    with_random_events(c, 4, 20, rebuild=False)
    expected = funnel.funnel_steps(c, Filters(), source="events")
    # make it a version-1 database, as shipped before journey_starts existed
    old_schema.before_v5(c)
    c.execute("drop table journey_starts")
    old_schema.as_version(c, 1)
    c = old_schema.reopened(c, path)
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, Filters(), source="table"), expected)


def test_first_entry_filter_needs_constant_dimensions():
    """The fast path (a start is the first in the period when the previous start is before it)
    is only exact when a filter keeps all of a customer's starts or none: here segment changes
    between one customer's events, so a segment filter must take the group-by path, and the
    table still equals the events."""
    rng = random.Random(11)
    rows = [(f"e{i}", f"C{rng.randint(0, 40):03d}", datetime(2024, 1, 1) + timedelta(hours=rng.randint(0, 24 * 90)),
             rng.choice(["web", "app"]), rng.choice(STAGES), rng.choice(["SME", "Consumer"]), "faq")
            for i in range(2500)]
    c = cxdata.connect(":memory:")
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, "
                  "touchpoint) values (?, ?, ?, ?, ?, ?, ?)", rows)
    journeys.rebuild(c)
    assert journeys.constant_dimensions(c) == {"region", "product"}  # segment varies, the others are NULL
    for f in (Filters(segment=("SME",), date_from=date(2024, 1, 15), date_to=date(2024, 3, 1)),
              Filters(date_from=date(2024, 2, 1)), Filters(channel=("web", "app"), segment=("Consumer",))):
        for window in (0, 7, 30):
            pd.testing.assert_frame_equal(funnel.funnel_steps(c, f, window_days=window, source="table"),
                                          funnel.funnel_steps(c, f, window_days=window, source="events"))


def test_constant_dimensions_follow_imports(con):
    assert journeys.constant_dimensions(con) == {"segment", "region", "product"}
    # an import where a customer with web journeys starts one more in another segment: segment
    # leaves the set
    c = con
    who = c.execute("select customer_id from journey_starts where channel = 'web' order by all limit 1").fetchall()[0][0]
    c.execute("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, import_id) "
              "values ('x1', $who, '2024-12-01', 'web', 'awareness', 'Other', 99)", {"who": who})
    journeys.mark_import(c, 99)
    journeys.rebuild_marked(c)
    assert journeys.constant_dimensions(c) == {"region", "product"}
    f = Filters(segment=("Other",), date_from=date(2024, 1, 1))
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, f, source="table"),
                                  funnel.funnel_steps(c, f, source="events"))


def test_upgrade_from_v3_converts_the_table(tmp_path):
    """A v3 file (step times in a list, no prev_anchor) is converted in place by the v4 migration,
    without recomputing the journeys, and gives the same funnel."""
    path = tmp_path / "v3.duckdb"
    c = cxdata.connect(path)
    with_random_events(c, 5, 40)
    f = Filters(date_from=date(2024, 2, 1), date_to=date(2024, 4, 1), segment=("SME",))
    expected = funnel.funnel_steps(c, f, source="events")
    old_schema.journeys_as_before_v4(c, 3)  # and the journey table as v3 had it
    c = old_schema.reopened(c, path)
    assert c.execute("select count(*) from journey_starts where prev_anchor is not null").fetchone()[0] > 0
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, f, source="table"), expected)


def test_too_many_stages_are_refused(con):
    with pytest.raises(ValueError, match="at most 12 stages"):
        db.set_stages(con, [f"s{i}" for i in range(13)])
    assert db.stages(con) == STAGES


def test_reads_events_says_when_the_funnel_is_slow():
    assert not funnel.reads_events(Filters(segment=("SME",), date_from=date(2024, 1, 1)))
    assert not funnel.reads_events(Filters(channel=("web",)))
    assert funnel.reads_events(Filters(channel=("web", "app")))
    assert funnel.reads_events(Filters(touchpoint=("checkout",)))
    assert funnel.reads_events(Filters(attrs=(("k", ("v",)),)))
    assert funnel.split_across(Filters(channel=("web", "app")))
    assert not funnel.split_across(Filters(channel=("web",)))
    assert not funnel.split_across(Filters(channel=("web", "app"), touchpoint=("checkout",)))
