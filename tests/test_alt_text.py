"""A chart's text alternative: its key figures read from the figure, computed here by hand."""

from __future__ import annotations

import plotly.graph_objects as go

from cxdata import i18n
from cxdata.ui.alt_text import describe


def test_a_line_over_time_says_where_it_ends_and_its_range():
    fig = go.Figure(go.Scatter(x=["2026-01-05", "2026-01-12", "2026-01-19"], y=[12.0, 31.5, 20.26], name="web"))
    fig.update_layout(title="NPS by week")
    assert describe(fig) == ("NPS by week: web: latest 20.3 (19 Jan 2026); range 12 (05 Jan 2026) "
                             "to 31.5 (12 Jan 2026).")


def test_bars_say_their_highest_and_lowest_and_bands_are_left_out():
    fig = go.Figure([go.Bar(x=["SME", "Consumer", "Enterprise"], y=[-4.0, 18.0, 25.0]),
                     go.Scatter(x=["SME"], y=[1.0], fill="toself", name="band")])
    assert describe(fig) == "highest Enterprise 25, lowest SME -4."


def test_horizontal_bars_read_their_values_from_x():
    fig = go.Figure(go.Bar(y=["a", "b"], x=[0.5, 0.25], orientation="h"))
    assert describe(fig) == "highest a 0.50, lowest b 0.25."


def test_a_heatmap_names_its_highest_and_lowest_cell():
    fig = go.Figure(go.Heatmap(z=[[10, 40], [-20, None]], x=["web", "app"], y=["SME", "Consumer"]))
    assert describe(fig) == "highest SME / app 40, lowest Consumer / web -20."


def test_more_traces_than_four_are_counted_not_listed():
    fig = go.Figure([go.Bar(x=["a"], y=[i], name=f"g{i}") for i in range(6)])
    assert describe(fig).endswith("; and 2 more.")
    assert describe(go.Figure()) == ""


def test_in_italian_numbers_and_dates_follow_the_language():
    fig = go.Figure(go.Scatter(x=["2026-12-01", "2026-12-06"], y=[1234.5, 10.26], name="app"))
    with i18n.using("it"):
        text = describe(fig)
    assert text == "app: ultimo 10,3 (06 dic 2026); intervallo da 10,3 (06 dic 2026) a 1.234 (01 dic 2026)."


def test_a_line_and_its_partial_periods_are_one_series():
    fig = go.Figure([
        go.Scatter(x=["2026-02-01"], y=[30.0], name="web", legendgroup="web"),
        go.Scatter(x=["2026-01-01"], y=[20.0], name="web (partial period)", legendgroup="web", showlegend=False),
        go.Scatter(x=["2026-03-01"], y=[25.0], name="web (partial period)", legendgroup="web", showlegend=False),
        go.Scatter(x=["2026-01-01", "2026-03-01"], y=[1.0, 1.0], hoverinfo="skip", name="legend key"),
    ])
    assert describe(fig) == "web: latest 25 (01 Mar 2026); range 20 (01 Jan 2026) to 30 (01 Feb 2026)."


def test_a_heatmap_says_the_figures_its_cells_show():
    fig = go.Figure(go.Heatmap(z=[[0.94, 46.4]], x=["social", "app"], y=["SME"],
                               text=[["+1<br>n=106", "+46<br>n=511"]]))
    assert describe(fig) == "highest SME / app +46, lowest SME / social +1."
