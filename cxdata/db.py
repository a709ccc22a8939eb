"""Opening the DuckDB file, creating and upgrading its schema, settings and the data version.

One connection per process; each thread (or Streamlit rerun) takes its own ``con.cursor()``.
DuckDB lets only one process open a file for writing: when another holds it, ``connect`` raises
``DatabaseBusyError`` with one sentence that says what to do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import duckdb

from . import upkeep
from .i18n import _
from .schema import DEFAULT_SETTINGS, DEFAULT_STAGES, MIGRATIONS, SCHEMA_VERSION
from .settings import bump_data_version, data_version, get_setting, set_setting, stages
from .upkeep import set_stages

__all__ = ["bump_data_version", "data_version", "get_setting", "set_setting", "set_stages", "stages"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "cx.duckdb"


class DatabaseBusyError(RuntimeError):
    """Another process holds the database file."""


class DatabaseFileError(RuntimeError):
    """The file is not a DuckDB database this program can open (corrupt, truncated, another
    format), or one written by a newer version of the program; the message says which."""


DISK_FULL = "No space left on device"


def default_db_path() -> Path:
    """``CX_DB`` if set, else ``data/cx.duckdb`` in the project."""
    env = os.environ.get("CX_DB")
    return Path(env) if env else DEFAULT_DB


MEMORY_LIMIT = re.compile(r"^\d{1,6}(\.\d{1,3})?\s?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")


def available_memory() -> int | None:
    """Bytes of memory this process may use: the machine's, or its cgroup's limit if lower."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            raw = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if raw.isdigit():
            total = min(total, int(raw))
        break
    return total


def default_memory_limit() -> str | None:
    """A quarter of ``available_memory()`` (``"6319MB"`` on this 25 GB machine), for uncapped work.

    DuckDB's own default, 80% of RAM, is a cap on its buffer manager, not on the process: the
    10M/50M demo generation (one transaction appending 60M rows) was killed by the kernel at
    24 GB resident on a 24 GB machine under it, and peaked at 8.6 GB under a cap of 4GB."""
    total = available_memory()
    return f"{max(total // 4 // 1_000_000, 256)}MB" if total else None


def connect(path: str | Path | None = None, read_only: bool = False,
            memory_limit: str | None = None,
            on_upgrade: Callable[[int, int], None] | None = None) -> duckdb.DuckDBPyConnection:
    """Open (and create or upgrade) the database at ``path``; ``":memory:"`` for a scratch one.
    ``memory_limit`` (e.g. ``"1GB"``) caps DuckDB's memory; bigger work spills to disk.
    ``on_upgrade(old, new)`` is called before an existing file of an older schema is upgraded
    (a file of tens of millions of rows takes a minute or more)."""
    if memory_limit is not None and not MEMORY_LIMIT.match(memory_limit):
        raise ValueError(_("memory limit {value}: expected a size like 1GB or 512MB").format(value=repr(memory_limit)))
    target = str(path) if path is not None else str(default_db_path())
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException) as exc:
        msg = str(exc)
        if "not a valid DuckDB database" in msg or "Could not read enough bytes" in msg or \
                isinstance(exc, duckdb.SerializationException | duckdb.InternalException):
            raise DatabaseFileError(_(
                "{path} is not a DuckDB database this program can open (corrupt, truncated, or another kind of "
                "file): point --db or CX_DB at the right file, or restore a copy. ({error})").format(
                path=target, error=msg.splitlines()[0][:200])) from exc
        if "lock" in msg.lower():
            pid = re.search(r"PID (\d+)", msg)
            raise DatabaseBusyError(_busy(target, pid.group(1) if pid else None)) from exc
        raise
    # DuckDB's progress bar writes to the terminal of whoever runs us (CLI, server log): not ours to show.
    con.execute("set enable_progress_bar = false")
    if memory_limit is not None:
        con.execute(f"set memory_limit = '{memory_limit}'")  # checked against MEMORY_LIMIT above
    if not read_only:
        ensure_schema(con, on_upgrade)
    return con


def _busy(target: str, pid: str | None) -> str:
    """The sentence for a database another process holds (``pid``: that process, when known)."""
    if pid:
        return _("The database {path} is in use by another process (process {pid}), probably a running dashboard: "
                 "stop it, or import through the dashboard's Upload page, then try again.").format(path=target, pid=pid)
    return _("The database {path} is in use by another process, probably a running dashboard: stop it, or "
             "import through the dashboard's Upload page, then try again.").format(path=target)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'schema_meta'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = con.execute("select value from schema_meta where key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def ensure_schema(con: duckdb.DuckDBPyConnection,
                  on_upgrade: Callable[[int, int], None] | None = None) -> None:
    """Create the schema on first open; apply pending migrations in one transaction, after
    telling ``on_upgrade(old, new)`` when the file has a schema already."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise DatabaseFileError(_(
            "The database has schema version {version}, newer than this program's {ours}: upgrade the program "
            "(nothing was changed).").format(version=current, ours=SCHEMA_VERSION))
    if current == SCHEMA_VERSION:
        return
    if current and on_upgrade is not None:
        on_upgrade(current, SCHEMA_VERSION)
    con.execute("begin transaction")
    try:
        for migration in MIGRATIONS[current:]:
            con.execute(migration)
        con.execute(
            "insert or replace into schema_meta values ('schema_version', $v)",
            {"v": str(SCHEMA_VERSION)},
        )
        con.execute("insert or ignore into schema_meta values ('data_version', '0')")
        for key, value in DEFAULT_SETTINGS.items():
            con.execute("insert or ignore into settings values ($k, $v)", {"k": key, "v": value})
        if con.execute("select count(*) from stages").fetchone()[0] == 0:
            set_stages(con, DEFAULT_STAGES)
        upkeep.after_upgrade(con, current)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def last_import(con):
    """(finished_at, file_name) of the latest finished import, or None."""
    return con.execute(
        "select finished_at, file_name from imports where status = 'done' "
        "order by finished_at desc limit 1"
    ).fetchone()
