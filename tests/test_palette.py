"""Colours and numbers of the figures (issue 22): a group has one colour in every chart of every
page, better/worse are blue/orange, the heatmap is centred on the view's overall figure, stages
keep the funnel's order, no "-0" is drawn and the separators follow the language. Every expected
value is computed by hand from the literal rows here."""

from __future__ import annotations

import colorsys
import json
import re

import pandas as pd
import pytest
from helpers.tiny import tiny_db

from cxdata import i18n, queries
from cxdata.filters import Filters
from cxdata.ui import figures, journey_figures, memo, palette


@pytest.fixture(autouse=True)
def empty_memo(request):
    """Figures built afresh in each test (the memo is shared by the process)."""
    memo.clear()
    request.addfinalizer(memo.clear)


# ---- the palette -------------------------------------------------------------------------------
def test_known_values_have_fixed_distinct_colours_within_their_dimension():
    got = palette.colours(["web", "app", "email", "social", "phone", "store", "chat"])
    assert got == {"web": "#332288", "app": "#CC6677", "email": "#117733", "social": "#88CCEE",
                   "phone": "#AA4499", "store": "#44AA99", "chat": "#DDCC77"}
    assert palette.colour("Consumer") == "#332288" and palette.colour("Enterprise") == "#AA4499"
    assert palette.colour("(all channels)") == palette.ACROSS


def test_other_values_take_a_stable_hash_colour():
    # crc32("Lombardia") % 10 == 2, crc32("Lazio") % 10 == 4: the same in every process
    assert palette.colour("Lombardia") == palette.SAFE[2] == "#117733"
    assert palette.colour("Lazio") == palette.SAFE[4]


def test_two_values_of_one_chart_never_share_a_colour_and_others_keep_theirs():
    # "kiosk" hashes to slot 2 like "Lombardia": the later by name moves to the next free colour
    got = palette.colours(["Lombardia", "kiosk", "Lazio"])
    assert got["Lombardia"] == palette.colour("Lombardia") and got["Lazio"] == palette.colour("Lazio")
    assert got["kiosk"] == palette.SAFE[3]
    many = palette.colours([f"group {i}" for i in range(10)])
    assert len(set(many.values())) == 10


def test_the_palette_has_no_grey_and_no_duplicates():
    assert len(set(palette.SAFE)) == len(palette.SAFE) == 10
    assert palette.OTHERS not in palette.SAFE and palette.NEUTRAL not in palette.SAFE


# ---- the same group, the same colour, on two pages ----------------------------------------------
def _trend_by(dim_values: list[str]) -> pd.DataFrame:
    """Trends split by a dimension: two months per group, sizes so the rank order is not the
    name order."""
    rows = [{"period": pd.Timestamp(2026, m, 1), "split": g, "nps": 10.0, "nps_moe": 4.0, "nps_n": 100 + 50 * i}
            for i, g in enumerate(dim_values) for m in (1, 2)]
    return pd.DataFrame(rows)


def _trace_colours(fig) -> dict[str, str]:
    """name -> the colour a trace is drawn in (a line's, else its markers')."""
    out = {}
    for t in fig.data:
        if getattr(t, "fill", None) == "toself" or not t.name:
            continue
        line = getattr(t, "line", None)
        colour = line.color if t.type == "scatter" and line is not None and line.color else t.marker.color
        if isinstance(colour, str):
            out.setdefault(t.name, colour)
    return out


def _funnel_steps() -> pd.DataFrame:
    rows = []
    for ch in ("store", "web", "chat", "(all channels)"):
        for step, stage in enumerate(("awareness", "consideration", "purchase")):
            rows.append({"channel": ch, "step": step, "stage": stage, "customers": 100 - 20 * step,
                         "from_start": 100.0 - 20 * step, "drop_off": 20.0})
    return pd.DataFrame(rows)


def test_a_channel_has_one_colour_on_the_trends_and_the_funnel_pages():
    trend = _trend_by(["store", "web", "chat"])  # chat largest, then web, then store
    colors = figures.group_colors(trend, "nps")
    trends_lines = _trace_colours(figures.trend(trend, "nps", "channel", "t", colors))
    trends_bars = _trace_colours(figures.sample_sizes(trend, "nps", "channel", "t", colors))
    funnel = _trace_colours(figures.funnel_by_channel(_funnel_steps(), "t"))
    expected = {"web": "#332288", "store": "#44AA99", "chat": "#DDCC77"}  # palette.KNOWN, by hand
    for chart in (trends_lines, trends_bars, funnel):
        assert {k: chart[k] for k in expected} == expected
    # the figure JSON carries it per trace (what a browser test reads)
    data = json.loads(figures.funnel_by_channel(_funnel_steps(), "t").to_json())["data"]
    assert {t["name"]: t["marker"]["color"] for t in data} == expected


