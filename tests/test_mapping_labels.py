"""Issue 17, item 2: a value that is not understood never biases a KPI. Unknown labels in a score
column stop the import (each label, its rows, the option that maps it); value-map keys map them;
more than 1% of the rows rejected for one reason stops the import unless ``accept_rejects``."""

from __future__ import annotations

import pytest
from helpers.mapping import DATA  # noqa: E402 - the shared literal files

from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file, load_mapping, undo_import
from cxdata.queries import kpi_set


def approx(x):
    return pytest.approx(x, abs=1e-9)


def nothing_written(con):
    return con.execute("select (select count(*) from responses) + (select count(*) from imports) "
                       "+ (select count(*) from import_rejects)").fetchone()[0] == 0


def test_a_binary_satisfaction_column_is_never_silently_100_percent(con):
    # 'satisfied' on rows 3, 5, 8 and 10, 'neutral or dissatisfied' on the other six: truth 4/10.
    with pytest.raises(IngestError) as info:
        import_file(con, DATA / "airline.csv")
    msg = str(info.value)
    assert "airline.csv" in msg and "nothing was imported" in msg
    assert "'neutral or dissatisfied' (6 rows)" in msg
    assert '--map-value csat:"neutral or dissatisfied"=N' in msg
    assert "two answers only" in msg
    assert info.value.fixes == {"csat.value:neutral or dissatisfied": ""}
    assert nothing_written(con)
    r = import_file(con, DATA / "airline.csv",
                    mapping={"csat.value:Neutral or Dissatisfied": "2", "csat.value:satisfied": "5"})
    assert (r.rows_read, r.loaded, r.rejected) == (10, 10, 0)
    csat = kpi_set(con, Filters()).csat
    assert (csat.value, csat.n) == (approx(40.0), 10)
    assert any("'neutral or dissatisfied' -> 2" in c for c in r.conversions)


def test_the_known_label_alone_keeps_its_table_value(con):
    # 'satisfied' reads 4 from the table, which counts as satisfied: still 4 of 10
    import_file(con, DATA / "airline.csv", mapping={"csat.value:neutral or dissatisfied": "2"})
    assert kpi_set(con, Filters()).csat.value == approx(40.0)
    assert sorted(r[0] for r in con.execute("select distinct csat from responses").fetchall()) == [2, 4]


def test_unknown_italian_labels_are_listed_with_counts_and_mapped(con):
    with pytest.raises(IngestError) as info:
        import_file(con, DATA / "csat_italian.csv")
    msg = str(info.value)
    assert "'Così così' (2 rows)" in msg and "'Insomma' (1 row)" in msg and "'Non so' (1 row)" in msg
    assert '--map-value csat:"Così così"=N' in msg and "--map-value csat:Insomma=N" in msg
    assert "Molto soddisfatto" not in msg and "Per niente soddisfatto" not in msg  # known labels
    assert nothing_written(con)
    r = import_file(con, DATA / "csat_italian.csv",
                    mapping={"csat.value:cosi cosi": "3", "csat.value:Insomma": "3", "csat.value:Non so": ""})
    # 'Non so' is no answer: the row has no score. 5, 3, 4, 3, 3, 1: two of six satisfied.
    assert (r.loaded, r.rejected) == (6, 1)
    assert [(x.line, x.reason) for x in r.rejects] == [(8, "no score answered (csat all empty)")]
    csat = kpi_set(con, Filters()).csat
    assert (csat.value, csat.n) == (approx(100 / 3), 6)


def test_a_value_map_must_give_a_number_for_a_score(con):
    with pytest.raises(IngestError, match="give a number"):
        import_file(con, DATA / "airline.csv", mapping={"csat.value:satisfied": "yes"})
    with pytest.raises(IngestError, match="values can be mapped for the scores and the categories"):
        import_file(con, DATA / "airline.csv", mapping={"comment.value:x": "y"})


def test_more_than_one_percent_rejected_for_one_reason_stops(con):
    with pytest.raises(IngestError) as info:
        import_file(con, DATA / "bad_dates.csv")
    msg = str(info.value)
    assert "2 of 10 rows (20.0%) would be rejected for 'date': not a date (lines 4, 7)" in msg
    assert "--accept-rejects" in msg and info.value.fixes == {"accept_rejects": "yes"}
    assert nothing_written(con)
    r = import_file(con, DATA / "bad_dates.csv", mapping={"accept_rejects": "yes"})
    assert (r.loaded, r.rejected) == (8, 2)
    # 10, 9, 7, 6, 10, 3, 9, 10: five promoters, two detractors of eight
    assert kpi_set(con, Filters()).nps.value == approx((5 - 2) / 8 * 100)


def test_accept_rejects_off_values_keep_the_check(con):
    with pytest.raises(IngestError, match="would be rejected"):
        import_file(con, DATA / "bad_dates.csv", mapping={"accept_rejects": "no"})


def test_value_maps_are_saved_with_the_mapping(con):
    first = import_file(con, DATA / "airline.csv", mapping={"csat.value:neutral or dissatisfied": "2"},
                        save_mapping_as="airline")
    assert load_mapping(con, "airline")[1]["csat.value:neutral or dissatisfied"] == "2"
    undo_import(con, first.import_id)
    again = import_file(con, DATA / "airline.csv", mapping_name="airline")
    assert again.loaded == 10
    assert kpi_set(con, Filters()).csat.value == approx(40.0)
