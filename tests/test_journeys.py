"""The maintained journey table returns exactly the funnel computed from the events."""

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

import cxdata
from cxdata import db, funnel, ingest, schema
from cxdata.filters import Filters

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


@pytest.fixture(params=[1, 2])
def con(request):
    c = cxdata.connect(":memory:")
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, "
                  "touchpoint) values (?, ?, ?, ?, ?, ?, ?)", random_events(request.param))
    from cxdata import journeys
    journeys.rebuild(c)
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
]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize("window", [0, 30])
def test_table_equals_events(con, f, window):
    table = funnel.funnel_steps(con, f, window_days=window, source="table")
    events = funnel.funnel_steps(con, f, window_days=window, source="events")
    pd.testing.assert_frame_equal(table, events)
    assert funnel.funnel_steps(con, f, window_days=window).equals(table)  # auto picks the table


def test_event_filters_use_the_events(con):
    f = Filters(channel=("web",), touchpoint=("checkout",))
    assert not funnel.uses_journey_table(f)
    with pytest.raises(ValueError):
        funnel.funnel_steps(con, f, source="table")
    frame = funnel.funnel_steps(con, f)
    assert set(frame["channel"]) <= {"web", funnel.ALL_CHANNELS}
    two = Filters(channel=("web", "app"))  # journeys across two channels' events: from the events
    assert not funnel.uses_journey_table(two)
    frame = funnel.funnel_steps(con, two)
    assert set(frame["channel"]) == {"web", "app", funnel.ALL_CHANNELS}
    web = funnel.funnel_steps(con, Filters(channel=("web",)))
    assert list(frame[frame["channel"] == "web"]["customers"]) == list(web[web["channel"] == "web"]["customers"])


def test_import_and_undo_keep_the_table_exact(tmp_path):
    c = cxdata.connect(tmp_path / "cx.duckdb")
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, "
                  "touchpoint) values (?, ?, ?, ?, ?, ?, ?)", random_events(7, 30))
    from cxdata import journeys
    journeys.rebuild(c)
    before = funnel.funnel_steps(c, Filters())
    result = ingest.import_file(c, DATA / "interactions.csv", kind="interactions")
    assert result.loaded > 0
    after = funnel.funnel_steps(c, Filters(), source="table")
    pd.testing.assert_frame_equal(after, funnel.funnel_steps(c, Filters(), source="events"))
    assert not after.equals(before)
    ingest.undo_import(c, result.import_id)
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, Filters(), source="table"), before)


def test_changing_the_stage_order_rebuilds_the_table(con):
    db.set_stages(con, ["awareness", "purchase"])
    pd.testing.assert_frame_equal(funnel.funnel_steps(con, Filters(), source="table"),
                                  funnel.funnel_steps(con, Filters(), source="events"))


def test_upgrade_from_v1_derives_the_table(tmp_path):
    path = tmp_path / "old.duckdb"
    c = cxdata.connect(path)
    c.executemany("insert into interactions (event_id, customer_id, occurred_at, channel, stage, segment, "
                  "touchpoint) values (?, ?, ?, ?, ?, ?, ?)", random_events(4, 20))
    expected = funnel.funnel_steps(c, Filters(), source="events")
    # make it a version-1 database, as shipped before journey_starts existed
    c.execute("drop table journey_starts")
    c.execute("update schema_meta set value = '1' where key = 'schema_version'")
    c.close()
    c = cxdata.connect(path)
    assert db.schema_version(c) == schema.SCHEMA_VERSION
    pd.testing.assert_frame_equal(funnel.funnel_steps(c, Filters(), source="table"), expected)
