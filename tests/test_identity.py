"""Issue 16: identity and undo across several real exports in one database.

Every expected figure is computed by hand from the literal rows below.
"""

from __future__ import annotations

import pytest
from helpers.dbstate import assert_same, canonical
from pytest import approx

from cxdata import db
from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file, list_imports, undo_import
from cxdata.queries import kpi_set


@pytest.fixture
def con():
    c = db.connect(":memory:")
    yield c
    c.close()


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# A bank's NPS survey numbers its respondents 1..5; a ticket system numbers its tickets 1..4.
BANK = csv("id,date,nps", "1,2026-01-05,10", "2,2026-01-06,9", "3,2026-01-07,3", "4,2026-01-08,7",
           "5,2026-01-09,10")
TICKETS = csv("Ticket ID,date,csat", "1,2026-02-01,5", "2,2026-02-02,2", "3,2026-02-03,4", "4,2026-02-04,1")


def test_two_sources_with_the_same_ids_both_load(con):
    bank = import_file(con, BANK, file_name="bank.csv", source="bank", mapping={"response_id": "id"})
    tickets = import_file(con, TICKETS, file_name="tickets.csv", source="tickets",
                          mapping={"response_id": "Ticket ID"})
    assert (bank.loaded, tickets.loaded, tickets.duplicates) == (5, 4, 0)
    assert (bank.key, tickets.key) == ("id:id", "id:Ticket ID")
    k = kpi_set(con, Filters())
    # NPS: promoters 1, 2, 5; detractor 3 -> (3 - 1) / 5 = +40; CSAT: 5 and 4 of 4 answers -> 50%
    assert (k.nps.n, k.nps.value) == (5, approx(40.0))
    assert (k.csat.n, k.csat.value) == (4, approx(50.0))


def test_same_ids_in_one_source_are_duplicates_split_by_where(con):
    jan = import_file(con, BANK, file_name="jan.csv", source="bank")
    # February's export repeats respondent 5 (now 6/10) and lists respondent 6 twice
    feb = import_file(con, csv("id,date,nps", "5,2026-01-09,6", "6,2026-02-01,0", "6,2026-02-01,0"),
                      file_name="feb.csv", source="bank")
    assert (jan.loaded, feb.loaded, feb.duplicates_in_source, feb.duplicates_in_file) == (5, 1, 1, 1)
    assert feb.rows_read == feb.loaded + feb.duplicates + feb.rejected
    # the first delivery counts: 10, 9, 3, 7, 10, 0 -> promoters 3, detractors 2 of 6
    assert kpi_set(con, Filters()).nps.value == approx((3 - 2) / 6 * 100)


def test_the_default_source_follows_the_columns(con):
    a = import_file(con, BANK, file_name="bank_2026_01.csv")
    b = import_file(con, csv("id,date,nps", "5,2026-01-09,10", "6,2026-02-01,8"), file_name="bank_2026_02.csv")
    c = import_file(con, TICKETS, file_name="tickets.csv")
    assert a.source == b.source and a.source.startswith("bank-")
    assert c.source != a.source
    assert (b.loaded, b.duplicates_in_source) == (1, 1)
    assert "same columns" in b.source_reason


def test_a_file_split_in_two_without_ids_loads_every_row(con):
    # the mapped fields (date, channel, csat) repeat; the free-text remark tells the rows apart
    head = "date,channel,csat,Customer Remarks"
    first = import_file(con, csv(head, "2026-03-01,web,5,fast", "2026-03-01,web,5,friendly",
                                 "2026-03-01,web,2,late"), file_name="half1.csv")
    second = import_file(con, csv(head, "2026-03-01,web,5,polite", "2026-03-01,web,5,",
                                  "2026-03-01,web,2,broken"), file_name="half2.csv")
    assert first.key == second.key == "row-hash"
    assert (first.loaded, second.loaded, second.duplicates) == (3, 3, 0)
    # 5, 5, 2, 5, 5, 2 -> 4 satisfied of 6
    k = kpi_set(con, Filters())
    assert (k.csat.n, k.csat.value) == (6, approx(4 / 6 * 100))


def test_identical_rows_in_one_file_are_all_kept_and_a_rerun_export_adds_none(con):
    rows = ["date,channel,csat", "2026-03-01,web,5", "2026-03-01,web,5", "2026-03-02,app,1"]
    first = import_file(con, csv(*rows), file_name="march.csv")
    # the next export repeats March and adds one April row
    second = import_file(con, csv(*rows, "2026-04-01,web,4"), file_name="march_april.csv")
    assert (first.loaded, second.loaded, second.duplicates_in_source) == (3, 1, 3)
    assert kpi_set(con, Filters()).csat.n == 4


