"""Chart readability (issue 22): numbers in a manager's format, colour ranges fixed per KPI,
colour-blind-safe colours, one colour per group, small samples and partial periods marked.
Expectations are computed by hand from the literal frames here."""

import json

import pandas as pd
import pytest

from cxdata.ui import figures, memo, text


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
