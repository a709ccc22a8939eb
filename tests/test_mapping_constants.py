"""Issue 17, item 5: a required column that is missing is one error, nothing written, never one
reject per row; ``set:FIELD`` gives every row a value (a channel, a stage, the date of a one-off
survey)."""

from __future__ import annotations

from datetime import datetime

import pytest
from helpers.mapping import DATA  # noqa: E402 - the shared literal files

from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file, pipeline
from cxdata.ingest.read import read_raw
from cxdata.queries import kpi_set


def nothing_written(con):
    return con.execute("select (select count(*) from responses) + (select count(*) from interactions) "
                       "+ (select count(*) from imports) + (select count(*) from import_rejects)"
                       ).fetchone()[0] == 0


def test_a_missing_date_column_is_one_error(con):
    with pytest.raises(IngestError) as info:
        import_file(con, DATA / "no_date.csv")
    msg = str(info.value)
    assert msg.count("\n- ") == 1 and "no column for responded_at" in msg
    assert "--set responded_at=2024-01-31" in msg and "--map responded_at=COLUMN" in msg
    assert nothing_written(con)


def test_set_gives_every_row_the_date_channel_and_stage(con):
    r = import_file(con, DATA / "no_date.csv",
                    mapping={"set:responded_at": "2024-05-31", "set:journey_stage": "Acquisto"})
    assert (r.loaded, r.rejected) == (4, 0)
    rows = con.execute("select distinct responded_at, journey_stage from responses").fetchall()
    assert rows == [(datetime(2024, 5, 31), "purchase")]
    # 10, 6, 9, 8: two promoters, one detractor of four
    assert kpi_set(con, Filters()).nps.value == pytest.approx(25.0)
    p = pipeline._prepare(read_raw(DATA / "no_date.csv"), kind=None, date_format=None,
                          ces_direction="effort", mapping={"set:responded_at": "2024-05-31"})
    assert p.constants == {"responded_at": "2024-05-31"}
    assert p.mapping_how["responded_at"] == "every row set to '2024-05-31'"


def test_set_replaces_a_guess_and_keeps_the_column_as_an_attribute(con):
    r = import_file(con, DATA / "no_date.csv",
                    mapping={"set:responded_at": "2024-05-31", "set:channel": "E-mail"})
    assert "channel" not in r.mapping
    assert con.execute("select distinct channel from responses").fetchall() == [("email",)]
    assert con.execute("select attributes['channel'] from responses where response_id = 'n3'").fetchone() == ("App",)
    assert "channel: 'E-mail' -> 'email' (4 rows)" in r.conversions


@pytest.mark.parametrize(("mapping", "words"), [
    ({"channel": "channel", "set:channel": "web", "set:responded_at": "2024-05-31"},
     "both mapped to column 'channel' and set to 'web'"),
    ({"set:nps": "10"}, "a value can be set for"),
    ({"set:responded_at": "last week"}, "'last week' is not a date"),
    ({"set:channel": ""}, "needs a value"),
])
def test_set_errors(con, mapping, words):
    with pytest.raises(IngestError, match=words):
        import_file(con, DATA / "no_date.csv", mapping=mapping)
    assert nothing_written(con)


def test_interactions_missing_channel_and_stage_is_one_error(con):
    with pytest.raises(IngestError) as info:
        import_file(con, DATA / "events_no_channel.csv", kind="interactions")
    msg = str(info.value)
    assert "no column for channel" in msg and "no column for stage" in msg and msg.count("\n- ") == 2
    assert nothing_written(con)
    r = import_file(con, DATA / "events_no_channel.csv", kind="interactions",
                    mapping={"set:channel": "Sito", "set:stage": "purchase"})
    assert (r.loaded, r.rejected) == (3, 0)
    assert con.execute("select distinct channel, stage from interactions").fetchall() == [("web", "purchase")]
    assert float(con.execute("select sum(revenue) from interactions").fetchone()[0]) == pytest.approx(25.0)
