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

from cxdata import catalog, i18n, kpis
from cxdata.i18n import N_, _

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
KPI_LONG = {  # translated where shown: _(KPI_LONG[kpi])
    "nps": N_("Net Promoter Score"),
    "csat": N_("Customer satisfaction (% satisfied)"),
    "ces": N_("Customer effort (mean, 1-7)"),
}
KPI_UNITS = {"nps": N_("points"), "csat": N_("points"), "ces": ""}


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def signed(v: float, decimals: int) -> str:
    """``v`` with ``decimals`` decimals and its sign, in the page's language; a value that rounds
    to zero shows without a sign ("0.0", never "-0.0" or "+0.0")."""
    return i18n.number(v, decimals, sign=True)


def fmt_count(n) -> str:
    """A count (answers, customers, rows) with thousands separators: 1,200,000 (1.200.000)."""
    return i18n.count(n)


def fmt_kpi(kpi: str, v) -> str:
    """NPS as a signed whole number, CSAT as a whole percent, CES with one decimal."""
    if missing(v):
        return "–"
    if kpi == "nps":
        return signed(v, 0)
    if kpi == "csat":
        return i18n.number(v, 0) + "%"
    return i18n.number(v, 1)


def fmt_delta(kpi: str, v) -> str | None:
    """A change: CES with two decimals, NPS and CSAT in points with one ("+1.2 pts")."""
    if missing(v):
        return None
    if kpi == "ces":
        return signed(v, 2)
    return _("{delta} pts").format(delta=signed(v, 1))


def fmt_n(n) -> str:
    return f"n = {fmt_count(n)}"


def small_mark(n) -> str:
    return " · " + _("small sample") if int(n) < kpis.SMALL_SAMPLE else ""


def ces_better(direction: str) -> str:
    return _("higher is better") if catalog.higher_is_better("ces", direction) else _("lower is better")


def dimension_word(dimension: str) -> str:
    """A breakdown dimension in a sentence ("segment SME"); an attribute ("attr:plan") shows its key."""
    if dimension in catalog.FIELD_WORDS:
        return _(catalog.FIELD_WORDS[dimension])
    return dimension.split(":", 1)[-1]


def mover_sentence(row: dict, kpi: str, markdown: bool = True) -> str:
    """'touchpoint delivery: NPS up 10.6 points, from -33 to -23 (±10.0, n = 552).' — markdown-safe,
    or (``markdown=False``) plain text, for a medium that escapes it itself (the HTML report)."""
    q, bold = (plain, "**") if markdown else (visible, "")
    decimals = 2 if kpi == "ces" else 1
    size, margin = i18n.number(abs(row["delta"]), decimals), i18n.number(row["margin"], decimals)
    if kpi == "ces":
        how = _("up {size}") if row["delta"] > 0 else _("down {size}")
    else:
        how = _("up {size} points") if row["delta"] > 0 else _("down {size} points")
    label = f"{bold}{q(dimension_word(row['dimension']))} {q(row['value'])}{bold}"
    return _("{label}: {kpi} {how}, from {before} to {after} (beyond the noise of ±{margin}; {n})").format(
        label=label, kpi=KPI_NAMES[kpi], how=how.format(size=size), before=q(fmt_kpi(kpi, row["previous"])),
        after=q(fmt_kpi(kpi, row["current"])), margin=margin, n=q(fmt_n(row["n"])))