def test_a_segment_has_one_colour_in_the_trend_and_the_pyramids():
    trend = _trend_by(["SME", "Imported segment", "Consumer"])
    lines = _trace_colours(figures.trend(trend, "nps", "segment", "t", figures.group_colors(trend, "nps")))
    rows = [{"group": g, "level": lv, "level_name": name, "reached": 90.0 - 20 * lv, "n": 10, "total": 40,
             "share": 25.0} for g in ("Consumer", "SME", "Imported segment")
            for lv, name in enumerate(("Under the pyramid: needs not met", "Meets needs", "Easy", "Enjoyable"))]
    pyramids = _trace_colours(figures.pyramids_side_by_side(pd.DataFrame(rows), 3, "t"))
    assert lines == pyramids
    assert lines["SME"] == "#88CCEE" and lines["Consumer"] == "#332288"
    # an imported value whose hash falls on SME's colour takes the next free one, in both charts
    assert palette.colour("Imported segment") == lines["SME"]
    assert lines["Imported segment"] == "#AA4499"


def test_the_colour_of_a_group_does_not_depend_on_its_rank():
    small = _trend_by(["web", "app"])
    large = _trend_by(["app", "web"])  # the ranks swap
    a = dict(figures.group_colors(small, "nps"))
    b = dict(figures.group_colors(large, "nps"))
    assert a == b == {"web": "#332288", "app": "#CC6677"}


def test_journey_figures_colour_each_channel_its_own_way():
    days = pd.DataFrame([{"channel": ch, "from_stage": "awareness", "stage": "consideration", "n": 50,
                          "entered": 60, "within_7": 40.0, "p05": 1, "p25": 2, "median": 3, "p75": 4, "p95": 9}
                         for ch in ("phone", "(all channels)", "web")])
    boxes = _trace_colours(journey_figures.time_to_convert(days, "t"))
    assert boxes == {"(all channels)": palette.ACROSS, "phone": "#AA4499", "web": "#332288"}
    with i18n.using("it"):  # the journeys across channels named in the page's language
        boxes = _trace_colours(journey_figures.time_to_convert(days, "t"))
    assert boxes == {"(tutti i canali)": palette.ACROSS, "phone": "#AA4499", "web": "#332288"}


def test_a_split_trend_says_in_the_chart_which_groups_and_bands_it_leaves_out():
    seven = _trend_by(["web", "app", "email", "social", "phone", "store", "chat"])
    top = figures.trend(seven, "nps", "channel", "t", figures.group_colors(seven, "nps"))
    # sizes 100 + 50 i: chat (i = 6) largest ... web (i = 0) smallest; five lines, no bands
    assert [t.name for t in top.data if t.mode == "lines+markers" and t.line.dash is None] == [
        "chat", "store", "phone", "social", "email"]
    assert sum(t.fill == "toself" for t in top.data) == 0
    assert top.layout.title.subtitle.text.replace("&#37;", "%") == "the 5 largest of 7 groups; no 95% bands with more than 3 lines"
    every = figures.trend(seven, "nps", "channel", "t", figures.group_colors(seven, "nps", None))
    assert len([t for t in every.data if t.mode == "lines+markers" and t.line.dash is None]) == 7
    assert every.layout.title.subtitle.text.replace("&#37;", "%") == "no 95% bands with more than 3 lines"
    three = _trend_by(["web", "app", "chat"])
    fig = figures.trend(three, "nps", "channel", "t", figures.group_colors(three, "nps"))
    assert sum(t.fill == "toself" for t in fig.data) == 3 and fig.layout.title.subtitle.text is None


