"""Another process holding the database file open for writing, as a running dashboard would."""

from __future__ import annotations

import contextlib
import subprocess
import sys


@contextlib.contextmanager
def held(path):
    """Yield while a separate process holds ``path`` open (DuckDB then refuses a second writer)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.communicate("", timeout=30)
