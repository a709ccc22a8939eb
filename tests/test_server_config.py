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
       "client.showErrorDetails", "client.showSidebarNavigation")}))
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
    }
    assert "is not a valid config option" not in out.stderr