# ---- better and worse ----------------------------------------------------------------------------
def _hue(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360


def test_better_and_worse_are_blue_and_orange_never_red_and_green():
    frame = pd.DataFrame({
        "value": ["Consumer", "SME", "Public"], "nps": [40.0, 14.5, 30.0], "nps_moe": [3.0, 5.0, 4.0],
        "nps_n": [900, 1200, 400], "nps_vs_rest": [15.0, -16.0, 1.0], "nps_differs": [True, True, False]})
    bars = figures.breakdown(frame, "nps", "t", True).data[0]
    worse, neutral, better = bars.marker.color  # best at the top: drawn last
    assert 200 <= _hue(better) <= 230  # blue
    assert 20 <= _hue(worse) <= 40  # orange
    assert neutral == palette.NEUTRAL
    for colour in (better, worse):  # not red (hue near 0) nor green (near 120)
        assert not (_hue(colour) < 15 or _hue(colour) > 345 or 90 < _hue(colour) < 150)
    movers = pd.DataFrame({"dimension": ["channel", "channel"], "value": ["web", "app"], "delta": [5.0, -5.0],
                           "margin": [1.0, 1.0], "previous": [1.0, 9.0], "current": [6.0, 4.0], "n": [100, 100]})
    assert set(figures.movers(movers, "nps", "t", True).data[0].marker.color) == {better, worse}


# ---- the heatmap around the view's overall figure ------------------------------------------------
ROWS = [  # (id, date, channel, segment, nps)
    ("r1", "2026-01-05", "web", "SME", 10), ("r2", "2026-01-06", "web", "SME", 9),
    ("r3", "2026-01-07", "web", "Consumer", 7), ("r4", "2026-01-08", "app", "Consumer", 3),
    ("r5", "2026-01-09", "app", "Consumer", 10), ("r6", "2026-01-10", "app", "SME", 0),
    ("r7", "2026-01-11", None, "SME", 9),
]


def test_the_heatmap_is_centred_on_the_overall_nps_of_the_view():
    con = tiny_db("responses", ("response_id", "responded_at", "channel", "segment", "nps"), ROWS)
    grid = queries.kpi_heatmap(con, Filters(), "segment", "channel")
    # 7 answers: promoters r1 r2 r5 r7 (4), detractors r4 r6 (2): NPS = (4 - 2) / 7 * 100
    overall = (4 - 2) / 7 * 100
    hm = figures.heatmap(grid, "nps", "Segment", "Channel", "t", True).data[0]
    assert hm.zmid == pytest.approx(overall)
    assert hm.zmid == pytest.approx(queries.kpi_summary(con, Filters()).current.nps.value)
    assert (hm.zmin, hm.zmax) == (pytest.approx(overall - 50), pytest.approx(overall + 50))
    assert hm.colorbar.title.text.replace("<br>", " ") == "centred on the overall NPS of this view (+29)"
    # filtered to SME: r1 r2 r7 promoters, r6 detractor: (3 - 1) / 4 * 100 = +50, a new middle
    sme = queries.kpi_heatmap(con, Filters(segment=["SME"]), "segment", "channel")
    assert figures.heatmap(sme, "nps", "Segment", "Channel", "t", True).data[0].zmid == pytest.approx(50.0)
    # a page that knows the view's overall passes it
    given = figures.heatmap(grid, "nps", "Segment", "Channel", "t", True, (), (), 12.5).data[0]
    assert given.zmid == 12.5


def test_the_heatmap_caption_names_the_middle():
    from cxdata.ui import segments
    grid = pd.DataFrame({"row": ["a", "b"], "col": ["x", "x"], "csat": [80.0, 60.0], "csat_n": [300, 100],
                         "csat_low": [75.0, 50.0], "csat_high": [85.0, 70.0]})
    # (80 x 300 + 60 x 100) / 400 = 75%
    assert segments.heatmap_note(grid, "csat") == (
        "colours centred on the overall CSAT of this view (75%), full colour at ±25.0 pts from it: "
        "blue better, orange worse; * small sample")


# ---- stages in the funnel's order ----------------------------------------------------------------
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")


def test_a_trend_split_by_stage_lists_the_stages_in_funnel_order():
    trend = _trend_by(["advocacy", "awareness", "purchase", "retention", "consideration"])
    colors = figures.group_colors(trend, "nps", order=STAGES)
    assert [g for g, _c in colors] == list(STAGES)
    fig = figures.trend(trend, "nps", "journey_stage", "t", colors)
    assert [t.name for t in fig.data if t.fill != "toself" and t.name in STAGES] == list(STAGES)


def test_the_heatmap_and_the_funnel_keep_the_funnel_order():
    alphabetical = sorted(STAGES)
    grid = pd.DataFrame({"row": alphabetical, "col": ["x"] * 5, "nps": [1.0] * 5, "nps_moe": [1.0] * 5,
                         "nps_n": [40] * 5})
    assert list(figures.heatmap(grid, "nps", "Stage", "c", "t", True, STAGES).data[0].y) == list(STAGES)
    steps = _funnel_steps().sample(frac=1, random_state=3)  # rows in any order
    fig = figures.funnel_by_channel(steps, "t")
    assert list(fig.layout.xaxis.categoryarray) == ["awareness", "consideration", "purchase"]


def test_the_segments_table_and_the_pyramids_list_stages_in_funnel_order():
    from cxdata.ui import segments
    n = len(STAGES)
    frame = pd.DataFrame({
        "value": sorted(STAGES), "nps": [10.0] * n, "nps_moe": [5.0] * n, "nps_n": [100, 200, 300, 400, 500],
        "nps_vs_rest": [0.0] * n, "nps_differs": [False] * n, "csat": [80.0] * n, "csat_low": [70.0] * n,
        "csat_high": [90.0] * n, "csat_n": [100] * n, "csat_vs_rest": [0.0] * n, "csat_differs": [False] * n,
        "ces": [3.0] * n, "ces_moe": [0.1] * n, "ces_n": [100] * n, "ces_vs_rest": [0.0] * n,
        "ces_differs": [False] * n})
    table = segments.kpi_table(frame, "effort", segments.axis_order("journey_stage", list(STAGES)))
    assert list(table["Group"]) == list(STAGES)
    # each row keeps its own figures: advocacy had n = 100 (first alphabetically), retention 500
    assert dict(zip(table["Group"], table["NPS n"], strict=True))["retention"] == 500
    assert list(segments.kpi_table(frame, "effort")["Group"]) == sorted(STAGES)  # other dimensions as given
    rows = [{"group": g, "level": lv, "level_name": str(lv), "reached": 50.0, "n": 10 * (i + 1), "total": 40,
             "share": 25.0} for i, g in enumerate(sorted(STAGES)) for lv in range(4)]
    fig = figures.pyramids_side_by_side(pd.DataFrame(rows), 3, "t", 6, STAGES)
    assert [t.name for t in fig.data] == list(STAGES)


def test_the_pyramid_over_time_marks_its_partial_periods():
    # 90 days from 15 Feb to 15 May 2026 by quarter: Q1 and Q2 both partial (controls.partial_periods)
    rows = [{"period": pd.Timestamp(q), "level": lv, "share": 25.0, "n": 1200, "total": 4800}
            for q in ("2026-01-01", "2026-04-01") for lv in range(4)]
    partial = ((pd.Timestamp("2026-01-01"), "partial quarter: 45 of 90 days"),)
    fig = journey_figures.pyramid_over_time(pd.DataFrame(rows), 3, "t", partial)
    for bar in fig.data:
        assert list(bar.marker.pattern.shape) == [".", ""]
        assert [c[3] for c in bar.customdata] == ["<br>partial quarter: 45 of 90 days", ""]
        assert bar.customdata[0][0] == "1,200" and "%{customdata[3]}" in bar.hovertemplate


@pytest.mark.parametrize(("lang", "labels"), [("en", ["Q3 2026", "Q4 2026"]), ("it", ["T3 2026", "T4 2026"])])
def test_a_few_quarters_are_named_as_quarters_on_the_axis(lang, labels):
    frame = pd.DataFrame({"period": pd.to_datetime(["2026-07-01", "2026-10-01"]), "nps": [30.0, 26.0],
                          "nps_moe": [5.0, 7.0], "nps_n": [880, 500]})
    with i18n.using(lang):
        for fig in (figures.trend(frame, "nps", None, "t"), figures.sample_sizes(frame, "nps", None, "t")):
            assert list(fig.layout.xaxis.ticktext) == labels
    months = frame.assign(period=pd.to_datetime(["2026-08-01", "2026-09-01"]))
    assert list(figures.trend(months, "nps", None, "t").layout.xaxis.ticktext) == ["Aug 2026", "Sep 2026"]


# ---- numbers: no negative zero, separators in the language ---------------------------------------
NEG_ZERO = re.compile(r"(?<![\d.,])[-\u2212]0(?:[.,]0+)?(?![\d.,]*[1-9])")


def _all_figures() -> dict[str, object]:
    """Every builder on values that round to zero from below, and counts over a thousand."""
    trend = pd.DataFrame({"period": pd.to_datetime(["2026-01-01", "2026-02-01"]), "nps": [-0.04, -0.3],
                          "nps_moe": [0.01, 0.02], "nps_n": [1200, 45000],
                          "split": ["web", "web"]})
    movers = pd.DataFrame({"dimension": ["channel"], "value": ["web"], "delta": [-0.04], "margin": [0.02],
                           "previous": [0.03], "current": [-0.01], "n": [1200]})
    breakdown = pd.DataFrame({"value": ["SME"], "nps": [-0.04], "nps_moe": [0.01], "nps_n": [1200],
                              "nps_vs_rest": [-0.02], "nps_differs": [False]})
    grid = pd.DataFrame({"row": ["a", "b"], "col": ["x", "x"], "nps": [-0.04, 0.02], "nps_moe": [1.0, 1.0],
                         "nps_n": [1200, 1200]})
    along = pd.DataFrame({"channel": ["web"], "stage": ["purchase"], "lost_after": [10.0], "nps": [-0.04],
                          "nps_n": [1200], "nps_moe": [0.01], "customers": [2400]})
    return {
        "sparkline": figures.sparkline(trend, "nps", "t"),
        "trend": figures.trend(trend, "nps", None, "t"),
        "split": figures.trend(trend, "nps", "channel", "t"),
        "sizes": figures.sample_sizes(trend, "nps", None, "t"),
        "movers": figures.movers(movers, "nps", "t", True),
        "breakdown": figures.breakdown(breakdown, "nps", "t", True),
        "heatmap": figures.heatmap(grid, "nps", "r", "c", "t", True),
        "scores": journey_figures.loss_and_scores(along, "t"),
    }


def _texts(fig) -> str:
    """Every string the figure's traces and layout carry (what Plotly draws)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            found.append(node)

    walk(json.loads(fig.to_json()))
    return "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "it"])
def test_no_figure_draws_a_negative_zero(lang):
    with i18n.using(lang):
        for name, fig in _all_figures().items():
            texts = _texts(fig)
            assert not NEG_ZERO.search(texts), (name, NEG_ZERO.search(texts).group())
            assert ":+" not in texts  # no d3 "+" format, which writes "-0.0"


@pytest.mark.parametrize(("lang", "separators", "n"), [("en", ".,", "1,200"), ("it", ",.", "1.200")])
def test_separators_follow_the_language(lang, separators, n):
    with i18n.using(lang):
        figs = _all_figures()
    for name, fig in figs.items():
        assert fig.layout.separators == separators, name
    hover = figs["trend"].data[-1].customdata[0]
    assert hover[0] == n  # the point's n, grouped the language's way
    assert figs["movers"].data[0].customdata[0][2] == n
    assert f"n={n}" in figs["heatmap"].data[0].text[0][0]


def test_every_kpi_axis_states_its_unit():
    assert {k: figures.kpi_axis(k) for k in ("nps", "csat", "ces")} == {
        "nps": "NPS (points)", "csat": "CSAT (% satisfied)", "ces": "CES (mean, 1-7)"}
    frame = _trend_by(["web"])
    assert figures.trend(frame, "nps", None, "t").layout.yaxis.title.text == "NPS (points)"
    assert figures.sample_sizes(frame, "nps", None, "t").layout.yaxis.title.text == "responses"
    movers = pd.DataFrame({"dimension": ["channel"], "value": ["web"], "delta": [2.0], "margin": [1.0],
                           "previous": [1.0], "current": [3.0], "n": [100]})
    assert figures.movers(movers, "nps", "t", True).layout.xaxis.title.text == (
        "change in NPS vs the previous period (points)")


def test_the_segments_table_has_no_negative_zero():
    from cxdata.ui import segments
    frame = pd.DataFrame({
        "value": ["SME"], "nps": [-0.04], "nps_moe": [5.0], "nps_n": [1200], "nps_vs_rest": [-0.5],
        "nps_differs": [False], "csat": [80.0], "csat_low": [78.4], "csat_high": [81.6], "csat_n": [1300],
        "csat_vs_rest": [1.0], "csat_differs": [False], "ces": [3.0], "ces_moe": [0.1], "ces_n": [1100],
        "ces_vs_rest": [0.1], "ces_differs": [False]})
    table = segments.kpi_table(frame, "effort")
    assert str(table["NPS"].iloc[0]) == "0.0"  # -0.04 rounded, without its sign
    assert table["CSAT 95%"].iloc[0] == "78–82"
    with i18n.using("it"):
        assert list(segments.kpi_table(frame, "effort").columns[:5]) == [
            "Gruppo", "NPS", "NPS ±", "NPS n", "NPS vs resto"]


@pytest.mark.parametrize("lang", ["en", "it"])
def test_the_fast_number_formats_are_babels(lang):
    # plot.numbers writes thousands of hover values per chart; it must say what i18n.number says
    values = [-1234567.891, -0.04, -0.05, 0.0, 0.049, 0.15, 2.25, 999.95, 1200.0, 45000.5, None, float("nan")]
    from cxdata.ui import plot
    with i18n.using(lang):
        for decimals in (0, 1, 2):
            want = ["–" if v is None or v != v else i18n.number(v, decimals) for v in values]
            assert plot.numbers(values, decimals) == want
        assert plot.dates(pd.to_datetime(["2026-08-03", "2026-12-25"])) == [
            i18n.date(pd.Timestamp("2026-08-03").date()), i18n.date(pd.Timestamp("2026-12-25").date())]
