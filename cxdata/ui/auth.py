"""Who may write to the database from the browser (import, undo): the write gate.

Three modes, decided from the configuration on every call (never cached, so a changed secret
takes effect at once):

- ``oidc``: ``st.secrets`` has an ``[auth]`` section (an OpenID Connect identity provider, see
  ``st.login``). People log in; those whose email is listed in ``import_users`` may write. With no
  list nobody may: a provider such as Google lets anyone with an account log in.
- ``password``: ``import_password`` in ``.streamlit/secrets.toml``, or the environment variable
  ``CX_IMPORT_PASSWORD`` (tests, CI, containers). Compared in constant time. A value of only
  spaces counts as unset. Wrong guesses are throttled, per browser session and per client
  address (``MAX_FAILURES`` in ``WINDOW`` seconds), and logged without the guess.
- ``disabled``: neither is configured. Importing is off; the page says how to turn it on.

``may_write()`` is asked at the moment of writing (``require_write()`` in the import and undo
code paths), not only when drawing a button: a stale session or a forged rerun cannot write.
Reading pages never call this module.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import threading
import time
from collections import deque

import streamlit as st

from cxdata.i18n import N_, _

from . import upload_gate
from .text import plain

ENV_PASSWORD = "CX_IMPORT_PASSWORD"
PASSWORD_HOLDER = N_("password holder")  # who imported, stored in English; shown as _(PASSWORD_HOLDER)
_SECRET_KEY = "cx_import_secret"  # session state: what this session typed
_NAME_KEY = "cx_import_name"
_SESSION_KEY = "cx_auth_session"  # session state: this session's key in the throttle
_WAIT_KEY = "cx_auth_wait"  # session state: seconds the last attempt was told to wait

# A person mistypes a few times a minute at most; a script guesses thousands.
MAX_FAILURES = 5  # per browser session, in WINDOW seconds
MAX_CLIENT_FAILURES = 20  # per client address (all its sessions), in WINDOW seconds
WINDOW = 60.0

_LOG = logging.getLogger("cxdata.auth")

HOW_TO_ENABLE = N_(
    "Importing from the browser is turned off because no password or identity provider is "
    "configured. To turn it on, put a line `import_password = \"...\"` in `.streamlit/secrets.toml` "
    "(see `.streamlit/secrets.toml.example`), or set the environment variable "
    "`{variable}` before starting the dashboard; or configure an identity provider under "
    "`[auth]` and list who may import in `import_users`. Then restart the dashboard. "
    "Until then, import with `python -m cxdata import FILE` while the dashboard is stopped."
)


class NotAllowed(PermissionError):
    """A write was attempted by a session that may not write."""


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets.toml at all is the common case
        return {}


def _configured_password() -> str | None:
    """The password, or None when neither place sets one (a value of only spaces sets none: a
    password anyone can type by pressing the space bar is no gate)."""
    for value in (_secrets().get("import_password"), os.environ.get(ENV_PASSWORD)):
        if value is not None and str(value).strip():
            return str(value)
    return None


class Throttle:
    """Failed attempts per key in a sliding window of ``window`` seconds: past ``limit`` of them,
    the key waits until the oldest leaves the window. At most ``max_keys`` keys are remembered
    (the stalest go first), so a flood of addresses cannot grow it without bound."""

    def __init__(self, limit: int, window: float = WINDOW, max_keys: int = 10_000):
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._fails: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._fails.get(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def wait(self, key: str, now: float) -> float:
        """Seconds before ``key`` may try again (0: now)."""
        with self._lock:
            q = self._recent(key, now)
            return max(0.0, q[0] + self.window - now) if len(q) >= self.limit else 0.0

    def fail(self, key: str, now: float) -> int:
        """Record a failure; the failures of ``key`` in the window, this one included."""
        with self._lock:
            q = self._recent(key, now)
            q.append(now)
            self._fails.pop(key, None)
            self._fails[key] = q  # most recent last
            while len(self._fails) > self.max_keys:
                self._fails.pop(next(iter(self._fails)))
            return len(q)

    def clear(self) -> None:
        with self._lock:
            self._fails.clear()


_sessions = Throttle(MAX_FAILURES)
_clients = Throttle(MAX_CLIENT_FAILURES)


def _now() -> float:
    return time.monotonic()


def _client() -> str:
    """The client's address; "local" when Streamlit gives none (a browser on this machine)."""
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client outside a session
        ip = None
    return ip if isinstance(ip, str) and ip else "local"


def _session() -> str:
    if _SESSION_KEY not in st.session_state:
        st.session_state[_SESSION_KEY] = secrets.token_hex(8)
    return st.session_state[_SESSION_KEY]


def mode() -> str:
    """'oidc', 'password' or 'disabled'."""
    if isinstance(_secrets().get("auth"), dict) and _secrets()["auth"]:
        return "oidc"
    if _configured_password():
        return "password"
    return "disabled"


def _allowed_users() -> set[str]:
    users = _secrets().get("import_users") or []
    if isinstance(users, str):
        users = [users]
    return {str(u).strip().lower() for u in users if str(u).strip()}


def _logged_in_email() -> str | None:
    try:
        if not st.user.get("is_logged_in"):
            return None
        email = st.user.get("email")
    except Exception:  # noqa: BLE001 - no user info outside a session
        return None
    return str(email).strip().lower() if email else None


