"""Issue 18, item 4: every table a viewer can download is formula-safe. Streamlit's own "Download
as CSV" of an ``st.dataframe`` writes the cells it shows, so the tables are drawn through
``charts.table``, which shows (and so downloads) a text cell that would start a formula with a
leading quote, like the chart downloads; numbers stay numbers."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_hardening_labels import CHANNELS, FORMULA, env, hostile_db  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard.py"
FORMULA_START = tuple("=+-@\t\r")


def run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def text_cells(frame: pd.DataFrame) -> list[str]:
    cells = [c for c in [*frame.columns, *frame.index] if isinstance(c, str)]
    for col in frame.columns:
        cells += [v for v in frame[col] if isinstance(v, str)]
    return cells


def assert_formula_safe(frame: pd.DataFrame) -> None:
    bad = [c for c in text_cells(frame) if c.startswith(FORMULA_START)]
    assert not bad, bad


@pytest.mark.parametrize("page, params", [
    ("pages/2_Segments.py", {"dim": "channel"}),
    ("pages/3_Funnel.py", {"channel": list(CHANNELS)}),
    ("pages/7_Imports.py", {}),
], ids=["segments", "funnel", "imports-rejects"])
def test_downloadable_tables_hold_no_formula(env, page, params):  # noqa: F811 - fixture
    at = run(page, params)
    assert not at.exception, [e.value for e in at.exception]
    tables = [d.value for d in at.dataframe]
    assert tables
    for t in tables:
        assert_formula_safe(t)
    shown = [c for t in tables for c in text_cells(t)]
    assert "'" + FORMULA in shown, "the hostile label is in a table, quoted"
    # numbers stay numbers (a rejected row's line number among them)
    assert any(pd.api.types.is_numeric_dtype(t[c]) for t in tables for c in t.columns)
    if page == "pages/7_Imports.py":
        rejects = next(t for t in tables if "reason" in t.columns)
        assert pd.api.types.is_numeric_dtype(rejects["line"])


def _dataframe_calls(path: Path) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("dataframe", "data_editor", "table") \
                and ast.unparse(node.func.value) in ("st", "streamlit", "st.sidebar"):
            calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return calls


UI_FILES = sorted([*ROOT.joinpath("cxdata", "ui").glob("*.py"), APP, *ROOT.joinpath("pages").glob("*.py")])


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_every_table_is_drawn_through_charts_table(path):
    """Only ``charts.table`` calls ``st.dataframe``: a table drawn another way would download
    formulas as they are."""
    calls = _dataframe_calls(path)
    if path.name == "charts.py":
        assert len(calls) == 1, calls
    else:
        assert not calls, calls
