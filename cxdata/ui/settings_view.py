"""The Settings page's words and its one write (``settings.update``), behind the write gate."""

from __future__ import annotations

import streamlit as st

from cxdata import catalog, i18n, settings
from cxdata.i18n import N_, _

from . import auth
from .text import plain

DIRECTION_WORDS = {"effort": N_("1 = least effort (lower is better)"), "ease": N_("7 = easiest (higher is better)")}
TARGET_LABELS = {"target_nps": N_("NPS target (-100 to 100)"), "target_csat": N_("CSAT target (% satisfied)"),
                 "target_ces": N_("CES target (mean, 1 to 7)")}
NAMES = {"ces_direction": N_("CES scale"), "target_nps": N_("NPS target"), "target_csat": N_("CSAT target"),
         "target_ces": N_("CES target")}


def direction_words(direction: str) -> str:
    return _(DIRECTION_WORDS[direction])


def target_label(key: str) -> str:
    return _(TARGET_LABELS[key])


@st.cache_data(show_spinner=False, max_entries=16)
def current(_cur, key: str, version: int) -> dict[str, str | None]:
    return {k: settings.get_setting(_cur, k) for k in settings.EDITABLE} | {
        "ces_direction": settings.get_setting(_cur, "ces_direction") or "effort"}


def shown(value: str | None) -> str:
    """A stored target as typed (30, 72.5: 72,5 in Italian; ``settings`` reads either mark)."""
    return "" if value is None else settings.number_words(float(value))


def target_help(key: str) -> str:
    lo, hi = settings.TARGETS[key]
    return _("A number from {low} to {high}; empty for no target. The Trends page draws it, and an alert fires "
             "when the figure is worse than it beyond the noise.").format(low=settings.number_words(lo),
                                                                         high=settings.number_words(hi))


def definitions_markdown(cur: dict) -> str:
    targets = ", ".join(f"{_(NAMES[k])} {shown(cur[k])}" for k in settings.TARGETS
                        if cur[k] is not None) or _("none set")
    return "\n".join([
        _("- **NPS**: promoters answer {promoter}-10, detractors 0-{detractor}; NPS = % promoters - % "
          "detractors.").format(promoter=catalog.PROMOTER_MIN, detractor=catalog.DETRACTOR_MAX),
        _("- **CSAT**: % of answers 4 or 5 on the 1-5 scale."),
        _("- **CES** scale: {direction}.").format(direction=direction_words(cur["ces_direction"])),
        _("- **Small sample**: a figure from fewer than {n} answers is flagged (fixed in this version).").format(
            n=i18n.count(catalog.SMALL_SAMPLE)),
        _("- **Targets**: {targets}.").format(targets=targets)])


def save(cur, values: dict[str, str]) -> list[str] | None:
    """Write the form's values (checked at the moment of writing: ``auth.require_write``); the
    changed keys, or None after saying what was wrong (nothing written)."""
    try:
        auth.require_write()
        return settings.update(cur, values)
    except (ValueError, auth.NotAllowed) as exc:
        st.error(plain(str(exc)))
        return None


_SAVED = "cx_settings_saved"


def remember_saved(changed: list[str]) -> None:
    st.session_state[_SAVED] = (_("Nothing changed.") if not changed else
                                _("Saved: {names}. Every page shows the new definitions.").format(
                                    names=", ".join(_(NAMES[k]) for k in changed)))


def show_saved() -> None:
    """The message of the save that led to this run, once."""
    words = st.session_state.pop(_SAVED, None)
    if words:
        st.success(words, icon=":material/check:")