def may_write() -> bool:
    """Whether this session may import or undo, checked now."""
    m = mode()
    if m == "oidc":
        email = _logged_in_email()
        return bool(email) and email in _allowed_users()
    if m == "password":
        expected = _configured_password() or ""
        typed = st.session_state.get(_SECRET_KEY)
        if not isinstance(typed, str) or not typed:
            return False
        return hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8"))
    return False


def require_write() -> None:
    """Raise ``NotAllowed`` unless this session may write: the first line of every write path."""
    if not may_write():
        raise NotAllowed(_("This session may not change the data: unlock importing first "
                           "(password or login on the Upload page)."))


def identity() -> str:
    """Who is writing, for the import history."""
    if mode() == "oidc":
        return _logged_in_email() or "unknown"
    name = str(st.session_state.get(_NAME_KEY) or "").strip()
    return f"{name[:80]} (password)" if name else PASSWORD_HOLDER  # stored: stays English


def shown_identity(who: str) -> str:
    """Who imported, as stored, in the page's language (a typed name stays as typed)."""
    return _(PASSWORD_HOLDER) if who == PASSWORD_HOLDER else who


def _unlock() -> None:
    """The form's callback: check the typed password unless this session or its client address
    has guessed wrong too often; keep it only when right (``may_write`` compares it again at
    every write). A failure is logged without what was typed."""
    typed = st.session_state.get("cx_auth_password_input") or ""
    st.session_state["cx_auth_password_input"] = ""
    st.session_state[_NAME_KEY] = st.session_state.get("cx_auth_name_input") or ""
    st.session_state.pop(_SECRET_KEY, None)
    now, client, session = _now(), _client(), _session()
    wait = max(_sessions.wait(session, now), _clients.wait(client, now))
    if wait > 0:
        st.session_state[_WAIT_KEY] = wait
        st.session_state["cx_auth_tried"] = False
        _LOG.warning("Import password attempt refused unheard (client %s): too many wrong ones.", client)
        return
    st.session_state.pop(_WAIT_KEY, None)
    expected = _configured_password() or ""
    if typed and expected and hmac.compare_digest(typed.encode("utf-8"), expected.encode("utf-8")):
        st.session_state[_SECRET_KEY] = typed
        st.session_state["cx_auth_tried"] = False
        return
    st.session_state["cx_auth_tried"] = True
    in_session, from_client = _sessions.fail(session, now), _clients.fail(client, now)
    _LOG.warning("Wrong import password (client %s): %d in the last %.0f s from this session, %d from "
                 "this address.", client, in_session, WINDOW, from_client)


def _lock() -> None:
    for k in (_SECRET_KEY, _NAME_KEY, "cx_auth_tried", _WAIT_KEY):
        st.session_state.pop(k, None)
    upload_gate.deny()


def gate(what: str = "import files") -> bool:
    """Draw the gate; True when this session may write. Says what to do otherwise. Tells the
    upload endpoint whether this session may send it files (``upload_gate``)."""
    ok = _gate(what)
    if ok:
        upload_gate.allow()
    else:
        upload_gate.deny()
    return ok


def _gate(what: str) -> bool:
    """``what``: the action, English, marked with ``N_`` by the page ("import files")."""
    m = mode()
    what = _(what)
    if m == "disabled":
        st.warning(_(HOW_TO_ENABLE).format(variable=ENV_PASSWORD), icon=":material/lock:")
        return False
    if m == "oidc":
        return _oidc_gate(what)
    if may_write():
        left, right = st.columns([4, 1])
        left.caption(_("Unlocked for this browser session as {who}.").format(who=plain(shown_identity(identity()))))
        right.button(_("Lock"), key="cx_auth_lock", on_click=_lock, icon=":material/lock:")
        return True
    with st.form("cx_auth_form", border=True):
        st.markdown(_("Enter the import password to {what}.").format(what=what))
        st.text_input(_("Import password"), type="password", key="cx_auth_password_input")
        st.text_input(_("Your name (optional, shown in the import history)"), key="cx_auth_name_input",
                      max_chars=80)
        st.form_submit_button(_("Unlock"), on_click=_unlock, icon=":material/lock_open:")
    if st.session_state.get(_WAIT_KEY):
        st.error(_("Too many wrong passwords: try again in {seconds} seconds. "
                   "That attempt was not checked.").format(seconds=f"{st.session_state[_WAIT_KEY]:.0f}"))
    elif st.session_state.get("cx_auth_tried"):
        st.error(_("That password is not the import password."))
    return False


def _oidc_gate(what: str) -> bool:
    if not st.user.get("is_logged_in"):
        st.info(_("Log in to {what}.").format(what=what), icon=":material/lock:")
        if st.button(_("Log in"), key="cx_auth_login"):
            st.login()
        return False
    if not may_write():
        st.warning(_("You are logged in as {who}, which may not {what}: ask an administrator to add you "
                     "to `import_users`.").format(who=plain(_logged_in_email() or _("an account without an email")),
                                                   what=what), icon=":material/lock:")
        st.button(_("Log out"), key="cx_auth_logout", on_click=st.logout)
        return False
    st.caption(_("Logged in as {who}.").format(who=plain(_logged_in_email())))
    return True
