"""Text from data, made safe where it is drawn, and the figures in a manager's format.

Two functions, one per medium; every string that comes from the data (a label, an attribute name,
a file name) reaches the page through one of them:

- ``plain`` for everything Streamlit reads as Markdown: ``st.markdown``, captions, notices,
  widget labels, help texts;
- ``esc`` for everything a Plotly figure draws: titles, axis and tick labels, legends, hover text,
  annotations (Plotly reads a subset of HTML there, ``<a href>`` included, and ``%{...}`` in
  templates). The figure builders of ``figures`` call it on every title and label they are given:
  a page passes plain text.
"""

from __future__ import annotations

import math
import re
import string

from cxdata import catalog, kpis

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
# Direction overrides, embeddings and isolates: one in a label reverses what follows it on screen
# ("report\u202egpj.exe" reads "reportexe.jpg").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_NEWLINE = re.compile(r"\r\n|[\r\n]")
# GitHub-flavoured Markdown makes links of bare "http(s)://", "www." and e-mail addresses *after*
# the escapes are read, so escaping alone leaves them live. An invisible word joiner (U+2060)
# between ":" and "//", after "www" and before "@" breaks each pattern; the label reads the same.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def visible(text: object) -> str:
    """``text`` on one line, without direction controls: the part of both escapes that is not
    about markup."""
    return _NEWLINE.sub(" ", _BIDI.sub("", str(text)))


def plain(text: object) -> str:
    """A label from the data for Streamlit's Markdown, shown as typed: every punctuation character
    escaped (no links, images, emphasis, LaTeX, colour or icon directives), bare URLs and addresses
    broken so they are not made links, on one line."""
    return _PUNCT.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, visible(text)))


def esc(label: object) -> str:
    """A label from the data for a Plotly figure, drawn as typed: ``& < >`` as entities (Plotly
    draws ``<a href>``, ``<span style>``, ``<br>``...), ``%`` as ``&#37;`` (``%{...}`` is a template
    variable in hover and text templates), on one line."""
    return (visible(label).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("%", "&#37;"))


KPI_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
KPI_LONG = {
    "nps": "Net Promoter Score",
    "csat": "Customer satisfaction (% satisfied)",
    "ces": "Customer effort (mean, 1-7)",
}
KPI_UNITS = {"nps": "points", "csat": "points", "ces": ""}


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def signed(v: float, decimals: int) -> str:
    """``v`` with ``decimals`` decimals and its sign; a value that rounds to zero shows without a
    sign ("0.0", never "-0.0" or "+0.0")."""
    text = f"{v:+.{decimals}f}"
    return text[1:] if float(text) == 0 else text


def fmt_count(n) -> str:
    """A count (answers, customers, rows) with thousands separators: 1,200,000."""
    return f"{int(n):,}"


def fmt_kpi(kpi: str, v) -> str:
    """NPS as a signed whole number, CSAT as a whole percent, CES with one decimal."""
    if missing(v):
        return "–"
    if kpi == "nps":
        return signed(v, 0)
    if kpi == "csat":
        return f"{v:.0f}%"
    return f"{v:.1f}"


def fmt_delta(kpi: str, v) -> str | None:
    """A change: CES with two decimals, NPS and CSAT in points with one ("+1.2 pts")."""
    if missing(v):
        return None
    if kpi == "ces":
        return signed(v, 2)
    return f"{signed(v, 1)} pts"


def fmt_n(n) -> str:
    return f"n = {fmt_count(n)}"


def small_mark(n) -> str:
    return " · small sample" if int(n) < kpis.SMALL_SAMPLE else ""


def ces_better(direction: str) -> str:
    return "higher is better" if catalog.higher_is_better("ces", direction) else "lower is better"


def mover_sentence(row: dict, kpi: str, markdown: bool = True) -> str:
    """'touchpoint delivery: NPS up 10.6 points, from -33 to -23 (±10.0, n = 552).' — markdown-safe,
    or (``markdown=False``) plain text, for a medium that escapes it itself (the HTML report)."""
    q, bold = (plain, "**") if markdown else (visible, "")
    direction = "up" if row["delta"] > 0 else "down"
    unit = "" if kpi == "ces" else " points"
    size = f"{abs(row['delta']):.2f}" if kpi == "ces" else f"{abs(row['delta']):.1f}"
    margin = f"{row['margin']:.2f}" if kpi == "ces" else f"{row['margin']:.1f}"
    return (f"{bold}{q(row['dimension'])} {q(row['value'])}{bold}: {KPI_NAMES[kpi]} {direction} "
            f"{size}{unit}, from {q(fmt_kpi(kpi, row['previous']))} to "
            f"{q(fmt_kpi(kpi, row['current']))} (beyond the noise of ±{margin}; "
            f"{q(fmt_n(row['n']))})")
