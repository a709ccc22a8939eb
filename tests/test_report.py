"""The meeting report: one self-contained HTML file of every page under the filters. Figures by
hand from literal rows; the file opened offline in a real browser, every chart drawn, the figures
equal to the page's; the button on the page and the command line."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import e2e
from helpers.tiny import tiny_db

import cxdata
from cxdata.filters import Filters
from cxdata.ui import report

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = '<img src=x onerror="alert(1)">'
RESPONSES = ("response_id", "customer_id", "responded_at", "channel", "segment", "nps", "csat", "ces")
ROWS = [  # NPS 10, 9, 3, 7, 0: P 2, passive 1, D 2 -> 0; CSAT 5, 4, 2, 4: 3 of 4 -> 75%; CES 2, 3, 6: 3.67
    ("r1", "c1", "2025-03-02 10:00", "web", "Consumer", 10, 5, 2),
    ("r2", "c2", "2025-03-03 10:00", "web", HOSTILE, 9, 4, None),
    ("r3", "c3", "2025-03-04 10:00", "phone", "Consumer", 3, 2, 6),
    ("r4", "c4", "2025-03-05 10:00", "phone", "SME", 7, 4, 3),
    ("r5", "c5", "2025-03-06 10:00", "web", "SME", 0, None, None),
]
EVENTS = [("e1", "c1", "2025-03-01 09:00", "web", "awareness"), ("e2", "c1", "2025-03-02 09:00", "web", "consideration"),
          ("e3", "c2", "2025-03-01 09:00", "web", "awareness")]


def small_db(con=None):
    con = tiny_db("responses", RESPONSES, ROWS, con=con)
    return tiny_db("interactions", ("event_id", "customer_id", "occurred_at", "channel", "stage"), EVENTS, con=con)


FILTERS = Filters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))


def headline_rows(text: str) -> dict[str, list[str]]:
    """The headline table's cells per KPI, as the HTML says them."""
    table = text[text.index("<h3>Headline figures</h3>"):]
    table = table[:table.index("</table>")]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):  # the body's rows (the header's has a style)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_report_holds_the_headline_figures_by_hand_and_escapes_labels():
    text = report.build(small_db(), FILTERS, link="http://cx.example:8501/?from=2025-03-01",
                        now=datetime(2026, 1, 2, 3, 4))
    rows = headline_rows(text)
    assert rows["NPS"][0] == "0" and rows["NPS"][2] == "5"  # (2 - 2) / 5
    assert rows["CSAT"][0] == "75%" and rows["CSAT"][2] == "4"
    assert rows["CES"][0] == "3.7" and rows["CES"][2] == "3"  # (2 + 6 + 3) / 3
    assert all(r[4] == "small: read with care" for r in rows.values())  # n < 30
    assert "Made 02 Jan 2026, 03:04 UTC" in text and "01 Mar 2025 to 31 Mar 2025" in text
    assert 'href="http://cx.example:8501/?from=2025-03-01"' in text
    # the segment named like markup is text everywhere: in the tables and in the charts' JSON
    assert HOSTILE not in text and "<img" not in text
    assert "&lt;img src=x" in text or "&amp;lt;img" in text
    # self-contained: plotly.js inline once, no script, stylesheet or image from anywhere else
    assert text.count("plotly.js v") == 1 or text.count("* plotly.js") == 1
    assert not re.search(r"<(script|link|img)\b[^>]*\b(src|href)=", text)
    assert text.count("Plotly.newPlot(") == text.count("<figure")
    for section in ("Overview", "Trends", "Segments", "Funnel", "CX pyramid"):
        assert f"<h2>{section}</h2>" in text


def test_report_of_an_empty_period_says_so_for_every_section():
    text = report.build(small_db(), Filters(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31)))
    assert "No survey responses in these dates." in text and "No journey events in these dates." in text
    assert headline_rows(text)["NPS"][2] == "0"


def test_cli_writes_the_report_of_the_dashboards_default_view(tmp_path):
    path = tmp_path / "cx.duckdb"
    con = cxdata.connect(path)
    small_db(con)
    con.close()
    out = tmp_path / "r.html"
    run = subprocess.run([sys.executable, "-m", "cxdata", "report", "--db", str(path), "--out", str(out),
                          "--channel", "web", "--link", "http://cx.example:8501"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "last 90 days" in run.stderr and "WARNING" not in run.stderr
    text = out.read_text(encoding="utf-8")
    # web only: 10, 9, 0 -> P 2, D 1 of 3: +33
    assert headline_rows(text)["NPS"][0] == "+33" and headline_rows(text)["NPS"][2] == "3"
    assert 'href="http://cx.example:8501/?from=' in text and "channel=web" in text
    bad = subprocess.run([sys.executable, "-m", "cxdata", "report", "--db", str(path), "--out",
                          str(tmp_path / "no" / "r.html")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "not a file in an existing folder" in bad.stderr


@pytest.mark.e2e
def test_downloaded_report_opens_offline_with_every_chart_and_the_pages_figures(browser, server_demo_db, tmp_path):
    link = "from=2026-05-01&to=2026-07-31&channel=phone"
    with e2e.dashboard(server_demo_db) as base, e2e.new_page(browser) as page:
        page.goto(f"{base}?{link}")
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=180_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        shown = dict(zip(page.locator('[data-testid="stMetricLabel"]').all_inner_texts(),
                         page.locator('[data-testid="stMetricValue"]').all_inner_texts(), strict=True))
        with page.expect_download(timeout=120_000) as dl:
            page.get_by_role("button", name="Download report").click()
        saved = tmp_path / "report.html"
        dl.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    rows = headline_rows(text)
    assert {k.strip(): v.strip() for k, v in shown.items()} == {k: v[0] for k, v in rows.items()}
    assert "?" + html.escape(link) + '"' in text  # the link back to this view, as an attribute
    with e2e.new_page(browser) as offline:
        foreign: list[str] = []

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                foreign.append(r.request.url)
                r.abort()

        offline.route("**/*", route)
        offline.goto(saved.as_uri())
        figures = offline.locator("figure")
        assert figures.count() >= 10
        offline.wait_for_function("n => document.querySelectorAll('figure .js-plotly-plot .main-svg').length >= n",
                                  arg=figures.count())
        for i in range(figures.count()):  # every chart drawn, with its text alternative
            fig = figures.nth(i)
            assert fig.locator(".main-svg").count() >= 1
            assert "n = " in fig.get_attribute("aria-label") or "customers" in fig.get_attribute("aria-label") \
                or "%" in fig.get_attribute("aria-label")
        assert foreign == []
    assert saved.stat().st_size < 6_000_000
