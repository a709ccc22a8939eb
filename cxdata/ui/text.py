"""Text from data, made safe for Streamlit's markdown, and the figures in a manager's format."""

from __future__ import annotations

import math
import re
import string

from cxdata import kpis

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """Escape every markdown character so a label from the data is shown as typed (no links,
    images, LaTeX or colour directives)."""
    return _PUNCT.sub(r"\\\1", str(text)).replace("\n", " ")


KPI_NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
KPI_LONG = {
    "nps": "Net Promoter Score",
    "csat": "Customer satisfaction (% satisfied)",
    "ces": "Customer effort (mean, 1-7)",
}
KPI_UNITS = {"nps": "points", "csat": "points", "ces": ""}


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_kpi(kpi: str, v) -> str:
    """NPS as a signed whole number, CSAT as a whole percent, CES with one decimal."""
    if missing(v):
        return "–"
    if kpi == "nps":
        return f"{v:+.0f}"
    if kpi == "csat":
        return f"{v:.0f}%"
    return f"{v:.1f}"


def fmt_delta(kpi: str, v) -> str | None:
    if missing(v):
        return None
    if kpi == "ces":
        return f"{v:+.2f}"
    return f"{v:+.1f} pts"


def fmt_n(n) -> str:
    return f"n = {int(n):,}"


def small_mark(n) -> str:
    return " · small sample" if int(n) < kpis.SMALL_SAMPLE else ""


def ces_better(direction: str) -> str:
    return "lower is better" if direction == "effort" else "higher is better"


def mover_sentence(row: dict, kpi: str) -> str:
    """'touchpoint delivery: NPS up 10.6 points, from -33 to -23 (±10.0, n = 552).' — markdown-safe."""
    direction = "up" if row["delta"] > 0 else "down"
    unit = "" if kpi == "ces" else " points"
    size = f"{abs(row['delta']):.2f}" if kpi == "ces" else f"{abs(row['delta']):.1f}"
    margin = f"{row['margin']:.2f}" if kpi == "ces" else f"{row['margin']:.1f}"
    return (f"**{plain(row['dimension'])} {plain(row['value'])}**: {KPI_NAMES[kpi]} {direction} "
            f"{size}{unit}, from {plain(fmt_kpi(kpi, row['previous']))} to "
            f"{plain(fmt_kpi(kpi, row['current']))} (beyond the noise of ±{margin}; "
            f"{plain(fmt_n(row['n']))})")
