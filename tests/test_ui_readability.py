"""Chart readability (issue 22): numbers in a manager's format, the heatmap centred on the overall,
colour-blind-safe colours, one colour per group, small samples and partial periods marked.
Expectations are computed by hand from the literal frames here."""

import json

import pandas as pd
import pytest

from cxdata.ui import figures, memo, palette, text


@pytest.fixture(autouse=True)
def empty_memo():
    memo.clear()
    yield
    memo.clear()


# ---- 1. numbers -----------------------------------------------------------------------------
@pytest.mark.parametrize(("kpi", "value", "expected"), [
    ("ces", -0.004, "0.00"), ("ces", 0.004, "0.00"), ("ces", -0.006, "-0.01"), ("ces", 0.3, "+0.30"),
    ("nps", -0.04, "0.0 pts"), ("nps", 0.04, "0.0 pts"), ("nps", -0.06, "-0.1 pts"),
    ("csat", 2.25, "+2.2 pts"), ("nps", None, None),
])
def test_a_change_that_rounds_to_zero_has_no_sign(kpi, value, expected):
    assert text.fmt_delta(kpi, value) == expected


@pytest.mark.parametrize(("value", "expected"), [(-0.4, "0"), (0.4, "0"), (-0.6, "-1"), (23.4, "+23"),
                                                 (-23.5, "-24")])
def test_an_nps_that_rounds_to_zero_has_no_sign(value, expected):
    assert text.fmt_kpi("nps", value) == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "n = 0"), (999, "n = 999"), (1200, "n = 1,200"),
                                             (1200000, "n = 1,200,000")])
def test_counts_have_thousands_separators(n, expected):
    assert text.fmt_n(n) == expected


def _movers(delta: float, kpi: str = "ces") -> pd.DataFrame:
    return pd.DataFrame({"dimension": ["channel"], "value": ["web"], "delta": [delta], "margin": [0.003],
                         "previous": [3.004], "current": [3.0], "n": [1200000]})


def test_movers_never_show_a_negative_zero_and_separate_thousands():
    fig = figures.movers(_movers(-0.004), "ces", "moves", False)
    bar = fig.data[0]
    assert list(bar.y) == ["channel: web (0.00)"]
    assert list(bar.customdata[0]) == ["3.0", "3.0", "1,200,000", "0.00", "±0.00"]
    assert "-0.0" not in json.dumps(fig.to_plotly_json()["data"], default=str)
    # the hover reads the formatted text, not a d3 "+" format (which writes "-0.0")
    assert ":+" not in bar.hovertemplate


def test_sample_size_axis_and_hover_separate_thousands():
    frame = pd.DataFrame({"period": pd.to_datetime(["2026-01-01", "2026-02-01"]),
                          "nps": [10.0, 12.0], "nps_moe": [1.0, 1.0], "nps_n": [1200000, 900]})
    fig = figures.sample_sizes(frame, "nps", None, "n")
    assert fig.layout.yaxis.tickformat == ","
    assert all("%{y:,}" in t.hovertemplate for t in fig.data)


# ---- 2. the Segments heatmap and the better/worse bars --------------------------------------
def _grid(nps: list[float], rows: list[str], cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"row": rows, "col": cols, "nps": nps, "nps_moe": [5.0] * len(nps),
                         "nps_n": [1500] * len(nps)})


@pytest.mark.parametrize(("kpi", "better_up", "span"), [
    ("nps", True, 50.0), ("csat", True, 25.0), ("ces", True, 1.5), ("ces", False, 1.5)])
def test_heatmap_colours_are_centred_on_the_overall_with_a_fixed_span_per_kpi(kpi, better_up, span):
    frame = pd.DataFrame({"row": ["a", "b"], "col": ["x", "x"], kpi: [3.0, 5.0], f"{kpi}_n": [100, 200],
                          f"{kpi}_moe": [0.1, 0.1], f"{kpi}_low": [2.9, 4.9], f"{kpi}_high": [3.1, 5.1]})
    hm = figures.heatmap(frame, kpi, "r", "c", "t", better_up).data[0]
    mid = (3.0 * 100 + 5.0 * 200) / 300  # the answers' overall figure, by hand
    assert hm.zmid == pytest.approx(mid)
    assert (hm.zmin, hm.zmax) == (pytest.approx(mid - span), pytest.approx(mid + span))
    assert bool(hm.reversescale) is (not better_up)


