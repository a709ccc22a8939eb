"""Issue 17, item 4: category values are canonical. Channel, segment, product and stage values are
trimmed, matched case-folded through English and Italian synonyms, each change listed; a value map
overrides a synonym."""

from __future__ import annotations

import pytest
from helpers.mapping import DATA  # noqa: E402 - the shared literal files

from cxdata.filters import Filters
from cxdata.ingest import import_file
from cxdata.queries import kpi_set


def counts(con, field):
    return dict(con.execute(f"select {field}, count(*) from responses group by all").fetchall())


def test_telefono_phone_and_phone_are_one_channel(con):
    r = import_file(con, DATA / "categories.csv")
    assert (r.loaded, r.rejected) == (10, 0)
    assert counts(con, "channel") == {"phone": 3, "store": 3, "email": 2, "web": 2}
    assert counts(con, "segment") == {"Consumer": 4, "Business": 3, "SME": 2, "Families": 1}
    # no synonym for products: spellings that differ in case are stored as the commonest
    assert counts(con, "product") == {"Fibra": 4, "Mobile": 3, "Energia Luce": 3}
    assert counts(con, "journey_stage") == {"purchase": 4, "retention": 3, "awareness": 3}
    for line in ("channel: 'Telefono' -> 'phone' (1 row)", "channel: 'Phone' -> 'phone' (1 row)",
                 "channel: 'Negozio' -> 'store' (1 row)", "channel: 'Punto vendita' -> 'store' (1 row)",
                 "channel: 'E-mail' -> 'email' (1 row)", "channel: 'posta elettronica' -> 'email' (1 row)",
                 "channel: 'Sito' -> 'web' (1 row)", "channel: 'Website' -> 'web' (1 row)",
                 "segment: 'Privati' -> 'Consumer' (2 rows)", "segment: 'consumer' -> 'Consumer' (1 row)",
                 "product: 'fibra' -> 'Fibra' (1 row)", "product: 'FIBRA' -> 'Fibra' (1 row)",
                 "journey_stage: 'Acquisto' -> 'purchase' (1 row)"):
        assert line in r.conversions, line
    assert not any("'phone' ->" in c for c in r.conversions)  # 'phone ' is trimmed on reading
    # phone: 10, 9, 3 -> (2 - 1) / 3; the channel filter sees one phone channel
    assert kpi_set(con, Filters(channel=("phone",))).nps.value == pytest.approx(100 / 3)


def test_a_value_map_overrides_the_synonyms(con):
    r = import_file(con, DATA / "categories.csv",
                    mapping={"channel.value:telefono": "call centre", "segment.value:B2B": "SME"})
    assert counts(con, "channel") == {"call centre": 1, "phone": 2, "store": 3, "email": 2, "web": 2}
    assert counts(con, "segment") == {"Consumer": 4, "Business": 2, "SME": 3, "Families": 1}
    assert "channel: 'Telefono' -> 'call centre' (1 row)" in r.conversions


def test_a_value_map_to_nothing_stores_no_value(con):
    import_file(con, DATA / "categories.csv", mapping={"product.value:Energia Luce": ""})
    assert counts(con, "product") == {"Fibra": 4, "Mobile": 3, None: 3}
