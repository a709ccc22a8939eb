"""The figure memo: a rerun with the same data gets the figure already built, any change in the
data or the arguments builds a new one (a stale chart would be a wrong chart), and what is kept
stays within its memory budget."""

import pandas as pd
import pytest

from cxdata import i18n
from cxdata.ui import charts, figures, memo


@pytest.fixture(autouse=True)
def empty_memo():
    memo.clear()
    yield
    memo.clear()


def _breakdown_frame(nps_first: float) -> pd.DataFrame:
    # two groups with their NPS, margin and sample sizes, as queries.segment_breakdown gives them
    return pd.DataFrame({
        "value": ["Consumer", "SME"], "nps": [nps_first, 14.5], "nps_moe": [3.0, 5.0],
        "nps_n": [900, 120], "nps_vs_rest": [4.0, -16.0], "nps_differs": [False, True],
    })


def test_same_data_and_arguments_give_the_built_figure():
    a = figures.breakdown(_breakdown_frame(30.0), "nps", "NPS by segment", True)
    b = figures.breakdown(_breakdown_frame(30.0), "nps", "NPS by segment", True)
    assert b is a
    memo.clear()
    fresh = figures.breakdown(_breakdown_frame(30.0), "nps", "NPS by segment", True)
    assert fresh is not a and fresh.to_dict() == a.to_dict()


def test_a_changed_value_or_argument_builds_a_new_figure():
    a = figures.breakdown(_breakdown_frame(30.0), "nps", "NPS by segment", True)
    changed = figures.breakdown(_breakdown_frame(31.0), "nps", "NPS by segment", True)
    assert changed is not a
    assert sorted(changed.data[0].x) == [14.5, 31.0]
    assert sorted(a.data[0].x) == [14.5, 30.0]
    retitled = figures.breakdown(_breakdown_frame(30.0), "nps", "NPS by customer type", True)
    assert retitled.layout.title.text == "NPS by customer type"
    flipped = figures.breakdown(_breakdown_frame(30.0), "nps", "NPS by segment", False)
    assert flipped is not a and list(flipped.data[0].y) != list(a.data[0].y)


def test_two_builders_never_share_a_result():
    frame = _breakdown_frame(30.0)

    @memo.memo
    def first(f: pd.DataFrame) -> str:
        return "first"

    @memo.memo
    def second(f: pd.DataFrame) -> str:
        return "second"

    assert (first(frame), second(frame), first(frame)) == ("first", "second", "first")


def test_columns_and_index_are_part_of_the_key():
    f = _breakdown_frame(30.0)
    assert memo.fingerprint(f) == memo.fingerprint(f.copy())
    assert memo.fingerprint(f) != memo.fingerprint(f.rename(columns={"value": "label"}))
    assert memo.fingerprint(f) != memo.fingerprint(f.set_axis([5, 6]))
    assert memo.fingerprint(f) != memo.fingerprint(f.astype({"nps_n": "float64"}))


def test_frames_that_cannot_be_pickled_are_built_every_time():
    frame = pd.DataFrame({"a": [lambda: 1], "b": ["x"]})
    assert memo.fingerprint(frame) is None
    calls = []

    @memo.memo
    def build(f: pd.DataFrame, title: str) -> dict:
        calls.append(title)
        return {"title": title}

    build(frame, "t")
    build(frame, "t")
    assert calls == ["t", "t"]


def test_the_memo_keeps_the_most_recent_results_within_its_budget(monkeypatch):
    frame = _breakdown_frame(30.0)  # 2 x 6 = 12 cells
    monkeypatch.setattr(memo, "BUDGET_CELLS", 2 * frame.size)
    calls = []

    @memo.memo
    def build(f: pd.DataFrame, n: int) -> int:
        calls.append(n)
        return n

    for n in (1, 2, 1, 3, 1, 2):
        build(frame, n)
    # 1 2 kept; 1 used again; 3 pushes out 2 (least recently used); 1 kept; 2 built again
    assert calls == [1, 2, 3, 2]
    assert memo.kept_cells() == 2 * frame.size


def test_a_frame_over_the_whole_budget_is_never_kept(monkeypatch):
    frame = _breakdown_frame(30.0)
    monkeypatch.setattr(memo, "BUDGET_CELLS", frame.size - 1)
    calls = []

    @memo.memo
    def build(f: pd.DataFrame) -> int:
        calls.append(1)
        return 1

    build(frame)
    build(frame)
    assert calls == [1, 1] and memo.kept_cells() == 0


def test_csv_download_follows_the_data():
    a = charts.csv_bytes(_breakdown_frame(30.0))
    b = charts.csv_bytes(_breakdown_frame(31.0))
    assert b"30.0" in a and b"31.0" in b and b"30.0" not in b


def test_the_memo_keeps_one_figure_per_language():
    """A figure holds words and separators: an Italian viewer never gets the English one."""
    frame = pd.DataFrame({"period": pd.to_datetime(["2026-01-01"]), "nps": [10.0], "nps_moe": [4.0],
                          "nps_n": [1200]})
    english = figures.sample_sizes(frame, "nps", None, "t")
    with i18n.using("it"):
        italian = figures.sample_sizes(frame, "nps", None, "t")
    assert italian is not english
    assert english.layout.yaxis.title.text == "responses"
    assert italian.layout.separators == ",." and italian.layout.yaxis.title.text == "risposte"
    assert figures.sample_sizes(frame, "nps", None, "t") is english  # kept per language
    with i18n.using("it"):
        assert figures.sample_sizes(frame, "nps", None, "t") is italian


def test_the_chart_config_speaks_the_page_language():
    # plotly.js writes the date axes' month names and the toolbar's tooltips itself
    assert charts.plotly_config() == charts.PLOTLY_CONFIG
    with i18n.using("it"):
        config = charts.plotly_config()
    assert config["locale"] == "it" and config["displaylogo"] is False
    spec = config["locales"]["it"]
    assert spec["format"]["shortMonths"][:3] == ["gen", "feb", "mar"]
    assert spec["dictionary"]["Reset axes"] == "Ripristina gli assi"


def _lines_page():
    import streamlit as st

    from cxdata.filters import Filters
    from cxdata.ui import charts as page_charts
    from cxdata.ui.page import View

    url = {"lines": ["all"]} if st.query_params.get("all") else {}
    view = View("Trends", None, Filters(), url)
    st.text(f"seven: {page_charts.lines_choice(view, 7)!r}")
    st.text(f"four: {page_charts.lines_choice(view, 4)!r}")  # no control below six groups


@pytest.mark.parametrize(("link", "seven"), [({}, "5"), ({"all": "1"}, "None")])
def test_the_lines_choice_draws_the_largest_groups_or_every_group(link, seven):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_lines_page)
    for k, v in link.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.text] == [f"seven: {seven}", "four: 5"]
    assert [s.label for s in at.selectbox] == ["Lines"]  # one control, for the seven groups only
    assert at.selectbox[0].options == ["The 5 largest groups", "All 7 groups"]
    at.selectbox[0].set_value("all" if seven == "5" else "top").run()
    assert at.text[0].value == ("seven: None" if seven == "5" else "seven: 5")
