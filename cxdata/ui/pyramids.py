"""Presentation helpers of the Pyramid page."""

from __future__ import annotations

import pandas as pd

from cxdata import kpis
from cxdata.pyramid import MODELS

from .text import plain

MODEL_CHOICES = (3, 6)


def model_label(model: int) -> str:
    return {3: "3 levels (Forrester)", 6: "6 levels"}[model]


def model_note(model: int) -> str:
    if model == 3:
        return ("Meets needs: found what they looked for (4-5 of 5); easy: and low effort; "
                "enjoyable: and found it pleasant (4-5 of 5). Responses that answered all three only.")
    return "The highest of the six levels each interaction reached, as coded at the source (cx_level)."


def total(dist: pd.DataFrame) -> int:
    return int(dist["total"].iloc[0]) if len(dist) else 0


def summary_sentence(dist: pd.DataFrame, model: int) -> str:
    """'61% of answered responses meet needs; 9% reach the top (Enjoyable).' — markdown-safe."""
    by_level = dist.set_index("level")
    top = len(MODELS[model]) - 1
    base = by_level.loc[1, "reached"] if 1 in by_level.index else 0.0
    peak = by_level.loc[top, "reached"] if top in by_level.index else 0.0
    under = by_level.loc[0, "share"] if 0 in by_level.index else 0.0
    return (f"**{base:.0f}%** of answered responses reach the first level "
            f"({plain(MODELS[model][1])}); **{peak:.0f}%** reach the top ({plain(MODELS[model][top])}); "
            f"**{under:.0f}%** sit under the pyramid.")


def small_groups_note(groups: pd.DataFrame) -> str | None:
    if groups.empty:
        return None
    totals = groups.groupby("group")["total"].first()
    small = [str(g) for g, t in totals.items() if t < kpis.SMALL_SAMPLE]
    return ("small samples: " + plain(", ".join(small))) if small else None
