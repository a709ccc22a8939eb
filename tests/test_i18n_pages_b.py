"""Italian on the Why and Settings pages, the alert banner and the meeting report (issue 22).

The pages run in AppTest with ``lang=it`` on the demo database and show no English word: every
title, caption, Markdown, notice, widget label, help, option and chart text is read, and none
holds an English stop word (``stop-words``' English list less the words Italian shares, less
the data's own values: channel, touchpoint and segment names are not translated). The report
of ``python -m cxdata report --lang it`` is checked on literal rows against hand-computed
figures, in Italian's number format, and against the English report of the same rows."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from helpers.tiny import tiny_db
from stop_words import get_stop_words
from streamlit.testing.v1 import AppTest

import cxdata
from cxdata import db, i18n, settings
from cxdata.i18n import _
from cxdata.insight import alerts
from cxdata.ui import alerts_view

ROOT = Path(__file__).resolve().parent.parent
WIDE = {"from": "2023-01-01", "to": "2026-12-31"}  # the demo's three years
# English stop words a page in Italian must not show (those Italian shares, "a", "e", "come",
# "non"..., are fine), less one-letter symbols (n, r, z), "pt" (the Italian pages' unit), "vs" and
# "circa" (Latin, said in Italian too), the names CX and HTML, and "date", an Italian word too
# (the plural of "data": the date filter).
ENGLISH = {w for w in set(get_stop_words("english")) - set(get_stop_words("italian"))
           if len(w) > 1} - {"pt", "vs", "circa", "cx", "html", "date"}
WORD = re.compile(r"[^\W\d_]+")


def data_values(path: Path) -> set[str]:
    """The values the data brings (channels, touchpoints, stages, segments, regions, products,
    imported attribute keys and values), lower case: shown as they are in both languages."""
    con = db.connect(path)
    try:
        rows = con.execute(
            "select distinct v from (select unnest([channel, touchpoint, journey_stage, segment, region, product]) v "
            "from responses union all select unnest(map_keys(attributes)) from responses "
            "union all select unnest(map_values(attributes)) from responses "
            "union all select stage from interactions union all select channel from interactions)").fetchall()
    finally:
        con.close()
    return {str(v).lower() for (v,) in rows if v}


def page_texts(at: AppTest) -> list[str]:
    """What the page says: text elements, widget labels, helps and options, and each chart's
    title, axis titles, legend names, bar texts and hover templates (not its data labels)."""
    out = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        out += [str(el.value) for el in at.get(kind)]
    for kind in ("radio", "selectbox", "multiselect", "text_input", "date_input", "button", "form_submit_button",
                 "download_button", "page_link", "expander", "checkbox", "toggle"):
        for el in at.get(kind):
            p = el.proto
            out += [getattr(p, "label", ""), getattr(p, "help", "")]
            if kind in ("radio", "selectbox"):
                out += list(p.options)
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        lay = spec["layout"]
        out.append(str(lay.get("title", {}).get("text", "")))
        out += [str(v.get("title", {}).get("text", "")) for k, v in lay.items()
                if k.startswith(("xaxis", "yaxis")) and isinstance(v, dict)]
        for trace in spec["data"]:
            out += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
            out += [str(t) for t in (trace.get("text") or [])]
    return [t for t in out if t]


def english_words(texts: list[str], values: set[str]) -> list[str]:
    """Each text that holds an English stop word, with the words: markup, template variables,
    Markdown escapes and the data's ``values`` taken out first."""
    found = []
    longest_first = sorted(values, key=len, reverse=True)
    for text in texts:
        clean = re.sub(r"%\{[^}]*\}|<[^>]+>|:material/[a-z_]+:|\\", "", text).lower()
        for v in longest_first:
            clean = clean.replace(v, " ")
        words = {w for w in WORD.findall(clean)} & ENGLISH
        if words:
            found.append(f"{sorted(words)}: {text[:120]}")
    return found