def test_the_same_content_again_is_refused_and_replace_swaps_the_mapping(con):
    first = import_file(con, TICKETS, file_name="tickets.csv")
    before = canonical(con)
    with pytest.raises(IngestError) as info:
        import_file(con, TICKETS, file_name="tickets.csv", mapping={"segment": "Ticket ID"})
    assert f"imported as import {first.import_id}" in str(info.value) and "--replace" in str(info.value)
    assert canonical(con) == before
    swapped = import_file(con, TICKETS, file_name="tickets.csv", mapping={"segment": "Ticket ID"},
                          replace=True)
    assert swapped.replaced == [first.import_id] and swapped.loaded == 4
    segments = sorted(r[0] for r in con.execute("select segment from responses").fetchall())
    assert segments == ["1", "2", "3", "4"]
    assert kpi_set(con, Filters()).csat.n == 4  # counted once, not twice
    statuses = dict(con.execute("select import_id, status from imports").fetchall())
    assert statuses == {first.import_id: "undone", swapped.import_id: "done"}


def _ids(n0: int, n1: int) -> bytes:
    return csv("id,date,nps", *(f"{i},2026-01-{1 + i % 28:02d},{i % 11}" for i in range(n0, n1)))


def test_undo_a_keeps_the_rows_b_delivered_too(con):
    a = import_file(con, _ids(0, 20), file_name="a.csv", source="s")
    b = import_file(con, _ids(10, 30), file_name="b.csv", source="s")
    assert (b.loaded, b.duplicates_in_source) == (10, 10)
    shared = list_imports(con).set_index("import_id")
    assert shared.loc[a.import_id, "shared_with"] == [b.import_id]
    assert shared.loc[a.import_id, "shared_rows"] == 10
    assert undo_import(con, a.import_id) == 20
    assert con.execute("select count(*) from responses").fetchone()[0] == 20
    owners = con.execute("select distinct import_id from responses").fetchall()
    assert owners == [(b.import_id,)]
    alone = db.connect(":memory:")
    import_file(alone, _ids(10, 30), file_name="b.csv", source="s")
    assert_same(canonical(con), canonical(alone))


EVENTS_A = csv("event_id,customer_id,occurred_at,channel,stage",
               "e1,c1,2026-01-01 10:00,web,awareness", "e2,c1,2026-01-02 10:00,web,consideration",
               "e3,c2,2026-01-03 10:00,app,awareness", "e4,c2,2026-01-04 10:00,app,purchase")
# B repeats e2 with another time and e3, and adds c2's consideration and c3
EVENTS_B = csv("event_id,customer_id,occurred_at,channel,stage",
               "e2,c1,2026-01-02 11:00,web,consideration", "e3,c2,2026-01-03 10:00,app,awareness",
               "e5,c2,2026-01-03 12:00,app,consideration", "e6,c3,2026-01-05 09:00,store,awareness")
RESP_A = csv("id,customer,date,channel,segment,nps,csat", "r1,c1,2026-01-02,web,consumer,10,5",
             "r2,c2,2026-01-04,app,business,4,2", "r3,c3,2026-01-05,store,consumer,8,4")
RESP_B = csv("id,customer,date,channel,segment,nps,csat", "r2,c2,2026-01-04,app,business,6,3",
             "r3,c3,2026-01-05,store,consumer,8,4", "r4,c4,2026-01-06,web,business,9,5")


def _load(con, which: str) -> int:
    files = {"A": (RESP_A, EVENTS_A), "B": (RESP_B, EVENTS_B)}[which]
    ids = []
    for kind, data in zip(("responses", "interactions"), files, strict=True):
        r = import_file(con, data, file_name=f"{which}-{kind}.csv", kind=kind, source=f"s-{kind}")
        ids.append(r.import_id)
    return ids


