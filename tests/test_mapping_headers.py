"""Issue 17, item 3: headers match by whole words and synonyms, never by a word inside a long
question; id columns are preferred for the response id; free text is never an id or a category;
the response's date is preferred to a purchase date, and the runner-ups are recorded."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers.mapping import DATA, prepared  # noqa: E402 - the shared literal files and reader

from cxdata.filters import Filters
from cxdata.ingest import import_file, preview_file
from cxdata.ingest.mapping import free_text
from cxdata.queries import kpi_set


def test_long_question_texts_do_not_match_by_one_word():
    # 'area' (region), 'value' (revenue) and 'service' (product) sit inside questions
    p = preview_file(DATA / "long_questions.csv")
    assert p.kind == "responses"
    assert p.mapping == {"response_id": "Respondent ID", "responded_at": "End Date",
                         "nps": "How likely is it that you would recommend the service to a friend?"}


def test_free_text_is_never_an_id_and_the_unique_id_is_the_response_id(con):
    p = prepared("ecommerce.csv")
    assert p.mapping == {"response_id": "Unique id", "responded_at": "Survey_response_Date",
                         "channel": "channel_name", "product": "Product_category", "csat": "CSAT Score",
                         "comment": "Customer Remarks"}
    assert p.mapping_how["response_id"] == ("its name is the synonym 'unique id'; runner-ups: "
                                            "'Order_id' (named like an id, distinct values)")
    assert "runner-ups: 'order_date_time' (values are dates)" in p.mapping_how["responded_at"]
    r = import_file(con, DATA / "ecommerce.csv")
    assert r.loaded == 6
    ids = [x[0] for x in con.execute("select response_id from responses order by responded_at").fetchall()]
    assert ids[0] == "7e9ae164-6a15-4e4a-9b6f-4f2b2a0c1d01"
    # 5, 5, 1, 2, 3, 4: three of six satisfied
    assert kpi_set(con, Filters()).csat.value == pytest.approx(50.0)


def test_free_text_is_never_a_category():
    p = prepared("free_text_segment.csv")
    assert "segment" not in p.mapping
    assert p.not_mapped["segment"] == ("column 'Segment' (its name is the synonym 'segment') not used: "
                                       "it holds free text, not categories.")
    assert free_text(pd.Series(["Very good service and quick reply", "late", None]))
    assert not free_text(pd.Series(["7e9ae164-6a15-4e4a-9b6f-4f2b2a0c1d01", "b07ec1b0-f376"]))
    assert not free_text(pd.Series(["Young professionals", "Friuli-Venezia Giulia"]))


def test_the_response_date_wins_over_the_date_of_purchase(con):
    p = prepared("tickets.csv")
    assert p.mapping["responded_at"] == "First Response Time"
    assert p.mapping_how["responded_at"] == (
        "its values are dates and its name says it is the response's; runner-ups: "
        "'Date of Purchase' (values are dates), 'Time to Resolution' (values are dates)")
    assert p.mapping["response_id"] == "Ticket ID"
    r = import_file(con, DATA / "tickets.csv")
    assert r.loaded == 5
    months = con.execute("select distinct month(responded_at), year(responded_at) from responses").fetchall()
    assert months == [(6, 2023)]


def test_airline_columns_are_not_guessed_into_fields():
    p = prepared("airline.csv", **{"csat.value:neutral or dissatisfied": "2"})
    # 'Inflight wifi service' is no product, 'Ease of Online booking' (0-5) no CES
    assert p.mapping == {"response_id": "id", "responded_at": "date", "segment": "Customer Type",
                         "csat": "satisfaction"}


def test_italian_id_and_score_names():
    p = prepared("italian_codes.csv")
    assert p.mapping == {"response_id": "Codice", "responded_at": "Data", "nps": "Voto", "comment": "Note"}
