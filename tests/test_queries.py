"""Response queries on a tiny DuckDB built from literal rows; expected figures computed by hand."""

import math
from datetime import date

import pytest
from helpers.tiny import tiny_db

import cxdata
from cxdata import db, queries
from cxdata.filters import Filters

# (id, date, channel, segment, nps, csat, ces)
ROWS = [
    ("r1", "2024-01-05", "web", "SME", 10, 5, 1),
    ("r2", "2024-01-06", "web", "SME", 9, 4, 2),
    ("r3", "2024-01-07", "web", "Consumer", 7, 4, 3),
    ("r4", "2024-01-20", "app", "Consumer", 3, 2, 6),
    ("r5", "2024-02-02", "app", "Consumer", 10, None, None),  # NPS-only answer
    ("r6", "2024-02-10", "phone", "SME", None, 1, 7),  # no NPS
    ("r7", "2024-02-11", "phone", "Consumer", 6, 3, 5),
    ("r8", "2024-02-25", "web", "Consumer", 8, 5, 2),
]


@pytest.fixture
def con(response_source):
    return tiny_db("responses", ("response_id", "responded_at", "channel", "segment", "nps", "csat", "ces",
                                 "attributes"), [(*r, "gold" if r[3] == "SME" else "silver") for r in ROWS],
                   values="(?, ?, ?, ?, ?, ?, ?, map(['tier'], [?]))")


def expected_nps(scores):
    scores = [s for s in scores if s is not None]
    p = sum(s >= 9 for s in scores)
    d = sum(s <= 6 for s in scores)
    n = len(scores)
    return (p - d) / n * 100, n


def test_kpi_set_all_rows(con):
    k = queries.kpi_set(con, Filters())
    value, n = expected_nps([r[4] for r in ROWS])  # 10,9,7,3,10,6,8: P=3 D=2 n=7
    assert (k.nps.value, k.nps.n) == (pytest.approx(value), n)
    assert value == pytest.approx(100 / 7)
    assert (k.nps.promoters, k.nps.passives, k.nps.detractors) == (3, 2, 2)
    # CSAT answers 5,4,4,2,1,3,5: satisfied 4 of 7
    assert k.csat.n == 7 and k.csat.value == pytest.approx(400 / 7)
    # CES answers 1,2,3,6,7,5,2: mean 26/7, low effort (1-2) 3 of 7
    assert k.ces.n == 7 and k.ces.mean == pytest.approx(26 / 7)
    assert k.ces.low_effort_pct == pytest.approx(300 / 7)


def test_filters_narrow_the_counts(con):
    k = queries.kpi_set(con, Filters(channel=("web",), segment=("SME",)))
    assert k.nps.n == 2 and k.nps.value == 100
    k = queries.kpi_set(con, Filters(date_from=date(2024, 2, 1), date_to=date(2024, 2, 11)))
    # r5 (10), r6 (no nps), r7 (6): P=1 D=1 n=2
    assert k.nps.n == 2 and k.nps.value == 0
    assert k.csat.n == 2  # r6 and r7
    k = queries.kpi_set(con, Filters(attrs=(("tier", ("gold",)),)))
    assert k.nps.n == 2  # r1, r2 (r6 has no nps)


def test_ces_ease_direction_counts_6_and_7_as_low_effort(con):
    db.set_setting(con, "ces_direction", "ease")
    k = queries.kpi_set(con, Filters())
    assert k.ces.direction == "ease"
    assert k.ces.low_effort_pct == pytest.approx(200 / 7)  # 6 and 7


def test_summary_compares_with_previous_period_of_same_length(con):
    # February 2024 (29 days) vs 3 Jan - 31 Jan
    f = Filters(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))
    s = queries.kpi_summary(con, f)
    assert s.previous is not None
    cur, _ = expected_nps([10, None, 6, 8])  # r5..r8
    prev, _ = expected_nps([10, 9, 7, 3])  # r1..r4
    assert s.current.nps.value == pytest.approx(cur)
    assert s.previous.nps.value == pytest.approx(prev)
    assert s.changes["nps"].delta == pytest.approx(cur - prev)
    assert not s.changes["nps"].significant  # n = 3 vs 4 is all noise
    assert queries.kpi_summary(con, Filters()).changes["nps"].delta is None


