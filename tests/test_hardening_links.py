"""Issue 18, item 10: a link Streamlit drops whole (more than 1,000 parameters) gets a notice.
The browser test is in test_hardening_browser.py; this one says when Streamlit's names change."""

from __future__ import annotations


def test_the_dropped_link_hook_is_installed_on_streamlits_session():
    from streamlit.runtime.app_session import AppSession

    import cxdata.ui

    assert cxdata.ui.NOTES_DROPPED_LINKS, "Streamlit renamed AppSession.request_rerun or its limits"
    assert getattr(AppSession.request_rerun, "_cx_notes_dropped_links", False)


def test_the_notice_is_given_once_per_session(monkeypatch):
    from cxdata.ui import links

    class Ctx:
        session_id = "s1"

    monkeypatch.setattr(links, "get_script_run_ctx", lambda suppress_warning=False: Ctx)
    links.note_dropped_link("s1", 1_002, 9_000, 1_000, 512 * 1024)
    first = links.dropped_link()
    assert first and "1,002 parameters, more than the 1,000" in first
    assert links.dropped_link() is None
    links.note_dropped_link("s1", 3, 600_000, 1_000, 512 * 1024)
    assert "600,000 characters" in links.dropped_link()