def test_heatmap_colour_of_a_gap_to_the_overall_does_not_follow_the_filter():
    # two views with different overall figures (+11 and +24.3): a cell 23 points above each
    # overall sits at the same place of the colour scale, so it has the same colour
    wide = figures.heatmap(_grid([-60.0, 23.0, 70.0], ["a", "b", "c"], ["x"] * 3), "nps", "r", "c", "t", True)
    narrow = figures.heatmap(_grid([20.0, 23.0, 30.0], ["a", "b", "c"], ["x"] * 3), "nps", "r", "c", "t", True)
    places = []
    for fig, overall in ((wide, (-60 + 23 + 70) / 3), (narrow, (20 + 23 + 30) / 3)):
        hm = fig.data[0]
        assert hm.zmid == pytest.approx(overall)
        places.append((overall + 23 - hm.zmin) / (hm.zmax - hm.zmin))
    assert places[0] == pytest.approx(places[1]) == pytest.approx(0.5 + 23 / 100)


def test_heatmap_scale_is_blue_orange_not_red_green():
    hm = figures.heatmap(_grid([10.0], ["a"], ["x"]), "nps", "r", "c", "t", True).data[0]
    colours = [c for _, c in hm.colorscale]
    assert colours[0] == "#B35806" and colours[-1] == "#2166AC"  # orange worst, blue best
    assert list(hm.colorbar.ticktext) == ["▼ -50.0 pts", "+10", "▲ +50.0 pts"]  # ▲ better, ▼ worse
    assert list(hm.colorbar.tickvals) == [-40.0, 10.0, 60.0]
    assert hm.colorbar.title.text.replace("<br>", " ") == "centred on the overall NPS of this view (+10)"


def test_heatmap_hover_shows_n_with_separators():
    hm = figures.heatmap(_grid([10.0], ["a"], ["x"]), "nps", "r", "c", "t", True).data[0]
    assert [list(c) for c in hm.customdata[0]] == [["+10", "1,500"]]


def test_heatmap_lists_stages_in_funnel_order():
    stages = ("awareness", "consideration", "purchase", "onboarding", "support")
    # the query sorts alphabetically; one value ("zz") is not a stored stage: it goes last
    rows = ["awareness", "consideration", "onboarding", "purchase", "support", "zz"]
    fig = figures.heatmap(_grid([1.0] * 6, rows, ["x"] * 6), "nps", "Journey stage", "c", "t", True,
                          stages, ())
    assert list(fig.data[0].y) == ["awareness", "consideration", "purchase", "onboarding", "support", "zz"]
    flipped = figures.heatmap(_grid([1.0] * 6, ["x"] * 6, rows), "nps", "c", "Journey stage", "t", True,
                              (), stages)
    assert list(flipped.data[0].x) == ["awareness", "consideration", "purchase", "onboarding", "support", "zz"]


def test_axis_order_is_the_stage_order_for_the_stage_dimension_only():
    from cxdata.ui import segments
    assert segments.axis_order("journey_stage", ["b", "a"]) == ("b", "a")
    assert segments.axis_order("channel", ["b", "a"]) == ()


def test_better_and_worse_bars_are_blue_and_orange_and_say_so():
    frame = pd.DataFrame({
        "value": ["Consumer", "SME", "Public"], "nps": [40.0, 14.5, 30.0], "nps_moe": [3.0, 5.0, 4.0],
        "nps_n": [900, 1200, 400], "nps_vs_rest": [15.0, -16.0, 1.0], "nps_differs": [True, True, False]})
    bar = figures.breakdown(frame, "nps", "t", True).data[0]
    # best first from the top: Plotly draws the last y at the top
    assert list(bar.marker.color) == ["#D95F02", "#8A94A6", "#2166AC"]
    assert list(bar.text) == ["+14  (n=1,200)  ▼ worse", "+30  (n=400)", "+40  (n=900)  ▲ better"]
    movers = figures.movers(_movers(-0.2), "ces", "t", False).data[0]  # CES effort: down is better
    assert list(movers.marker.color) == ["#2166AC"] and list(movers.text) == ["▲ better"]


# ---- 3. trends split by a dimension ----------------------------------------------------------
def _split_trend(sizes: dict[str, int], periods: int = 2) -> pd.DataFrame:
    """Each group with ``sizes[group]`` answers in each of ``periods`` months."""
    rows = [{"period": pd.Timestamp(2026, m + 1, 1), "split": g, "nps": 10.0, "nps_moe": 4.0, "nps_n": n}
            for g, n in sizes.items() for m in range(periods)]
    return pd.DataFrame(rows)


def _colour_of(fig) -> dict[str, str]:
    out = {}
    for t in fig.data:
        if t.type == "scatter" and t.fill != "toself" and t.name and t.mode and "lines" in t.mode:
            out[t.name] = t.line.color
        elif t.type == "bar":
            out[t.name] = t.marker.color
    return out


