"""Issue 17, item 1: a score column's values must fit the field's scale. A column on another scale
(0-5, 1-10, a 1-5 rating offered as NPS) is not mapped by a guess; it says why, and the option
``FIELD.scale=a-b`` converts it by the stated rule. Expected figures from the literal rows."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers.mapping import DATA, prepared  # noqa: E402 - the shared literal files and reader

from cxdata.filters import Filters
from cxdata.ingest import IngestError, import_file, preview_file
from cxdata.ingest.scales import convert_rule, scale_misfit
from cxdata.queries import kpi_set


def approx(x):
    return pytest.approx(x, abs=1e-9)


@pytest.mark.parametrize(("field", "values", "scale"), [
    ("csat", [1, 2, 3, 4, 5], None),
    ("csat", [0, 1, 2, 3, 4, 5], (0, 5)),  # a 0 on a 1-based field: a 0-based scale
    ("csat", [1, 2, 3, 4, 5, 6], None),  # one stray 6: rejected row by row, not a scale
    ("csat", [1, 3, 6, 8, 10, 9, 7], (1, 10)),
    ("ces", [0, 0, 1, 3, 5, 2], (0, 5)),
    ("ces", [1, 2, 7, 6], None),
    ("nps", [0, 10, 5], None),
    ("nps", [1, 2, 3, 4, 5] * 4, (1, 5)),  # twenty answers, none above 5: not an NPS
    ("nps", [1, 2, 3, 4, 5] * 3, None),  # fifteen: too few to tell
    ("nps", [10, 20, 55, 100], (0, 100)),
    ("enjoyment", [1, 5, 7, 7], (1, 7)),
])
def test_scale_misfit(field, values, scale):
    found = scale_misfit(field, pd.Series(values, dtype="float64"))
    assert (found[1] if found else None) == scale


def test_a_0_5_effort_column_is_not_mapped_and_says_why(con):
    p = preview_file(DATA / "ces_0_5.csv")
    assert "ces" not in p.mapping and p.mapping["nps"] == "nps"
    said = [c for c in p.conversions if c.startswith("ces: not mapped")]
    assert len(said) == 1 and "0-5 scale" in said[0] and "ces.scale=0-5" in said[0]
    assert prepared("ces_0_5.csv").not_mapped["ces"] == said[0].removeprefix("ces: not mapped: ")
    r = import_file(con, DATA / "ces_0_5.csv")
    assert (r.loaded, r.rejected) == (6, 0)
    k = kpi_set(con, Filters())
    assert k.ces.mean is None  # no CES: the 0-5 column stays an attribute
    assert k.nps.value == approx(0.0)  # 10, 9 promoters; 6, 3 detractors; of 6
    assert con.execute("select attributes['ces'] from responses where response_id = 'a1'").fetchone() == ("0",)


def test_a_stated_scale_converts_by_the_documented_rule(con):
    r = import_file(con, DATA / "ces_0_5.csv", mapping={"ces.scale": "0-5"})
    assert (r.loaded, r.rejected) == (6, 0) and r.mapping["ces"] == "ces"
    # floor(1 + x * 6/5 + 0.5): 0 -> 1, 1 -> 2, 2 -> 3, 3 -> 5, 4 -> 6, 5 -> 7
    assert convert_rule("ces", (0, 5))[0] == {0: 1, 1: 2, 2: 3, 3: 5, 4: 6, 5: 7}
    assert any("0-5 scale (as the import was told) converted to 1-7" in c for c in r.conversions)
    stored = dict(con.execute("select response_id, ces from responses").fetchall())
    assert stored == {"a1": 1, "a2": 1, "a3": 2, "a4": 5, "a5": 7, "a6": 3}
    k = kpi_set(con, Filters())
    assert k.ces.mean == approx((1 + 1 + 2 + 5 + 7 + 3) / 6)
    assert k.ces.low_effort_pct == approx(300 / 6)  # 1, 1, 2 of six
    how = prepared("ces_0_5.csv", **{"ces.scale": "0-5"}).mapping_how["ces"]
    assert "0-5 scale the import was told" in how


def test_an_explicit_column_off_its_scale_stops_with_the_option_to_use(con):
    with pytest.raises(IngestError, match=r"ces\.scale=0-5") as info:
        import_file(con, DATA / "ces_0_5.csv", mapping={"ces": "ces"})
    assert "nothing was imported" in str(info.value)
    assert info.value.fixes == {"ces.scale": "0-5"}
    assert con.execute("select count(*) from imports").fetchone()[0] == 0


def test_a_1_5_rating_is_not_taken_for_an_nps(con):
    p = preview_file(DATA / "nps_1_5.csv")
    assert "nps" not in p.mapping and p.mapping["csat"] == "csat"
    assert any("nps: not mapped" in c and "1-5 rating, not a 0-10 NPS" in c for c in p.conversions)
    import_file(con, DATA / "nps_1_5.csv")
    k = kpi_set(con, Filters())
    assert k.nps.value is None
    assert k.csat.value == approx(8 / 20 * 100)  # csat cycles 1, 4, 2, 5, 3: two of five are 4-5


def test_a_stray_value_is_one_reject_not_another_scale(con):
    r = import_file(con, DATA / "csat_stray.csv")
    assert (r.loaded, r.rejected) == (9, 1)
    assert [(x.line, x.reason) for x in r.rejects] == [(9, "out of range 1-5")]
    # 5, 4, 4, 3, 2, 1, 5, 4, 3: five of nine are 4 or 5
    assert kpi_set(con, Filters()).csat.value == approx(5 / 9 * 100)


def test_a_scale_stated_in_the_header_is_not_converted_unasked(con):
    with pytest.raises(IngestError, match=r"states a 1-10 scale.*csat\.scale=1-10"):
        import_file(con, DATA.parent / "scale_1_10.csv")
    assert con.execute("select count(*) from responses").fetchone()[0] == 0
