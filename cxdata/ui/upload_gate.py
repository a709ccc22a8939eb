"""Who may make the server hold uploaded bytes: the browser sessions that unlocked importing.

Streamlit's upload endpoint (``PUT /_stcore/upload_file/<session>/<file>``) takes files for any
live session: the write gate (``auth.gate``) hides the uploader, not the endpoint. A viewer
without the password could send 200 MB files to their own session over and over, and Streamlit
held them until the session ended.

So, in Streamlit 1.67 (pinned):

- ``auth.gate`` records each run whether its session may write (``allow``/``deny``); a session
  that locks (or whose password changed) lets go of the files it holds;
- ``Runtime.is_active_session``, which the upload route asks before reading the body (and
  nothing else asks, see tests/test_hardening_uploads.py), answers no for a session that may
  not: the request ends in a 400 with nothing read;
- ``MemoryUploadedFileManager.add_file`` refuses it too, in case a later route skips that
  question.

Streamlit itself frees a session's files when it forgets the session (a closed browser, after
``server.disconnectedSessionTTL``); the test checks that too.

The wraps are installed when ``cxdata.ui`` is first imported, i.e. by the first page run of the
server process.
"""

from __future__ import annotations

import functools
import threading

from streamlit import runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

_allowed: set[str] = set()
_lock = threading.Lock()


class UploadRefused(PermissionError):
    """A file was sent for a session that has not unlocked importing."""


def _this_session() -> str | None:
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def allow() -> None:
    """This session may upload (it unlocked importing)."""
    sid = _this_session()
    if sid:
        _forget_ended()
        with _lock:
            _allowed.add(sid)


def deny() -> None:
    """This session may not upload (locked, or the password changed): any file it holds goes."""
    sid = _this_session()
    if not sid:
        return
    with _lock:
        was = sid in _allowed
        _allowed.discard(sid)
    if was and runtime.exists():
        runtime.get_instance().uploaded_file_mgr.remove_session_files(sid)


def may_upload(session_id: str) -> bool:
    with _lock:
        return session_id in _allowed


def _forget_ended() -> None:
    """Drop the ids of sessions Streamlit no longer has (bounded memory, not a gate)."""
    if not runtime.exists():
        return
    rt = runtime.get_instance()
    with _lock:
        if len(_allowed) > 1_000:
            _allowed.intersection_update([sid for sid in _allowed if rt.get_app_session(sid) is not None])


def install() -> bool:
    """Wrap Streamlit's session check and file store (once); False if their names changed."""
    if not (hasattr(Runtime, "is_active_session") and hasattr(MemoryUploadedFileManager, "add_file")):
        return False
    if getattr(Runtime.is_active_session, "_cx_upload_gate", False):
        return True
    is_active, add_file = Runtime.is_active_session, MemoryUploadedFileManager.add_file

    @functools.wraps(is_active)
    def is_active_session(self, session_id: str) -> bool:
        return is_active(self, session_id) and may_upload(session_id)

    @functools.wraps(add_file)
    def guarded_add_file(self, session_id: str, file) -> None:
        if not may_upload(session_id):
            raise UploadRefused("this session has not unlocked importing")
        add_file(self, session_id, file)

    is_active_session._cx_upload_gate = True
    Runtime.is_active_session = is_active_session
    MemoryUploadedFileManager.add_file = guarded_add_file
    return True