def test_a_group_has_the_same_colour_in_the_lines_and_the_bars():
    # sorted by name, "b" would come first; by answers "c" is the largest, then "a", then "b"
    frame = _split_trend({"b": 100, "a": 200, "c": 300})
    colors = figures.group_colors(frame, "nps")
    own = palette.colours(["a", "b", "c"])  # each group's own colour, whatever its rank
    assert colors == (("c", own["c"]), ("a", own["a"]), ("b", own["b"]))
    lines = _colour_of(figures.trend(frame, "nps", "channel", "t", colors))
    bars = _colour_of(figures.sample_sizes(frame, "nps", "channel", "t", colors))
    assert lines == bars == dict(colors)


def test_beyond_a_handful_of_groups_the_largest_are_drawn_and_the_rest_counted():
    sizes = {f"g{i}": 100 * (i + 1) for i in range(8)}  # g7 largest (800 a month) ... g0 smallest (100)
    frame = _split_trend(sizes)
    colors = figures.group_colors(frame, "nps")
    assert [g for g, _ in colors] == ["g7", "g6", "g5", "g4", "g3"]
    lines = _colour_of(figures.trend(frame, "nps", "channel", "t", colors))
    assert set(lines) == {"g7", "g6", "g5", "g4", "g3"}
    bars = figures.sample_sizes(frame, "nps", "channel", "t", colors)
    other = [t for t in bars.data if t.name == "3 other groups"]
    # g0 + g1 + g2 per month: 100 + 200 + 300
    assert len(other) == 1 and list(other[0].y) == [600, 600]
    note = figures.trend_note(frame, "nps", colors)
    # left out: (100 + 200 + 300) x 2 months = 1,200 answers
    assert "lines for the 5 largest of 8 groups; 3 other groups left out (n = 1,200" in note
    assert "confidence bands not drawn with more than 3 groups" in note


def test_bands_are_drawn_up_to_three_groups_and_the_caption_says_when_not():
    three = _split_trend({"a": 100, "b": 200, "c": 300})
    fig = figures.trend(three, "nps", "channel", "t", figures.group_colors(three, "nps"))
    assert sum(t.fill == "toself" for t in fig.data) == 3
    assert "bands" not in figures.trend_note(three, "nps", figures.group_colors(three, "nps"))
    four = _split_trend({"a": 100, "b": 200, "c": 300, "d": 400})
    fig = figures.trend(four, "nps", "channel", "t", figures.group_colors(four, "nps"))
    assert sum(t.fill == "toself" for t in fig.data) == 0
    assert "left out" not in figures.trend_note(four, "nps", figures.group_colors(four, "nps"))


# ---- 4. small samples and partial periods -----------------------------------------------------
def _legend_only(t) -> bool:
    return len(t.x) == 1 and t.x[0] is None


def _trend(ns: list[int], start: str = "2026-01-01", freq: str = "QS") -> pd.DataFrame:
    periods = pd.date_range(start, periods=len(ns), freq=freq)
    return pd.DataFrame({"period": periods, "nps": [10.0] * len(ns), "nps_moe": [4.0] * len(ns), "nps_n": ns})


def test_small_sample_points_are_hollow_at_the_normal_size_and_the_legend_says_n_below_30():
    fig = figures.trend(_trend([500, 12, 400], freq="MS"), "nps", None, "t")
    line = next(t for t in fig.data if t.name == "NPS")
    assert list(line.marker.symbol) == ["circle", "circle-open", "circle"]
    # the hollow marker is drawn in the line's colour (it was white on white) and at the same size
    assert line.marker.color == line.line.color == figures.PALETTE[0]
    assert line.marker.size == figures.MARKER_SIZE
    assert "n = 12" not in line.hovertemplate and "n < 30: read with care" in line.customdata[1][4]
    assert [t.name for t in fig.data if _legend_only(t)] == ["hollow: n < 30"]
    band = next(t for t in fig.data if t.fill == "toself")
    assert band.mode == "lines"  # its corners are not drawn as points


def test_no_small_sample_no_legend_entry():
    fig = figures.trend(_trend([500, 400], freq="MS"), "nps", None, "t")
    assert [t.name for t in fig.data if _legend_only(t)] == []


@pytest.mark.parametrize(("grain", "date_from", "date_to", "expected"), [
    # 90 days from 15 Feb 2026 to 15 May 2026: Q1 covers 15 Feb-31 Mar (45 of 90 days), Q2 1 Apr-15 May
    # (45 of 91 days)
    ("quarter", "2026-02-15", "2026-05-15", (("2026-01-01", "partial quarter: 45 of 90 days"),
                                             ("2026-04-01", "partial quarter: 45 of 91 days"))),
    # whole quarters: nothing partial
    ("quarter", "2026-01-01", "2026-06-30", ()),
    # months: 10 Jan-31 Jan is 22 of 31 days; February whole
    ("month", "2026-01-10", "2026-02-28", (("2026-01-01", "partial month: 22 of 31 days"),)),
    # weeks start on Monday (DuckDB's date_trunc): Wed 7 Jan 2026 is in the week of Mon 5 Jan, 5 of 7 days
    ("week", "2026-01-07", "2026-01-18", (("2026-01-05", "partial week: 5 of 7 days"),)),
    ("day", "2026-01-07", "2026-01-18", ()),
])
def test_partial_first_and_last_periods(grain, date_from, date_to, expected):
    from datetime import date

    from cxdata.filters import Filters
    from cxdata.ui import controls
    f = Filters(date_from=date.fromisoformat(date_from), date_to=date.fromisoformat(date_to))
    got = controls.partial_periods(grain, f, (date(2025, 1, 1), date(2026, 12, 31)))
    assert got == tuple((pd.Timestamp(p), words) for p, words in expected)


