"""One colour per group across pages, in a real browser: "web" is drawn in the same colour in the
Trends lines split by channel and in the Funnel's bars per channel, and no two channels share one."""

from __future__ import annotations

import pytest
from helpers import e2e

from cxdata.ui import palette

pytestmark = pytest.mark.e2e

CHANNEL_TRACES = """() => {
    const out = {};
    for (const plot of document.querySelectorAll('.js-plotly-plot')) {
        for (const t of (plot.data || [])) {
            if (!t.name || t.showlegend === false) continue;
            const c = (t.line && t.line.color) || (t.marker && typeof t.marker.color === 'string' && t.marker.color);
            if (c) (out[t.name] = out[t.name] || []).push(String(c).toUpperCase());
        }
    }
    return out;
}"""


@pytest.fixture(scope="module")
def server(server_demo_db):
    with e2e.dashboard(server_demo_db) as base:
        yield base


def colours_on(browser, url: str) -> dict[str, list[str]]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    try:
        pg.goto(url)
        pg.wait_for_selector(".js-plotly-plot .main-svg")
        pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        pg.wait_for_timeout(1000)
        return pg.evaluate(CHANNEL_TRACES)
    finally:
        ctx.close()


def test_the_same_channel_has_the_same_colour_on_two_pages(browser, server):
    trends = colours_on(browser, server + "Trends?split=channel")
    funnel = colours_on(browser, server + "Funnel")
    shared = sorted(set(trends) & set(funnel) & {"web", "app", "phone", "email", "chat", "store"})
    assert len(shared) >= 3, (trends, funnel)
    for channel in shared:
        assert {*trends[channel], *funnel[channel]} == {palette.colour(channel).upper()}, channel
    firsts = [trends[c][0] for c in shared]
    assert len(set(firsts)) == len(firsts)  # no two channels alike