def test_trend_by_month_and_split(con):
    t = queries.kpi_trend(con, Filters(), "month")
    assert list(t["period"].dt.month) == [1, 2]
    jan = t.iloc[0]
    assert jan["nps_n"] == 4 and jan["nps"] == pytest.approx(expected_nps([10, 9, 7, 3])[0])
    assert jan["csat"] == pytest.approx(75.0)  # 5,4,4,2
    s = queries.kpi_trend(con, Filters(), "month", split="channel")
    feb_phone = s[(s["period"].dt.month == 2) & (s["split"] == "phone")].iloc[0]
    assert feb_phone["nps_n"] == 1 and feb_phone["csat_n"] == 2
    with pytest.raises(ValueError):
        queries.kpi_trend(con, Filters(), "decade")


def test_segment_breakdown_vs_rest(con):
    b = queries.segment_breakdown(con, Filters(), "segment").set_index("value")
    # SME: nps 10, 9 (r6 none) -> 100; Consumer: 7,3,10,6,8 -> P1 D2 -> -20
    assert b.loc["SME", "nps"] == pytest.approx(100)
    assert b.loc["Consumer", "nps"] == pytest.approx(-20)
    assert b.loc["SME", "nps_vs_rest"] == pytest.approx(120)
    assert b.loc["SME", "nps_n"] == 2
    assert list(b.index) == ["SME", "Consumer"]  # sorted by NPS
    by_attr = queries.segment_breakdown(con, Filters(), "attr:tier").set_index("value")
    assert by_attr.loc["gold", "nps"] == pytest.approx(100)
    with pytest.raises(ValueError):
        queries.segment_breakdown(con, Filters(), "channel; drop table responses")


def test_segment_breakdown_flags_a_real_difference(response_source):
    rows = []
    for i in range(200):  # A: 150 promoters, 50 detractors (NPS 50); B: 50 / 150 (NPS -50)
        rows.append((f"a{i}", "A", 10 if i < 150 else 0))
        rows.append((f"b{i}", "B", 10 if i < 50 else 0))
    c = tiny_db("responses", ("response_id", "responded_at", "segment", "nps"), rows,
                values="(?, '2024-01-01', ?, ?)")
    b = queries.segment_breakdown(c, Filters(), "segment").set_index("value")
    assert b.loc["A", "nps"] == pytest.approx(50) and b.loc["B", "nps"] == pytest.approx(-50)
    assert bool(b.loc["A", "nps_differs"]) and bool(b.loc["B", "nps_differs"])
    # margin by hand: se_A = sqrt((.75 + .25 - .25)/200) * 100
    se = math.sqrt(0.75 / 200) * 100
    assert b.loc["A", "nps_moe"] == pytest.approx(1.96 * se)


def test_heatmap_cells(con):
    h = queries.kpi_heatmap(con, Filters(), "segment", "channel")
    cell = h[(h["row"] == "Consumer") & (h["col"] == "web")].iloc[0]
    assert cell["nps_n"] == 2 and cell["nps"] == pytest.approx(0)  # 7, 8: two passives


def test_biggest_movers_finds_a_segment_that_moved(response_source):
    rows = []
    for i in range(300):
        # segment X: promoters in January, detractors in February; Y stays the same
        rows.append((f"x1{i}", "2024-01-10", "X", 10))
        rows.append((f"x2{i}", "2024-02-10", "X", 0))
        rows.append((f"y1{i}", "2024-01-10", "Y", 10 if i % 2 else 0))
        rows.append((f"y2{i}", "2024-02-10", "Y", 10 if i % 2 else 0))
    c = tiny_db("responses", ("response_id", "responded_at", "segment", "nps"), rows)
    movers = queries.biggest_movers(c, Filters(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29)),
                                    dimensions=("segment",))
    assert list(movers["value"]) == ["X"]
    assert movers.iloc[0]["delta"] == pytest.approx(-200)
    # with every default dimension in the same scan, only X moved (channel/region are all NULL here)
    movers = queries.biggest_movers(c, Filters(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29)))
    assert list(movers["value"]) == ["X"] and list(movers["dimension"]) == ["segment"]
    assert movers.iloc[0]["previous_n"] == 300


