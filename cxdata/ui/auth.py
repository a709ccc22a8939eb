"""Who may write to the database from the browser (import, undo): the write gate.

Three modes, decided from the configuration on every call (never cached, so a changed secret
takes effect at once):

- ``oidc``: ``st.secrets`` has an ``[auth]`` section (an OpenID Connect identity provider, see
  ``st.login``). People log in; those whose email is listed in ``import_users`` may write. With no
  list nobody may: a provider such as Google lets anyone with an account log in.
- ``password``: ``import_password`` in ``.streamlit/secrets.toml``, or the environment variable
  ``CX_IMPORT_PASSWORD`` (tests, CI, containers). Compared in constant time.
- ``disabled``: neither is configured. Importing is off; the page says how to turn it on.

``may_write()`` is asked at the moment of writing (``require_write()`` in the import and undo
code paths), not only when drawing a button: a stale session or a forged rerun cannot write.
Reading pages never call this module.
"""

from __future__ import annotations

import hmac
import os

import streamlit as st

from .text import plain

ENV_PASSWORD = "CX_IMPORT_PASSWORD"
_SECRET_KEY = "cx_import_secret"  # session state: what this session typed
_NAME_KEY = "cx_import_name"

HOW_TO_ENABLE = (
    "Importing from the browser is turned off because no password or identity provider is "
    "configured. To turn it on, put a line `import_password = \"...\"` in `.streamlit/secrets.toml` "
    "(see `.streamlit/secrets.toml.example`), or set the environment variable "
    f"`{ENV_PASSWORD}` before starting the dashboard; or configure an identity provider under "
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
    value = _secrets().get("import_password") or os.environ.get(ENV_PASSWORD)
    return str(value) if value else None


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
        raise NotAllowed("This session may not change the data: unlock importing first "
                         "(password or login on the Upload page).")


def identity() -> str:
    """Who is writing, for the import history."""
    if mode() == "oidc":
        return _logged_in_email() or "unknown"
    name = str(st.session_state.get(_NAME_KEY) or "").strip()
    return f"{name[:80]} (password)" if name else "password holder"


def _unlock() -> None:
    typed = st.session_state.get("cx_auth_password_input") or ""
    st.session_state[_SECRET_KEY] = typed
    st.session_state[_NAME_KEY] = st.session_state.get("cx_auth_name_input") or ""
    st.session_state["cx_auth_tried"] = True


def _lock() -> None:
    for k in (_SECRET_KEY, _NAME_KEY, "cx_auth_tried"):
        st.session_state.pop(k, None)


def gate(what: str = "import files") -> bool:
    """Draw the gate; True when this session may write. Says what to do otherwise."""
    m = mode()
    if m == "disabled":
        st.warning(HOW_TO_ENABLE, icon=":material/lock:")
        return False
    if m == "oidc":
        if not st.user.get("is_logged_in"):
            st.info(f"Log in to {what}.", icon=":material/lock:")
            if st.button("Log in", key="cx_auth_login"):
                st.login()
            return False
        if not may_write():
            st.warning(f"You are logged in as {plain(_logged_in_email() or 'an account without an email')}, "
                       f"which may not {what}: ask an administrator to add you to `import_users`.",
                       icon=":material/lock:")
            st.button("Log out", key="cx_auth_logout", on_click=st.logout)
            return False
        st.caption(f"Logged in as {plain(_logged_in_email())}.")
        return True
    if may_write():
        left, right = st.columns([4, 1])
        left.caption(f"Unlocked for this browser session as {plain(identity())}.")
        right.button("Lock", key="cx_auth_lock", on_click=_lock, icon=":material/lock:")
        return True
    with st.form("cx_auth_form", border=True):
        st.markdown(f"Enter the import password to {what}.")
        st.text_input("Import password", type="password", key="cx_auth_password_input")
        st.text_input("Your name (optional, shown in the import history)", key="cx_auth_name_input",
                      max_chars=80)
        st.form_submit_button("Unlock", on_click=_unlock, icon=":material/lock_open:")
    if st.session_state.get("cx_auth_tried"):
        st.error("That password is not the import password.")
    return False
