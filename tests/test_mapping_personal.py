"""Issue 17, item 6: personal data and survey metadata (IP address, location, e-mail, names, phone
numbers, recipient fields) are left out of the attributes, with the reason, unless kept."""

from __future__ import annotations

import pytest
from helpers.mapping import DATA  # noqa: E402 - the shared literal files

from cxdata.ingest import IngestError, import_file, pipeline
from cxdata.ingest.read import read_raw

LEFT_OUT = {
    "IPAddress": "an IP address",
    "LocationLatitude": "a location (latitude, longitude)",
    "LocationLongitude": "a location (latitude, longitude)",
    "RecipientEmail": "an e-mail address",
    "RecipientFirstName": "a person's name",
    "RecipientLastName": "a person's name",
    "Phone Number": "a phone number",
}


def attribute_keys(con):
    return sorted(r[0] for r in con.execute(
        "select distinct unnest(map_keys(attributes)) from responses").fetchall())


def test_personal_columns_are_left_out_with_their_reason(con):
    p = pipeline._prepare(read_raw(DATA / "personal.csv"), kind=None, mapping={}, date_format=None,
                          ces_direction="effort")
    assert p.left_out == list(LEFT_OUT) and p.left_out_reasons == LEFT_OUT
    assert p.attributes == ["City"]
    r = import_file(con, DATA / "personal.csv")
    assert r.loaded == 2
    assert attribute_keys(con) == ["City"]
    assert ("column 'IPAddress' left out: an IP address, personal data (keep it with --keep-column, "
            "option keep:IPAddress=yes).") in r.conversions
    stored = con.execute("select * from responses").df().astype(str).to_string()
    assert "anna@example.com" not in stored and "1.2.3.4" not in stored and "Rossi" not in stored


def test_a_kept_column_is_stored(con):
    import_file(con, DATA / "personal.csv", mapping={"keep:IPAddress": "yes", "keep:City": "yes"})
    assert attribute_keys(con) == ["City", "IPAddress"]
    assert con.execute("select attributes['IPAddress'] from responses where response_id = 'p2'"
                       ).fetchone() == ("1.2.3.5",)


def test_keep_needs_a_column_of_the_file(con):
    with pytest.raises(IngestError, match="there is no column 'Email' to keep"):
        import_file(con, DATA / "personal.csv", mapping={"keep:Email": "yes"})


def test_an_email_is_the_customer_id_only_when_told(con):
    p = pipeline._prepare(read_raw(DATA.parent / "tool_delighted.csv"), kind=None, mapping={},
                          date_format=None, ces_direction="effort")
    assert "customer_id" not in p.mapping
    assert p.not_mapped["customer_id"] == ("column 'Email' holds e-mail addresses, personal data: not "
                                           "used unless the import is told (--map customer_id=Email)")
    assert p.left_out == ["Email", "Name"]
    import_file(con, DATA.parent / "tool_delighted.csv", mapping={"customer_id": "Email"})
    assert con.execute("select customer_id from responses order by response_id limit 1").fetchone() == (
        "ann@example.com",)
    assert attribute_keys(con) == ["Delighted Source", "Response Timestamp"]