def run(page: str, params: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


# ---- the Why page ------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [
    WIDE,  # every driver, NPS: the drivers chart, both pain-point charts, the themes
    {"from": "2026-05-01", "to": "2026-07-31", "channel": "phone", "kpi": "ces", "drivers": "no_scores"},
], ids=["nps-wide", "ces-phone"])
def test_the_why_page_in_italian_has_no_english_word(ui_env, params):
    at = run("pages/5_Why.py", params | {"lang": "it"})
    assert not at.exception, [e.value for e in at.exception]
    with i18n.using("it"):
        title, key_drivers = _("Why scores move"), _("Key drivers")
    assert title != "Why scores move" and at.title[0].value == title
    assert key_drivers in [s.value for s in at.subheader]
    texts = page_texts(at)
    assert len(at.get("plotly_chart")) >= 1 and len(texts) > 40  # the page drew its charts and words
    assert not english_words(texts, data_values(ui_env)), english_words(texts, data_values(ui_env))
    # numbers in Italian's format: the drivers' caption says n with a thousands dot when n >= 1,000
    caption = next(c.value for c in at.caption if "R²" in c.value)
    assert re.search(r"R² 0,\d\d", caption), caption


def test_the_why_page_in_english_reads_as_before(ui_env):
    at = run("pages/5_Why.py", WIDE | {"channel": "phone", "drivers": "no_scores"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Why scores move"
    assert [s.value for s in at.subheader] == ["Key drivers", "Pain points", "What customers say: comment themes"]
    text = " ".join(m.value for m in at.markdown)
    assert "Importance is association, not cause" in text and "Left out: **Channel**, one value only" in text
    assert len(english_words(page_texts(at), data_values(ui_env))) > 10  # the Italian test's check sees English


# ---- the Settings page -------------------------------------------------------------------------
@pytest.fixture
def own_demo(ui_env, tmp_path, monkeypatch) -> Path:
    """A copy of the demo database (the test writes settings into it), as CX_DB."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(ui_env, path)
    monkeypatch.setenv("CX_DB", str(path))
    monkeypatch.setenv("CX_IMPORT_PASSWORD", "pw")
    return path


def test_the_settings_page_in_italian_reads_takes_a_decimal_comma_and_says_what_is_wrong(own_demo, ui_env):
    at = run("pages/8_Settings.py", {"lang": "it"})
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="cx_auth_password_input").set_value("pw")
    at = at.get("form_submit_button")[0].click().run()
    with i18n.using("it"):  # AppTest formats a radio's value with its format_func in this thread
        save = _("Save")
        at.text_input(key="cx_set_target_nps").set_value("30,5")
        at.text_input(key="cx_set_target_csat").set_value("140")
        at = next(b for b in at.get("form_submit_button") if b.label == save).click().run()
        errors = [e.value.replace("\\", "") for e in at.error]  # Markdown-escaped: the typed value is echoed
        assert errors == ["target_csat è un numero da 0 a 100 (o vuoto per toglierlo), non '140'"]
        texts = page_texts(at)
        at.text_input(key="cx_set_target_csat").set_value("")
        at = next(b for b in at.get("form_submit_button") if b.label == save).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    con = cxdata.connect(own_demo)
    assert settings.get_target(con, "nps") == 30.5 and settings.get_target(con, "csat") is None
    con.close()
    assert "**Obiettivi**: Obiettivo NPS 30,5." in " ".join(m.value for m in at.markdown)
    assert [s.value for s in at.success] == ["Salvato: Obiettivo NPS. Ogni pagina mostra le nuove definizioni."]
    texts += page_texts(at)
    assert any("Scala CES" in t for t in texts) and any("sforzo minimo" in t for t in texts)
    assert not english_words(texts, data_values(ui_env)), english_words(texts, data_values(ui_env))


# ---- the alert banner's words -----------------------------------------------------------------
def test_an_alert_is_said_in_the_viewers_language_whatever_language_computed_it():
    june = [(f"j{i}", f"j{i}", f"2025-06-{i % 30 + 1:02d} 10:00", "web", 10) for i in range(40)]  # the month before
    rows = june + [(f"r{i}", f"c{i}", f"2025-07-{d:02d} 10:00", "web", 10 if d < 10 else 0)
                   for d in range(1, 32) for i in range(d * 10, d * 10 + 5)]  # NPS +100 to -100 within July
    con = tiny_db("responses", ("response_id", "customer_id", "responded_at", "channel", "nps"), rows)
    db.set_setting(con, "target_nps", "72.5")
    with i18n.using("it"):  # computed (and cached) by an Italian viewer...
        found = alerts.evaluate(con, date(2025, 8, 1))["alerts"]
    target = next(a for a in found if a["test"] == "target" and a["scope"] == "overall" and a["period"] == "month")
    # ... read by an English one: July's 155 answers, 45 promoters and 110 detractors: -42
    assert alerts_view.label(target) == alerts_view.plain(
        "NPS, overall, July 2025: -42 (n 155), target 72.5. NPS below its target of 72.5, beyond the noise.")
    with i18n.using("it"):
        assert alerts_view.label(target) == alerts_view.plain(
            "NPS, complessivo, luglio 2025: -42 (n 155), obiettivo 72,5. NPS sotto il suo obiettivo di 72,5, "
            "oltre il rumore.")


# ---- the meeting report ------------------------------------------------------------------------
RESPONSES = ("response_id", "customer_id", "responded_at", "channel", "segment", "nps", "csat", "ces")
N = 1234


def literal_rows() -> list[tuple]:
    """1,234 answers in March 2025. NPS: 600 tens, 234 eights, 400 zeros -> (600 - 400) / 1,234 =
    +16.2 -> "+16". CSAT: every fourth answer a 2 (308 of them), the rest 5 -> 926 / 1,234 =
    75.0% -> "75%". CES: 2 and 5 alternately, 617 each -> 3.5."""
    start = date(2025, 3, 1)
    return [(f"r{i}", f"c{i}", f"{start + timedelta(days=i % 31)} 10:00", ("web", "phone")[i % 2],
             ("SME", "Consumer")[i % 3 == 0], 10 if i < 600 else 8 if i < 834 else 0,
             2 if i % 4 == 3 else 5, 2 if i % 2 == 0 else 5) for i in range(N)]


def headline(text: str) -> dict[str, list[str]]:
    """The headline table's cells per KPI (the report's first table)."""
    table = text[text.index("<table"):text.index("</table>")]
    rows = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def visible(text: str) -> str:
    """The report's words: its HTML without plotly.js, the charts' JSON and the tags."""
    body = text[text.index("<body>"):]
    body = re.sub(r"<script.*?</script>|<div.*?</div>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    """The report of the literal rows, written by the command line in each language."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "cx.duckdb"
    con = cxdata.connect(path)
    tiny_db("responses", RESPONSES, literal_rows(), con=con)
    con.close()
    out = {}
    for lang in ("en", "it"):
        target = folder / f"r-{lang}.html"
        args = [sys.executable, "-m", "cxdata", "report", "--db", str(path), "--out", str(target),
                "--from", "2025-03-01", "--to", "2025-03-31", "--link", "http://cx.example:8501"]
        run = subprocess.run(args + (["--lang", lang] if lang == "it" else []), cwd=ROOT, capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        out[lang] = target.read_text(encoding="utf-8")
    return out


def test_the_report_in_italian_has_italian_headings_numbers_and_dates(reports):
    text = reports["it"]
    assert '<html lang="it">' in text and '<html lang="en">' in reports["en"]
    with i18n.using("it"):
        headings = [_(h) for h in ("Overview", "Trends", "Segments", "Funnel", "CX pyramid")]
        title = _("Customer experience report")
    assert headings[0] == "Panoramica" and title != "Customer experience report"
    assert f"<h1>{html.escape(title)}</h1>" in text
    for h in headings:
        assert f"<h2>{html.escape(h)}</h2>" in text
    rows = headline(text)
    assert rows["NPS"][0] == "+16" and rows["NPS"][2] == "1.234"
    assert rows["CSAT"][0] == "75%" and rows["CSAT"][2] == "1.234"
    assert rows["CES"][0] == "3,5" and rows["CES"][2] == "1.234"
    assert "dal 01 mar 2025 al 31 mar 2025" in text
    assert "lang=it" in text  # the link back opens the dashboard in Italian
    assert '"locale": "it"' in text and '"shortMonths": ["gen", "feb"' in text  # plotly.js's dates


def test_the_report_in_italian_has_the_english_reports_figures(reports):
    en, it = headline(reports["en"]), headline(reports["it"])
    assert en["NPS"][0] == "+16" and en["NPS"][2] == "1,234" and en["CES"][0] == "3.5"

    def figures(cells: list[str], lang: str) -> list[str]:  # the numbers, 1.234,5 read as 1,234.5
        text = " | ".join(cells)
        if lang == "it":
            text = text.replace(".", "\x00").replace(",", ".").replace("\x00", ",")
        return re.findall(r"[-+±]?\d[\d,]*(?:\.\d+)?%?", text)

    assert set(en) == set(it) == {"NPS", "CSAT", "CES"}
    for kpi in en:  # value, change, n, margin: the same figures in each language's format
        assert figures(it[kpi], "it") == figures(en[kpi], "en") and figures(en[kpi], "en")


def test_the_report_in_italian_has_no_english_word(reports, tmp_path):
    values = {v.lower() for row in literal_rows() for v in row[3:5]}
    assert not english_words(visible(reports["it"]).splitlines(), values)
    assert english_words(visible(reports["en"]).splitlines(), values)  # the check sees English


# ---- the key drivers' sentences (written in English by insight/drivers.py) ---------------------
def drivers_sentences() -> list[str]:
    """Every sentence ``insight.drivers`` writes, made by the library itself on literal rows: too
    few answers; one outcome only; a driver with one value (channel) and one answered too rarely
    (csat, 10 of 35 rows); a ranking on few answers a term; and the sampled result's sentence."""
    from cxdata.filters import Filters
    from cxdata.insight import drivers

    cols = ("response_id", "customer_id", "responded_at", "channel", "segment", "nps", "csat", "ces")
    few = tiny_db("responses", cols, [(f"r{i}", "c", "2025-03-02", "web", "SME", i, 3, 2) for i in range(5)])
    same = tiny_db("responses", cols, [(f"r{i}", "c", "2025-03-02", "web", ("SME", "B")[i % 2], 10,
                                        i % 5 + 1, i % 7 + 1) for i in range(40)])
    sparse = tiny_db("responses", (*cols, "needs_met", "enjoyment"), [
        (f"r{i}", "c", "2025-03-02", "web", ("SME", "B", "C")[i % 3], i % 11, i % 5 + 1 if i < 10 else None,
         (i * 3) % 7 + 1, (i * 2) % 5 + 1, (i * 7) % 5 + 1) for i in range(35)])  # 35 answers, 4+ terms
    results = [drivers.key_drivers(c, Filters(), "nps") for c in (few, same, sparse)]
    out = [drivers.CAVEAT, drivers.sample_sentence(1234, 2345, 40)]
    out += [r.note for r in results if r.note] + [left["reason"] for r in results for left in r.left_out]
    return out


def test_every_sentence_of_the_key_drivers_is_said_in_italian():
    from cxdata.ui import why

    said = drivers_sentences()
    reasons = " ".join(said)
    assert "Too few answers (5)" in reasons and "same outcome" in reasons and "one value only" in reasons
    assert "answered in 10 of the 35 rows" in reasons and "model terms" in reasons
    with i18n.using("it"):
        italian = [why.library_words(s) for s in said]
    assert not english_words(italian, set()), english_words(italian, set())
    assert "Da un campione fisso di 1 risposta su 40" in italian[1] and "1.234 con tutti i fattori" in italian[1]
    assert [why.library_words(s) for s in said] == said  # English stays as the library wrote it