def test_biggest_movers_ignores_small_groups(response_source):
    rows = []
    for i in range(29):  # NPS +72 in January, -72 in February, from 29 answers each: too few to call
        rows.append((f"a{i}", "2024-01-10", "tiny", 10 if i < 25 else 0))
        rows.append((f"b{i}", "2024-02-10", "tiny", 0 if i < 25 else 10))
    c = tiny_db("responses", ("response_id", "responded_at", "segment", "nps"), rows)
    f = Filters(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))
    assert queries.biggest_movers(c, f, dimensions=("segment",)).empty
    assert list(queries.biggest_movers(c, f, dimensions=("segment",), min_n=20)["value"]) == ["tiny"]


def test_summary_in_one_scan_equals_two_separate_queries(con):
    f = Filters(date_from=date(2024, 1, 20), date_to=date(2024, 2, 29), channel=("app", "web", "phone"))
    s = queries.kpi_summary(con, f)
    assert s.current == queries.kpi_set(con, f)
    assert s.previous == queries.kpi_set(con, f.previous_period())


def test_dimension_values_and_bounds(con):
    assert queries.dimension_values(con, "channel") == ["app", "phone", "web"]
    assert queries.attribute_keys(con) == ["tier"]
    lo, hi = queries.date_bounds(con)
    assert lo.date() == date(2024, 1, 5) and hi.date() == date(2024, 2, 25)


def test_import_date_range(con):
    con.execute("update responses set import_id = 7 where response_id in ('r2', 'r7')")
    assert queries.import_date_range(con, "responses", 7) == (date(2024, 1, 6), date(2024, 2, 11))
    assert queries.import_date_range(con, "responses", 99) == (None, None)
    with pytest.raises(ValueError):
        queries.import_date_range(con, "customers", 7)


def test_biggest_movers_roll_up_equals_filtering_each_value():
    from cxdata import demo

    c = cxdata.connect(":memory:")
    demo.generate_demo(c, responses=80_000, interactions=2_000, seed=3)
    # the year after the app redesign: real moves that pass the Benjamini-Hochberg correction
    f = Filters(date_from=date(2024, 10, 1), date_to=date(2025, 9, 30))
    movers = queries.biggest_movers(c, f, limit=1000, min_n=30)
    assert len(movers) >= 3
    for row in movers.to_dict("records"):
        narrowed = f.replace(**{row["dimension"]: [row["value"]]})
        assert queries.kpi_set(c, narrowed).nps.value == pytest.approx(row["current"])
        assert queries.kpi_set(c, narrowed.previous_period()).nps.n == row["previous_n"]


def test_filter_values_span_both_tables_and_attribute_values(con):
    con.execute("insert into interactions (event_id, customer_id, occurred_at, channel, stage, touchpoint) "
                "values ('e1', 'c1', '2024-01-01', 'store', 'purchase', 'cashier')")
    tiny_db(con=con)  # refresh the derived tables after the insert above
    v = queries.filter_values(con)
    assert v["channel"] == ["app", "phone", "store", "web"]  # store only in interactions
    assert v["segment"] == ["Consumer", "SME"]
    assert v["stage"] == ["purchase"] and v["touchpoint"] == ["cashier"]
    assert v["region"] == []
    assert queries.attribute_values(con) == {"tier": ["gold", "silver"]}
    assert queries.attribute_values(con, max_values=1) == {}  # too many values to be a filter


def test_a_group_with_one_answer_keeps_numeric_columns(response_source):
    """A group with a single CES answer has no margin: NaN, not None, so the Segments table can
    round it (a 20-viewer load run found the page failing on exactly this)."""
    from cxdata.ui.segments import kpi_table

    c = tiny_db("responses", ("response_id", "responded_at", "segment", "nps", "ces"),
                [("a", "Families", 9, 3)] + [(f"b{i}", "SME", i % 11, 1 + i % 7) for i in range(40)],
                values="(?, '2024-01-01', ?, ?, ?)")
    b = queries.segment_breakdown(c, Filters(), "segment").set_index("value")
    assert b["ces_moe"].dtype == "float64" and b["nps_vs_rest"].dtype == "float64"
    assert math.isnan(b.loc["Families", "ces_moe"]) and b.loc["Families", "ces"] == 3
    table = kpi_table(b.reset_index(), "effort").set_index("Group")
    assert math.isnan(table.loc["Families", "CES ±"]) and table.loc["Families", "CES"] == 3
    assert table.loc["SME", "CES ±"] > 0
