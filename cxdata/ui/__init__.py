"""The only Streamlit-aware code in ``cxdata``: what the pages share.

A page reads as: ``view = start(...)`` (sidebar, filters, URL), its own controls
(``view.choice``), cached queries (``state``), figures (``figures``) drawn with ``charts.show``.
"""

import functools as _functools

from streamlit import delta_generator as _delta_generator
from streamlit import logger as _logger
from streamlit import runtime as _runtime
from streamlit.runtime import app_session as _app_session
from streamlit.runtime.state import query_params as _query_params

# Imported outside a Streamlit server (``python -m cxdata report`` draws the pages' own charts):
# every cached function would warn that no server runs, which needs none. Quiet before they load.
if not _runtime.exists():
    _logger.set_log_level("error")

from . import links as _links  # noqa: E402 - after the log level
from . import upload_gate as _upload_gate  # noqa: E402
from .page import View, start  # noqa: E402

__all__ = ["View", "start"]

# On its first element in a process Streamlit checks whether it runs in a Python REPL, to print a
# hint there, with ``inspect.stack()``: that reads the source of every frame and maps every loaded
# module to its file, 75-130 ms of the first page after a server start. Under ``streamlit run`` it
# never prints; mark the hint as shown. A private name of Streamlit 1.67 (pinned): if it goes
# away this does nothing, and tests/test_server_config.py says so.
def _skip_repl_check() -> None:
    if _runtime.exists() and hasattr(_delta_generator, "_use_warning_has_been_displayed"):
        _delta_generator._use_warning_has_been_displayed = True


_skip_repl_check()


# Streamlit drops a link's whole query string when it has more than 1,000 parameters or 512 Ki
# characters (``sanitize_query_string``), before any script sees it: the page would open on its
# default view without a word. Note, per session, the size of a link it drops, so the page can
# say so (``links.dropped_link``). Wraps ``AppSession.request_rerun`` of Streamlit 1.67 (pinned);
# the first session of a process runs before this module is imported and gets no notice.
# tests/test_hardening_links.py says if the names go away.
def _note_dropped_links() -> bool:
    cls = getattr(_app_session, "AppSession", None)
    max_fields = getattr(_query_params, "CLIENT_STATE_QUERY_STRING_MAX_FIELDS", None)
    max_length = getattr(_query_params, "CLIENT_STATE_QUERY_STRING_MAX_LENGTH", None)
    if cls is None or not hasattr(cls, "request_rerun") or max_fields is None or max_length is None:
        return False
    if getattr(cls.request_rerun, "_cx_notes_dropped_links", False):
        return True
    original = cls.request_rerun

    @_functools.wraps(original)
    def request_rerun(self, client_state, *args, **kwargs):
        qs = getattr(client_state, "query_string", "") or ""
        if qs and (len(qs) > max_length or qs.count("&") + 1 > max_fields):
            _links.note_dropped_link(str(getattr(self, "id", "")), qs.count("&") + 1, len(qs),
                                     max_fields, max_length)
        return original(self, client_state, *args, **kwargs)

    request_rerun._cx_notes_dropped_links = True
    cls.request_rerun = request_rerun
    return True


NOTES_DROPPED_LINKS = _note_dropped_links()

# Only sessions that unlocked importing may make the server hold uploaded bytes (upload_gate).
UPLOAD_GATE = _upload_gate.install()
