"""Issue 6, item 6: CSV downloads cannot carry a spreadsheet formula, and labels from uploaded data
are never rendered as HTML.

- ``charts.csv_bytes`` (every "Download the data (CSV)" button) puts a quote before text cells
  and column names that start with ``=``, ``+``, ``-``, ``@``, tab or CR; numbers, negative ones
  included, stay numbers.
- A page filtered to channels named ``<img src=x onerror=alert(1)>`` and ``<b>bold</b>`` shows them
  as literal text: escaped in every markdown element, none of which allows HTML, and escaped in the
  Plotly figures; no code in the UI passes data to ``unsafe_allow_html``, ``st.html`` or a
  components HTML call.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from helpers import hostile  # tests/ is on sys.path under pytest
from hypothesis import given, settings
from hypothesis import strategies as st_h
from streamlit.testing.v1 import AppTest

from cxdata.ui import charts
from cxdata.ui.text import plain

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard.py"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RAW_LABELS = (hostile.HTML_CHANNEL, hostile.BOLD_CHANNEL, hostile.ATTR_VALUE, "<b>hostile</b>")


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("cell, safe", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("-12.5", "'-12.5"), ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("web", "web"), ("", ""), (" =1", " =1"), ("a=b", "a=b"),
])
def test_text_cells_that_start_a_formula_get_a_quote(cell, safe):
    frame = pd.DataFrame({
        "label": pd.Series([cell, "web"], dtype=object),
        "as_string": pd.Series([cell, "web"], dtype="string"),
        "as_category": pd.Series([cell, "web"], dtype="category"),
        "nps": [-12.5, 3.0], "n": [-3, 4], "nullable": pd.array([-7, None], dtype="Int64"),
    })
    out = charts.neutralise(frame)
    assert [out[c][0] for c in ("label", "as_string", "as_category")] == [safe, safe, safe]
    if "\r" in cell:
        return  # through the CSV: see the carriage-return test below
    rows = read_csv(charts.csv_bytes(frame))
    assert rows[0] == ["label", "as_string", "as_category", "nps", "n", "nullable"]
    assert rows[1][:3] == [safe, safe, safe]
    # Numbers are numbers: written bare, negative sign first, never quoted.
    assert rows[1][3:] == ["-12.5", "-3", "-7"]
    assert rows[2][3:] == ["3.0", "4", ""]


def test_a_carriage_return_inside_a_cell_does_not_split_the_row():
    frame = pd.DataFrame({"label": ["a\rb", "\r=1"], "nps": [-1.0, 2.0]})
    rows = read_csv(charts.csv_bytes(frame))
    assert rows == [["label", "nps"], ["a\rb", "-1.0"], ["'\r=1", "2.0"]]


def test_numbers_inside_a_text_column_stay_numbers():
    frame = pd.DataFrame({"mixed": pd.Series([-5, -0.25, "=1+1", "-x", None], dtype=object)})
    rows = read_csv(charts.csv_bytes(frame))
    assert [r[0] for r in rows[1:]] == ["-5", "-0.25", "'=1+1", "'-x", ""]


def test_column_names_that_start_a_formula_get_a_quote():
    frame = pd.DataFrame({"=cmd|' /C calc'!A0": ["x"], "-delta": [-1.5], "channel": ["web"]})
    assert read_csv(charts.csv_bytes(frame))[0] == ["'=cmd|' /C calc'!A0", "'-delta", "channel"]


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st_h.lists(st_h.one_of(st_h.text(max_size=8), st_h.sampled_from(FORMULA_START)).map(str),
                  min_size=1, max_size=6),
       st_h.lists(st_h.floats(allow_nan=False, allow_infinity=False, width=32), min_size=1, max_size=6))
def test_no_text_cell_of_any_download_starts_a_formula(texts, numbers):
    n = min(len(texts), len(numbers))
    frame = pd.DataFrame({"t": pd.Series(texts[:n], dtype=object), "x": numbers[:n]})
    out = charts.neutralise(frame)
    for before, after in zip(frame["t"], out["t"], strict=True):
        if before.startswith(FORMULA_START):
            assert after == "'" + before
        else:
            assert after == before
    assert out["x"].tolist() == frame["x"].tolist()  # the floats themselves, untouched


# ---- labels from uploaded data are text, never HTML -------------------------------------------
@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return hostile.build(tmp_path_factory.mktemp("exports") / "hostile.duckdb")


@pytest.fixture
def env(hostile_db, monkeypatch):
    monkeypatch.setenv("CX_DB", str(hostile_db))
    monkeypatch.delenv("CX_IMPORT_PASSWORD", raising=False)
    st.cache_data.clear()
    yield hostile_db
    st.cache_data.clear()


def run(page: str | None, params: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    return at.run()


def markdown_bodies(at: AppTest) -> list[tuple[str, object]]:
    """(text, proto) of every element whose text Streamlit renders as markdown."""
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error",
                 "success", "latex"):
        for el in at.get(kind):
            out.append((el.value if isinstance(el.value, str) else str(el.value), el.proto))
    return out


def plotly_strings(at: AppTest) -> list[str]:
    """Every string Plotly may draw. ``customdata`` is left out (the click-to-filter callback
    reads the raw label from it; Plotly draws it only through a template, checked here)."""
    found: list[str] = []

    def walk(x):
        if isinstance(x, str):
            found.append(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                if k != "customdata":
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        walk(spec)
        for trace in spec.get("data", []):
            raw_at = {j for row in trace.get("customdata") or [] if isinstance(row, list)
                      for j, v in enumerate(row) if isinstance(v, str) and any(r in v for r in RAW_LABELS)}
            templates = " ".join(str(trace.get(k, "")) for k in ("hovertemplate", "texttemplate"))
            for j in raw_at:
                assert f"customdata[{j}]" not in templates, (j, templates)
    return found


@pytest.mark.parametrize("page, params", [
    (None, {"channel": [hostile.HTML_CHANNEL, hostile.BOLD_CHANNEL]}),
    ("pages/2_Segments.py", {"channel": [hostile.HTML_CHANNEL, hostile.BOLD_CHANNEL], "dim": "channel"}),
    ("pages/2_Segments.py", {"dim": f"attr:{hostile.ATTR_KEY}", "rows": "channel", "cols": "segment"}),
    # the hostile channels as the only groups: Trends draws lines for the 5 largest groups only
    ("pages/1_Trends.py", {"split": "channel", "channel": [hostile.HTML_CHANNEL, hostile.BOLD_CHANNEL]}),
    ("pages/7_Imports.py", {}),
], ids=["overview", "segments-by-channel", "segments-by-attribute", "trends-split", "imports"])
def test_labels_from_an_upload_are_shown_as_literal_text(env, page, params):
    at = run(page, params)
    assert not at.exception, [e.value for e in at.exception]
    bodies = markdown_bodies(at)
    assert bodies
    for text, proto in bodies:
        assert not getattr(proto, "allow_html", False), text
        for raw in RAW_LABELS:
            assert raw not in text, (raw, text)
        assert "<img" not in text.replace("\\<img", ""), text
    shown = " ".join(text for text, _ in bodies)
    if page is None or "channel" in params:  # the filter caption names the channels, escaped
        assert plain(hostile.HTML_CHANNEL) in shown and plain(hostile.BOLD_CHANNEL) in shown
    if page == "pages/7_Imports.py":
        assert plain("<b>hostile</b> export.csv") in shown
    # Plotly draws a subset of HTML in every string of a figure: the labels must be entities there.
    strings = plotly_strings(at)
    for raw in RAW_LABELS:
        assert not any(raw in s for s in strings), raw
    if page not in (None, "pages/7_Imports.py"):  # the Overview's charts carry no labels
        assert any("&lt;b&gt;bold&lt;/b&gt;" in s or "&lt;img" in s or "&lt;script" in s for s in strings)


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            yield name, node


def test_no_ui_code_passes_data_to_html():
    """Every unsafe_allow_html=True, st.html or components html call (there are none today) must
    take a literal string: data never reaches HTML."""
    files = [*ROOT.joinpath("cxdata").rglob("*.py"), APP, *ROOT.joinpath("pages").glob("*.py")]
    assert len(files) > 10
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, call in _calls(tree):
            html_kw = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant)
                                                                 and k.value.value is False)
                          for k in call.keywords)
            if html_kw or name in ("html", "iframe") and "components" in ast.unparse(call.func) \
                    or (name == "html" and ast.unparse(call.func) in ("st.html", "streamlit.html")):
                literal = call.args and isinstance(call.args[0], ast.Constant) \
                    and isinstance(call.args[0].value, str)
                if not literal:
                    offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)[:120]}")
    assert not offenders, offenders


# Downloads that are not tables a spreadsheet opens: the meeting report is HTML built by
# ``report.build``, which escapes every label (tests/test_report.py); the hidden, disabled button
# a first start draws so that the browser loads its code (``startup._load_page_code``) holds nothing.
NOT_TABLES = {("cxdata/ui/page.py", "make"), ("cxdata/ui/startup.py", "b''")}


def test_every_download_button_goes_through_csv_bytes():
    """A download that skipped the helper would carry formulas: every ``download_button`` in the
    UI takes ``csv_bytes(...)`` (or a name bound to it) as its data."""
    files = [*ROOT.joinpath("cxdata", "ui").glob("*.py"), APP, *ROOT.joinpath("pages").glob("*.py")]
    buttons, offenders = 0, []
    for path in files:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        bound = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Call) and "csv_bytes" in ast.unparse(node.value.func)
                 for t in node.targets if isinstance(t, ast.Name)}
        for name, call in _calls(tree):
            if name != "download_button":
                continue
            buttons += 1
            data = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "data"), None)
            ok = data is not None and (
                (isinstance(data, ast.Call) and "csv_bytes" in ast.unparse(data.func))
                or (isinstance(data, ast.Name) and data.id in bound)
                or (str(path.relative_to(ROOT)), ast.unparse(data)) in NOT_TABLES)
            if not ok:
                offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}: {ast.unparse(call)[:140]}")
    assert buttons >= 2
    assert not offenders, offenders
