"""The dashboard served warm: ``streamlit run app.py`` (the same pages and settings as
``streamlit run dashboard.py``).

Streamlit finds the ``st.App`` below and serves ``dashboard.py`` and ``pages/`` through it. Its
lifespan hook starts a thread right after the server starts, before any viewer comes: on a first
start it starts the demo data's build first (``cxdata.first_start``, which imports only what the
build needs), then imports what the pages import, opens the database and runs the Overview's first
queries (``cxdata.ui.startup.warm``). Imported on that thread, not here: this module is loaded
before the server answers.
"""

import threading
from contextlib import asynccontextmanager

import streamlit as st


def _warm() -> None:
    from cxdata import first_start  # the build's own imports only: it starts before the rest

    first_start.start_default()
    from cxdata.ui import startup

    startup.warm_up()


@asynccontextmanager
async def lifespan(_app):
    threading.Thread(target=_warm, name="cx-warm-up", daemon=True).start()
    yield


app = st.App("dashboard.py", lifespan=lifespan)
