"""The server settings the page speed depends on are read by Streamlit as written: a misspelt
option is ignored with a warning, and the page silently gets slower again."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READ = """
import json
from streamlit import config
config.get_config_options(force_reparse=True)
print(json.dumps({k: config.get_option(k) for k in
      ("runner.postScriptGC", "server.fileWatcherType", "server.maxUploadSize",
       "client.showErrorDetails", "client.showSidebarNavigation", "server.maxCacheDataSize")}))
"""


def test_streamlit_reads_the_project_settings():
    out = subprocess.run([sys.executable, "-c", READ], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {
        # no full garbage collection after every run (60-100 ms of a cached rerun)
        "runner.postScriptGC": False,
        # no source watcher walking every loaded module after every run (200-300 ms a page view)
        "server.fileWatcherType": "none",
        "server.maxUploadSize": 200,
        "client.showErrorDetails": "none",
        "client.showSidebarNavigation": False,
        # st.cache_data bounded in bytes across functions and sessions, not only in entries
        "server.maxCacheDataSize": "256mb",
    }
    assert "is not a valid config option" not in out.stderr


SKIP_REPL_CHECK = """
import streamlit.runtime
import cxdata.ui
from streamlit import delta_generator
streamlit.runtime.exists = lambda: {in_server}  # as in a server, after the import of cxdata.ui
cxdata.ui._skip_repl_check()
print(delta_generator._use_warning_has_been_displayed)
"""


def test_the_first_page_skips_streamlits_repl_check_only_in_the_server():
    """Streamlit's check for a Python REPL (``inspect.stack()``, 75-130 ms on the first page after a
    server start) is marked done by ``cxdata.ui`` under a server, and left alone elsewhere. If a
    Streamlit upgrade renames the flag, this fails: the first page would be slower again."""
    for in_server, expected in ((True, "True"), (False, "False")):
        out = subprocess.run([sys.executable, "-c", SKIP_REPL_CHECK.format(in_server=in_server)], cwd=ROOT,
                             capture_output=True, text=True, check=True, timeout=120)
        assert out.stdout.strip().splitlines()[-1] == expected