def test_without_a_date_filter_the_data_bounds_decide():
    from datetime import date

    from cxdata.filters import Filters
    from cxdata.ui import controls
    got = controls.partial_periods("month", Filters(), (date(2026, 1, 1), date(2026, 3, 3)))
    assert got == ((pd.Timestamp("2026-03-01"), "partial month: 3 of 31 days"),)


def test_partial_periods_are_dashed_hollow_and_said_in_the_hover():
    frame = _trend([300, 500, 400])  # quarters from Jan, Apr, Jul 2026
    partial = ((pd.Timestamp("2026-01-01"), "partial quarter: 45 of 90 days"),
               (pd.Timestamp("2026-07-01"), "partial quarter: 10 of 92 days"))
    fig = figures.trend(frame, "nps", None, "t", (), partial)
    line = next(t for t in fig.data if t.name == "NPS")
    # the solid line holds only the whole quarter
    assert [y is None or y != y for y in line.y] == [True, False, True]
    dashed = [t for t in fig.data if t.line.dash == "dash" and not _legend_only(t)]
    assert len(dashed) == 2
    for t, words in zip(dashed, ["45 of 90 days", "10 of 92 days"], strict=True):
        i = list(t.marker.symbol).index("diamond-open")
        assert words in t.customdata[i][4]
    assert "partial period" in " ".join(t.name for t in fig.data if _legend_only(t))
    bars = figures.sample_sizes(frame, "nps", None, "t", (), partial).data[0]
    assert list(bars.marker.pattern.shape) == [".", "", "."]
    assert [list(c) for c in bars.customdata] == [["01 Jan 2026", "<br>partial quarter: 45 of 90 days"],
                                                  ["01 Apr 2026", ""],
                                                  ["01 Jul 2026", "<br>partial quarter: 10 of 92 days"]]
    assert "a period the dates cover only in part" in figures.trend_note(frame, "nps", (), partial)


def test_two_partial_periods_side_by_side_are_joined_by_a_dashed_line():
    frame = _trend([300, 500])  # 90 days over two quarters: both partial, none whole
    partial = ((pd.Timestamp("2026-01-01"), "partial quarter: 30 of 90 days"),
               (pd.Timestamp("2026-04-01"), "partial quarter: 60 of 91 days"))
    fig = figures.trend(frame, "nps", None, "t", (), partial)
    dashed = [t for t in fig.data if t.line.dash == "dash" and not _legend_only(t)]
    assert [len(t.x) for t in dashed] == [2, 2]


def test_the_segments_table_shows_its_counts_with_separators():
    from cxdata.ui import segments
    frame = pd.DataFrame({
        "value": ["SME"], "nps": [14.5], "nps_moe": [5.0], "nps_n": [1200], "nps_vs_rest": [-16.0],
        "nps_differs": [True], "csat": [80.0], "csat_low": [78.0], "csat_high": [82.0], "csat_n": [1300],
        "csat_vs_rest": [1.0], "csat_differs": [False], "ces": [3.0], "ces_moe": [0.1], "ces_n": [1100],
        "ces_vs_rest": [0.1], "ces_differs": [False]})
    table = segments.kpi_table(frame, "effort")
    counts = [c for c in table.columns if c.endswith(" n")]
    assert counts == ["NPS n", "CSAT n", "CES n"]
    assert {c: segments.KPI_TABLE_CONFIG[c]["type_config"]["format"] for c in counts} == dict.fromkeys(counts, "localized")


# ---- 5. first start ---------------------------------------------------------------------------
def test_the_first_start_says_it_builds_the_demo_data(tmp_path):
    from cxdata.ui import state
    missing_db = tmp_path / "cx.duckdb"
    assert state.opening_message(str(missing_db)) == (
        "Building the demo data set: 200,000 responses and 1,000,000 journey events, about 10 to 30 "
        "seconds, once. Later starts open it at once.")
    missing_db.write_bytes(b"")
    assert state.opening_message(str(missing_db)) == "Opening the database…"