@pytest.mark.parametrize("order", [("A", "B"), ("B", "A")])
@pytest.mark.parametrize("undo_first", [0, 1])
def test_undo_equals_importing_the_others_alone(order, undo_first):
    """Import in ``order``, undo one of the two, compare with a database of the other alone:
    rows (with their owner and values), held rows, every count table, the filter values and the
    journey tables."""
    con = db.connect(":memory:")
    loaded = {name: _load(con, name) for name in order}
    gone, kept = order[undo_first], order[1 - undo_first]
    for import_id in loaded[gone]:
        undo_import(con, import_id)
    alone = db.connect(":memory:")
    _load(alone, kept)
    assert_same(canonical(con), canonical(alone))
    # and then undoing the other leaves an empty database with its derived tables empty
    for import_id in loaded[kept]:
        undo_import(con, import_id)
    empty = canonical(db.connect(":memory:"))
    assert_same(canonical(con), empty)


def test_undo_hands_over_the_later_values(con):
    """B's version of r2 (NPS 6) replaces A's (4) when A is undone, as if A had never been."""
    _load(con, "A")
    _load(con, "B")
    assert kpi_set(con, Filters()).nps.detractors == 1  # A's r2 (4) counts while A stands
    undo_import(con, 1)
    k = kpi_set(con, Filters())
    # B alone: 6, 8, 9 -> 1 promoter, 1 passive, 1 detractor
    assert (k.nps.n, k.nps.promoters, k.nps.passives, k.nps.detractors) == (3, 1, 1, 1)


@pytest.mark.parametrize(("date", "reason"), [("9999-12-31", "date in the future"),
                                              ("2099-01-04", "date in the future"),
                                              ("0001-01-01", "before 1900-01-01"),
                                              ("1899-12-31", "before 1900-01-01")])
def test_impossible_dates_are_rejected_with_line_column_value_reason(con, date, reason):
    data = csv("id,when,nps", "1,2026-01-05,10", f"2,{date},9", "3,2026-01-07,3")
    r = import_file(con, data, file_name="dates.csv")
    assert (r.loaded, r.rejected) == (2, 1)
    (rej,) = r.rejects
    assert (rej.line, rej.column, rej.value) == (3, "when", date)
    assert reason in rej.reason
    assert con.execute("select max(responded_at) from responses").fetchone()[0].year == 2026


def test_the_date_window_can_be_widened_deliberately(con):
    from datetime import date

    data = csv("id,when,nps", "1,1890-06-01,10", "2,2030-01-01,9")
    r = import_file(con, data, file_name="backfill.csv", min_date=date(1880, 1, 1), max_date=date(2030, 12, 31))
    assert (r.loaded, r.rejected) == (2, 0)


def test_an_older_file_keeps_every_row_and_kpi_and_each_import_becomes_a_source(tmp_path):
    from helpers.old_schema import before_v8, reopened

    from cxdata import demo

    path = tmp_path / "v7.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=2_000, interactions=6_000, seed=3)
    bank = import_file(con, BANK, file_name="bank.csv", mapping={"response_id": "id"})
    tickets = import_file(con, TICKETS, file_name="tickets.csv")
    rows = con.execute("select * from responses order by import_id, response_id").fetchall()
    kpis = kpi_set(con, Filters())
    before_v8(con)
    con = reopened(con, path)
    assert con.execute("select * from responses order by import_id, response_id").fetchall() == rows
    assert kpi_set(con, Filters()) == kpis
    sources = dict(con.execute("select import_id, source || ' ' || row_key from imports").fetchall())
    assert sources[bank.import_id] == f"import-{bank.import_id} id:id"
    assert sources[tickets.import_id] == f"import-{tickets.import_id} {tickets.key}"
    assert sorted(sources.values())[0] == "demo id:response_id"
    # the upgraded file takes new imports with source-scoped keys: the bank's ids again, another source
    again = import_file(con, csv("id,date,nps", "1,2026-03-01,0"), file_name="bank_march.csv", source="bank")
    assert (again.loaded, again.duplicates) == (1, 0)


def test_rows_already_in_the_source_say_which_import_holds_them_and_how_to_remap(con):
    """Trials: a re-downloaded export with a new mapping loaded 0 rows, exit 0, and nothing said
    that the new mapping was not applied."""
    first = import_file(con, BANK, file_name="bank.csv", source="bank")
    lines = BANK.decode().splitlines()
    redownload = "\n".join([lines[0] + ",market", *(f"{row},IT" for row in lines[1:])]) + "\n"
    again = import_file(con, redownload.encode(), file_name="bank_redownload.csv", source="bank",
                        mapping={"segment": "market"})
    assert (again.loaded, again.duplicates_in_source) == (0, 5)
    note = next(c for c in again.conversions if "already in source 'bank'" in c)
    assert f"import {first.import_id} (5 rows)" in note and f"undo {first.import_id}" in note
    assert "--replace" in note
