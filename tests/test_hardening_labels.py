"""Issue 18, items 2 and 3: labels from an upload (channels, segments, attribute names and values)
reach the charts and the page text as text. Plotly reads a subset of HTML in every string it draws
(``<a href>`` is a live link, ``<span style>`` styles): each goes through ``text.esc``. Streamlit
reads Markdown in st.markdown, captions, notices and widget labels (links, images that the browser
fetches, bare URLs made links): each goes through ``text.plain``.

The figure builders and ``plain``/``esc`` are checked with hypothesis over a hostile alphabet;
every page runs in AppTest on a database whose labels are hostile; the browser side is in
``test_hardening_browser.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from streamlit.testing.v1 import AppTest

from cxdata import db, demo, funnel, pyramid, queries
from cxdata.filters import Filters
from cxdata.ingest import import_file
from cxdata.ui import figures, memo
from cxdata.ui.text import esc, plain

APP = Path(__file__).resolve().parent.parent / "dashboard.py"

# ---- the hostile data set (shared with test_hardening_browser.py) ------------------------------
LINK = '<a href="https://evil.example/login">Re-login here</a>'
STYLED = '<span style="font-size:60px;color:red">big</span>'
MD_LINK = "[Click](https://evil.example)"
MD_IMAGE = "![t](https://evil.example/p.png)"
BARE_URL = "see https://evil.example/bare or www.evil.example"
EMAIL = "write to admin@evil.example"
FORMULA = '=HYPERLINK("https://evil.example","v0")'
RTL = "report\u202egpj.exe"
TEMPLATE = "%{customdata[0]} %{x}"
# attribute names (columns of the upload) and the values of each
ATTR_NAMES = (LINK, STYLED, MD_LINK, MD_IMAGE)
ATTR_VALUES = (LINK, MD_IMAGE, FORMULA, RTL)
CHANNELS = (LINK, FORMULA)
SEGMENTS = (BARE_URL, EMAIL)
ROWS = 40  # per channel
RAW = (LINK, STYLED, MD_LINK, MD_IMAGE, BARE_URL, EMAIL, FORMULA)


def _responses_csv(last_day) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["response_id", "customer_id", "responded_at", "channel", "segment", "region",
                "nps", "csat", "ces", *ATTR_NAMES])
    i = 0
    for channel in CHANNELS:
        for k in range(ROWS):
            i += 1
            day = last_day - timedelta(days=k % 30)
            w.writerow([f"h18-{i}", f"h18c-{i}", f"{day} 10:00:00", channel, SEGMENTS[k % 2], TEMPLATE,
                        (k * 3) % 11, 1 + k % 5, 1 + k % 7,
                        *(ATTR_VALUES[(k + j) % len(ATTR_VALUES)] for j in range(len(ATTR_NAMES)))])
    # one row the import rejects, its bad value a formula: the Imports page shows it
    w.writerow(["h18-bad", "h18c-bad", f"{last_day} 10:00:00", "web", "", "", FORMULA, 3, 3,
                *ATTR_VALUES[: len(ATTR_NAMES)]])
    return buf.getvalue().encode("utf-8")


def _interactions_csv(last_day, stages) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["event_id", "customer_id", "occurred_at", "channel", "stage", "touchpoint"])
    i = 0
    for channel in CHANNELS:
        for c in range(ROWS):
            for s, stage in enumerate(stages[: 1 + c % len(stages)]):
                i += 1
                day = last_day - timedelta(days=20 - s)
                w.writerow([f"h18e-{i}", f"h18j-{channel[:3]}-{c}", f"{day} 1{s}:00:00", channel, stage,
                            STYLED])
    return buf.getvalue().encode("utf-8")


def build_hostile_db(path: Path) -> Path:
    con = db.connect(path)
    try:
        demo.generate_demo(con, responses=5_000, interactions=20_000, seed=18)
        _, hi = queries.date_bounds(con)
        last = hi.date()
        r = import_file(con, _interactions_csv(last, db.stages(con)), file_name="events.csv")
        assert r.loaded > 0, r.as_dict()
        # last: the Imports page opens on it
        r = import_file(con, _responses_csv(last), file_name=f"{LINK} {MD_IMAGE}.csv")
        assert (r.loaded, r.rejected) == (ROWS * len(CHANNELS), 1), r.as_dict()
        con.execute("checkpoint")
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return build_hostile_db(tmp_path_factory.mktemp("h18labels") / "hostile.duckdb")


@pytest.fixture
def env(hostile_db, monkeypatch):
    monkeypatch.setenv("CX_DB", str(hostile_db))
    monkeypatch.delenv("CX_IMPORT_PASSWORD", raising=False)
    st.cache_data.clear()
    memo.clear()
    yield hostile_db
    st.cache_data.clear()


# ---- what a figure draws ------------------------------------------------------------------------
# The template variables the builders use: anything else in a drawn string that looks like one came
# from a label.
_OUR_TEMPLATE = re.compile(r"%\{(x|y|z|value|text|fullData\.name|percentInitial|percentPrevious|"
                           r"error_x\.array|customdata\[\d\])(\|[^}]*|:[^}]*)?\}")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z]+)")
_OUR_TAGS = {"br", "b", "extra"}


def drawn_strings(fig_json: dict) -> list[str]:
    """Every string of a figure that Plotly may draw (``customdata`` is data: a template reads it)."""
    found: list[str] = []

    def walk(x):
        if isinstance(x, str):
            found.append(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                if k != "customdata":
                    walk(v)
        elif isinstance(x, list | tuple):
            for v in x:
                walk(v)

    walk(fig_json)
    return found


def problems(strings: list[str]) -> list[str]:
    """Strings Plotly would read as markup or a template the builders did not write."""
    bad = []
    for s in strings:
        # Plotly splits a string at raw tags and reads entities only in the text between them:
        # an escaped tag is text
        if {t.lower() for t in _TAG.findall(s)} - _OUR_TAGS:
            bad.append(s)
        elif "%{" in _OUR_TEMPLATE.sub("", s):
            bad.append(s)
    return bad


def figure_json(fig) -> dict:
    return json.loads(fig.to_json())


# ---- the escaping functions ---------------------------------------------------------------------
def test_esc_makes_markup_text():
    assert esc(LINK) == '&lt;a href="https://evil.example/login"&gt;Re-login here&lt;/a&gt;'
    assert esc("100% %{x}") == "100&#37; &#37;{x}"
    assert esc("a\nb\r\nc") == "a b c"
    assert esc(RTL) == "reportgpj.exe"  # a direction override would show 'exe.jpg'


def test_plain_breaks_bare_links_and_addresses():
    for raw in (BARE_URL, EMAIL, "HTTP://EVIL.EXAMPLE", "WWW.evil.example"):
        out = plain(raw)
        unescaped = out.replace("\\", "")
        assert "://" not in unescaped and "www." not in unescaped.lower(), out
        assert not re.search(r"\w@", unescaped), out
    assert plain(RTL) == "report" + "gpj\\.exe"


HOSTILE_ALPHABET = hs.sampled_from([
    "<", ">", "&", '"', "'", "/", "a", "href=", "<a href='https://evil.example'>", "</a>", "<br>",
    "<span style='color:red'>", "<img src=x onerror=alert(1)>", "[", "]", "(", ")", "!", "*", "_", "`",
    "https://", "http://evil.example", "www.", "evil.example", "@", "admin@evil.example", "mailto:",
    "javascript:", ":red[", ":material/lock:", "$", "$$", "\\", "#", "|", "~", "%", "%{x}", "%{customdata[0]}",
    "\n", "\r\n", "\t", "\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "=", "+", "-", "@SUM(1)",
    "=HYPERLINK(\"https://evil.example\",\"v0\")", " ", "é", "日本", "\u0000",
])
LABELS = hs.lists(HOSTILE_ALPHABET, min_size=1, max_size=8).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(LABELS)
def test_property_esc_leaves_no_markup_and_keeps_the_text(label):
    out = esc(label)
    assert not problems([out]), out
    shown = (out.replace("&lt;", "<").replace("&gt;", ">").replace("&#37;", "%")
             .replace("&amp;", "&"))
    assert shown == re.sub(r"\r\n|[\r\n]", " ", re.sub("[\u202a-\u202e\u2066-\u2069]", "", label))


_MD_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(LABELS)
def test_property_plain_leaves_no_markdown(label):
    out = plain(label)
    # every ASCII punctuation character is escaped: no link, image, emphasis, directive or LaTeX
    assert not _MD_PUNCT.search(_ESCAPED.sub("", out)), out
    assert "\n" not in out and "\r" not in out
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", out)
    # and nothing GFM would turn into a link after the escapes are read
    text = re.sub(r"\\(.)", r"\1", out)
    assert "://" not in text and "www." not in text.lower() and not re.search(r"[-.\w+]@", text), out


# ---- the figure builders ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frames(hostile_db):
    """Real frames from the library on the hostile data, one per builder."""
    con = db.connect(hostile_db)
    try:
        _, hi = queries.date_bounds(con)
        f = Filters(date_from=hi.date() - timedelta(days=89), date_to=hi.date())
        attr = queries.ATTR_PREFIX + LINK
        return {
            "trend": queries.kpi_trend(con, f, grain="week", split=attr),
            "breakdown": queries.segment_breakdown(con, f, attr),
            "heatmap": queries.kpi_heatmap(con, f, attr, "channel"),
            "movers": queries.biggest_movers(con, f, kpi="nps", limit=3),
            "funnel": funnel.funnel_steps(con, f.replace(channel=list(CHANNELS)), window_days=30),
            "pyramid": pyramid.pyramid_distribution(con, f, model=3),
            "pyramid_by": pyramid.pyramid_distribution(con, f, model=3, by=attr),
            "pyramid_time": pyramid.pyramid_distribution(con, f, model=3, grain="month"),
        }
    finally:
        con.close()


def build_all(frames: dict, title: str, axis: str) -> dict[str, object]:
    m = frames["movers"]
    if m.empty:  # the hostile rows may not move beyond the noise: a mover row made of labels
        m = pd.DataFrame({"dimension": [axis], "value": [title], "delta": [5.0], "margin": [1.0],
                          "previous": [1.0], "current": [6.0], "n": [100]})
    return {
        "sparkline": figures.sparkline(frames["trend"], "nps", title),
        "trend": figures.trend(frames["trend"], "nps", "split", title),
        "sample_sizes": figures.sample_sizes(frames["trend"], "nps", "split", title),
        "movers": figures.movers(m, "nps", title, True),
        "breakdown": figures.breakdown(frames["breakdown"], "nps", title, True),
        "heatmap": figures.heatmap(frames["heatmap"], "nps", axis, axis, title, True),
        "funnel_overall": figures.funnel_overall(frames["funnel"], title),
        "funnel_by_channel": figures.funnel_by_channel(frames["funnel"], title),
        "pyramid": figures.pyramid(frames["pyramid"], 3, title),
        "pyramids_side_by_side": figures.pyramids_side_by_side(frames["pyramid_by"], 3, title),
        "pyramid_over_time": figures.pyramid_over_time(frames["pyramid_time"], 3, title),
    }


def test_every_builder_escapes_its_title_and_the_labels_in_its_data(frames):
    memo.clear()
    for name, fig in build_all(frames, f"NPS by {LINK}", STYLED).items():
        strings = drawn_strings(figure_json(fig))
        assert not problems(strings), (name, problems(strings)[:3])
        title = figure_json(fig)["layout"]["title"]["text"]
        assert title == "NPS by " + esc(LINK), (name, title)


def _relabel(frames: dict, label: str) -> dict:
    """The frames with every label column holding ``label`` (plus a suffix per distinct value)."""
    out = {}
    for k, f in frames.items():
        f = f.copy()
        for col in ("split", "value", "row", "col", "group", "channel", "stage", "dimension"):
            if col in f.columns and f[col].dtype == object:
                codes = {v: f"{label}{i}" for i, v in enumerate(dict.fromkeys(f[col]))}
                if col == "channel":
                    codes[funnel.ALL_CHANNELS] = funnel.ALL_CHANNELS
                f[col] = f[col].map(codes)
        out[k] = f
    return out


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(label=LABELS, title=LABELS)
def test_property_no_figure_draws_markup_from_a_label(frames, label, title):
    for name, fig in build_all(_relabel(frames, label), title, label).items():
        strings = drawn_strings(figure_json(fig))
        assert not problems(strings), (name, label, problems(strings)[:3])


# ---- every page in AppTest ----------------------------------------------------------------------
def run(page: str | None, params: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def page_figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def markdown_texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error",
                 "success"):
        out += [str(el.value) for el in at.get(kind)]
    for kind in ("selectbox", "multiselect", "radio", "checkbox", "button", "text_input"):
        out += [str(el.label) for el in at.get(kind)]
    return out


def assert_markdown_is_text(texts: list[str]) -> None:
    for t in texts:
        unescaped = re.sub(r"\\(.)", r"\1", t)
        for raw in RAW:
            assert raw not in t, (raw, t)
        # no link or image syntax, no bare URL or address GFM would link
        assert not re.search(r"(?<!\\)\]\(", t), t
        assert "://" not in unescaped and "www." not in unescaped.lower(), t
        assert not re.search(r"[-.\w+]@[-\w]+\.", unescaped), t


ATTR = "attr:" + LINK
PAGE_CASES = [
    (None, {"channel": list(CHANNELS), "segment": list(SEGMENTS)}),
    ("pages/1_Trends.py", {"split": ATTR}),
    ("pages/1_Trends.py", {"split": "channel", "channel": list(CHANNELS)}),
    ("pages/2_Segments.py", {"dim": ATTR, "rows": ATTR, "cols": "channel"}),
    ("pages/2_Segments.py", {"dim": "attr:" + MD_LINK}),
    ("pages/2_Segments.py", {"dim": "segment", "rows": "attr:" + STYLED, "cols": "segment"}),
    ("pages/3_Funnel.py", {"channel": list(CHANNELS)}),
    ("pages/4_Pyramid.py", {"by": ATTR}),
    ("pages/4_Pyramid.py", {"by": "attr:" + STYLED, "grain": "month"}),
    ("pages/7_Imports.py", {}),
]


@pytest.mark.parametrize("page, params", PAGE_CASES,
                         ids=["overview", "trends-attr", "trends-channel", "segments-link", "segments-md",
                              "segments-styled", "funnel", "pyramid-link", "pyramid-styled", "imports"])
def test_hostile_labels_reach_every_page_as_text(env, page, params):
    at = run(page, params)
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if w.icon == ":material/link_off:"], "the labels are in the data"
    figs = page_figures(at)
    if page != "pages/7_Imports.py":
        assert figs
    for spec in figs:
        strings = drawn_strings(spec)
        assert not problems(strings), problems(strings)[:3]
    assert_markdown_is_text(markdown_texts(at))


def test_the_funnel_title_names_the_channels_escaped(env):
    at = run("pages/3_Funnel.py", {"channel": list(CHANNELS)})
    titles = [s["layout"]["title"]["text"] for s in page_figures(at)]
    assert any(esc(LINK) in t for t in titles), titles


def test_the_segments_heading_names_an_attribute_escaped(env):
    at = run("pages/2_Segments.py", {"dim": "attr:" + MD_LINK})
    heading = [m.value for m in at.markdown if "Every KPI by" in m.value]
    assert heading and plain(MD_LINK.lower()) in heading[0], heading


def test_no_page_builds_figure_text_itself():
    """Figures come from the builders of ``figures`` (which escape what they are given): no page
    imports Plotly or changes a figure it got."""
    root = APP.parent
    for path in [APP, *sorted(root.joinpath("pages").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        assert "plotly" not in source, path.name
        assert not re.search(r"\.(update_layout|update_traces|update_xaxes|update_yaxes|add_annotation|"
                             r"add_trace)\(", source), path.name
