"""The Settings page's words and its one write (``settings.update``), behind the write gate."""

from __future__ import annotations

import streamlit as st

from cxdata import catalog, settings

from . import auth

DIRECTION_WORDS = {"effort": "1 = least effort (lower is better)", "ease": "7 = easiest (higher is better)"}
TARGET_LABELS = {"target_nps": "NPS target (-100 to 100)", "target_csat": "CSAT target (% satisfied)",
                 "target_ces": "CES target (mean, 1 to 7)"}


@st.cache_data(show_spinner=False, max_entries=16)
def current(_cur, key: str, version: int) -> dict[str, str | None]:
    return {k: settings.get_setting(_cur, k) for k in settings.EDITABLE} | {
        "ces_direction": settings.get_setting(_cur, "ces_direction") or "effort"}


def shown(value: str | None) -> str:
    return "" if value is None else f"{float(value):g}"


def target_help(key: str) -> str:
    lo, hi = settings.TARGETS[key]
    return (f"A number from {lo:g} to {hi:g}; empty for no target. The Trends page draws it, and an alert fires "
            "when the figure is worse than it beyond the noise.")


def definitions_markdown(cur: dict) -> str:
    targets = ", ".join(f"{TARGET_LABELS[k].split(' (')[0]} {shown(cur[k])}" for k in settings.TARGETS
                        if cur[k] is not None) or "none set"
    return (f"- **NPS**: promoters answer {catalog.PROMOTER_MIN}-10, detractors 0-{catalog.DETRACTOR_MAX}; "
            "NPS = % promoters - % detractors.\n"
            "- **CSAT**: % of answers 4 or 5 on the 1-5 scale.\n"
            f"- **CES** scale: {DIRECTION_WORDS[cur['ces_direction']]}.\n"
            f"- **Small sample**: a figure from fewer than {catalog.SMALL_SAMPLE} answers is flagged "
            "(fixed in this version).\n"
            f"- **Targets**: {targets}.")


def save(cur, values: dict[str, str]) -> list[str] | None:
    """Write the form's values (checked at the moment of writing: ``auth.require_write``); the
    changed keys, or None after saying what was wrong (nothing written)."""
    try:
        auth.require_write()
        return settings.update(cur, values)
    except (ValueError, auth.NotAllowed) as exc:
        st.error(str(exc))
        return None


_SAVED = "cx_settings_saved"


def remember_saved(changed: list[str]) -> None:
    st.session_state[_SAVED] = ("Nothing changed." if not changed else
                                "Saved: " + ", ".join(k.replace("_", " ") for k in changed)
                                + ". Every page shows the new definitions.")


def show_saved() -> None:
    """The message of the save that led to this run, once."""
    words = st.session_state.pop(_SAVED, None)
    if words:
        st.success(words, icon=":material/check:")
