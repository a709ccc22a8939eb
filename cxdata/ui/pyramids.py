"""Presentation helpers of the Pyramid page."""

from __future__ import annotations

import pandas as pd

from cxdata import i18n, kpis
from cxdata.i18n import N_, _
from cxdata.pyramid import MODELS

from .text import plain

MODEL_CHOICES = (3, 6)


MODEL_LABELS = {3: N_("3 levels (Forrester)"), 6: N_("6 levels")}
MODEL_NOTES = {
    3: N_("Meets needs: found what they looked for (4-5 of 5); easy: and low effort; "
          "enjoyable: and found it pleasant (4-5 of 5). Responses that answered all three only."),
    6: N_("The highest of the six levels each interaction reached, as coded at the source (cx_level)."),
}


def model_label(model: int) -> str:
    return _(MODEL_LABELS[model])


def model_note(model: int) -> str:
    return _(MODEL_NOTES[model])


def level_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its levels named in the page's language (the query names them in English)."""
    if frame.empty or i18n.get_lang() == i18n.DEFAULT:
        return frame
    return frame.assign(level_name=frame["level_name"].map(_))


def total(dist: pd.DataFrame) -> int:
    return int(dist["total"].iloc[0]) if len(dist) else 0


def summary_sentence(dist: pd.DataFrame, model: int) -> str:
    """'61% of answered responses meet needs; 9% reach the top (Enjoyable).' — markdown-safe."""
    by_level = dist.set_index("level")
    top = len(MODELS[model]) - 1
    base = by_level.loc[1, "reached"] if 1 in by_level.index else 0.0
    peak = by_level.loc[top, "reached"] if top in by_level.index else 0.0
    under = by_level.loc[0, "share"] if 0 in by_level.index else 0.0
    return _("**{base}%** of answered responses reach the first level ({first}); **{peak}%** reach the top "
             "({top}); **{under}%** sit under the pyramid.").format(
        base=i18n.number(base, 0), first=plain(_(MODELS[model][1])), peak=i18n.number(peak, 0),
        top=plain(_(MODELS[model][top])), under=i18n.number(under, 0))


def small_groups_note(groups: pd.DataFrame) -> str | None:
    if groups.empty:
        return None
    totals = groups.groupby("group")["total"].first()
    small = [str(g) for g, t in totals.items() if t < kpis.SMALL_SAMPLE]
    return _("small samples: {groups}").format(groups=plain(", ".join(small))) if small else None
