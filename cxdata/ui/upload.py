"""What the Upload and Imports pages share: the uploaded bytes as a file, the cached preview, the
mapping choices as overrides, the gated write paths (import, undo) and tables for the summary.

Every write goes through ``run_import`` / ``run_undo``, which ask ``auth.require_write()`` first.
"""

from __future__ import annotations

import atexit
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from cxdata import db, i18n, ingest, upkeep
from cxdata.i18n import N_, _
from cxdata.ingest import mapping as ingest_mapping

from . import auth, state
from .text import plain
from .upload_text import NOT_MAPPED, OPTIONS_HELP, fix_label

# Excel files are accepted by the uploader on purpose: the library then says how to save them as
# CSV, which reads better than the browser's bare "file type not allowed".
ACCEPTED_TYPES = ["csv", "tsv", "txt", "xlsx", "xls"]
_UPLOADS = "cx_upload_files"  # session state: file_id -> temporary path
LOG = logging.getLogger("cxdata.ui.upload")  # the server log: failed writes are said there too


def max_upload_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


STALE_SECONDS = 6 * 3600  # an upload file older than this belongs to no live page any more
_written: set[str] = set()  # every upload file this process wrote, deleted when it exits


def sweep_stale(now: float | None = None) -> int:
    """Delete upload files (``cx_upload_*`` in the temp folder) older than ``STALE_SECONDS``: left
    by sessions that ended, or by a process that was killed; the number deleted."""
    now = time.time() if now is None else now
    gone = 0
    for path in Path(tempfile.gettempdir()).glob("cx_upload_*"):
        try:
            if path.is_file() and now - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()
                gone += 1
        except OSError:
            continue  # another process removed it first
    return gone


@atexit.register
def _delete_written() -> None:
    for name in _written:
        Path(name).unlink(missing_ok=True)


def stored_upload(uploaded) -> Path:
    """The uploaded bytes in a temporary file that keeps the original suffix (the reader looks at
    it), written once per upload; older uploads of this session are deleted, and so are upload
    files nobody touched for ``STALE_SECONDS`` and, when the server stops, every file it wrote."""
    sweep_stale()
    files: dict[str, str] = st.session_state.setdefault(_UPLOADS, {})
    key = getattr(uploaded, "file_id", None) or f"{uploaded.name}:{uploaded.size}"
    path = files.get(key)
    if path and os.path.exists(path):
        return Path(path)
    for old in list(files.values()):
        Path(old).unlink(missing_ok=True)
    files.clear()
    suffix = Path(uploaded.name).suffix.lower()[:10]
    with tempfile.NamedTemporaryFile(prefix="cx_upload_", suffix=suffix, delete=False) as tmp:
        tmp.write(uploaded.getbuffer())
    files[key] = tmp.name
    _written.add(tmp.name)
    return Path(tmp.name)


@st.cache_data(show_spinner=False, max_entries=16)
def _preview(_con, path: str, file_name: str, kind: str, mapping: dict, date_format: str,
             mapping_name: str, version: int, lang: str) -> ingest.Preview:
    with i18n.using(lang):  # its sentences are in the page's language: ``lang`` keys the cache
        return ingest.preview_file(
            path, kind=None if kind == "auto" else kind, mapping=mapping or None,
            date_format=None if date_format == "auto" else date_format, file_name=file_name,
            con=_con, mapping_name=mapping_name or None)


def preview(con, path: str, file_name: str, kind: str, mapping: dict, date_format: str,
            mapping_name: str, version: int, lang: str = "en") -> ingest.Preview:
    """``preview_file`` with the page's choices ('auto' and '' mean the library decides), cached.
    ``version`` keys the cache on the data version (saved mappings, CES direction)."""
    with st.spinner(_("Reading the file…")):
        return _preview(con, path, file_name, kind, mapping, date_format, mapping_name, version, lang)


def options_key(file_key: str) -> str:
    return f"upload_options_{file_key}"


def applied_options(file_key: str) -> dict[str, str]:
    """The options the analyst applied to this file on the page (value maps, constants, scales,
    kept columns, accepted rejects, unmapped guesses): the overrides of every preview and the import."""
    return dict(st.session_state.get(options_key(file_key), {}))


def parse_options(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines (the split is at the last ``=``: labels may hold one); raises
    ``IngestError`` naming the line that has none."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, eq, value = line.rpartition("=")
        if not eq or not key.strip():
            raise ingest.IngestError(_("options, line {number}: {line} is not KEY=VALUE.").format(
                number=number, line=repr(line)))
        out[key.strip()] = value.strip()
    return out


def options_text(options: dict[str, str]) -> str:
    return "\n".join(f"{k}={v}" for k, v in options.items())


NO_ANSWER = {"none", "nessuno", "nessuna"}  # what a fix input takes for "no answer", in either language


def _stopped(file_name: str) -> str:
    if file_name:
        return _("The import of {file} would stop here, before writing anything:").format(file=plain(file_name))
    return _("The import would stop here, before writing anything:")


def show_problem(exc: ingest.IngestError, file_key: str, file_name: str = "") -> None:
    """A file the import would stop on: the problems, and an input per fix the library suggests
    (the analyst's answers, never a guess), applied to the next preview with one button."""
    problems = getattr(exc, "problems", None) or [str(exc)]
    st.error(_stopped(file_name) + "\n\n" + "\n".join(f"- {plain(p)}" for p in problems))
    fixes: dict[str, str] = getattr(exc, "fixes", {}) or {}
    current = applied_options(file_key)
    answers: dict[str, str] = {}
    if fixes:
        st.subheader(_("Fix it here"))
        for i, (key, example) in enumerate(fixes.items()):
            answers[key] = st.text_input(fix_label(key), value=current.get(key, example),
                                         key=f"upload_fix_{file_key}_{i}",
                                         help=_("Option `{key}`").format(key=key))
    more = st.text_area(_("Other options"), value=options_text({k: v for k, v in current.items() if k not in fixes}),
                        key=f"upload_more_{file_key}", help=_(OPTIONS_HELP))
    if st.button(_("Apply and check again"), type="primary", key=f"upload_apply_{file_key}",
                 icon=":material/build:"):
        try:
            chosen = parse_options(more)
        except ingest.IngestError as bad:
            st.error(plain(bad))
            return
        # an unanswered label stays out (the problem stays): "no answer" is the analyst's to say
        chosen |= {k: ("" if v.strip().lower() in NO_ANSWER else v.strip()) for k, v in answers.items()
                   if v.strip() or ".value:" not in k}
        st.session_state[options_key(file_key)] = chosen
        st.rerun()


def fields(kind: str) -> tuple[str, ...]:
    return ingest_mapping.FIELDS[kind]


def overrides(automatic: dict[str, str], chosen: dict[str, str]) -> dict[str, str]:
    """The fields whose choice differs from the automatic mapping ('' = leave unmapped)."""
    return {f: c for f, c in chosen.items() if automatic.get(f, NOT_MAPPED) != c}


def doubled(chosen: dict[str, str]) -> dict[str, list[str]]:
    """Columns chosen for more than one field (a column feeds one field)."""
    by_col: dict[str, list[str]] = {}
    for f, c in chosen.items():
        if c:
            by_col.setdefault(c, []).append(f)
    return {c: fs for c, fs in by_col.items() if len(fs) > 1}


def rejects_frame(rejects) -> pd.DataFrame:
    """Rejects (library ``Reject`` objects or a frame) as a table: line, column, value, reason."""
    if isinstance(rejects, pd.DataFrame):
        return rejects.reset_index(drop=True)
    return pd.DataFrame([{"line": r.line, "column": r.column, "value": r.value, "reason": r.reason}
                         for r in rejects], columns=["line", "column", "value", "reason"])


def _attributes_text(m) -> str:
    if isinstance(m, dict):
        pairs = m.items()
    elif isinstance(m, list | tuple):
        pairs = m
    else:
        return ""
    return "; ".join(f"{k}={v}" for k, v in pairs if v is not None)


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The preview rows for ``st.dataframe``: the attributes map as text, empty columns dropped."""
    out = frame.copy()
    if "attributes" in out.columns:
        out["attributes"] = out["attributes"].map(_attributes_text)
    keep = [c for c in out.columns if out[c].notna().any() and not (out[c].astype(str) == "").all()]
    return out[keep]


WRITE_CONFLICT = N_("Another import or undo is writing to the database right now; wait for it to "
                  "finish, then press the button again.")


def run_import(con, path: str | Path, *, file_name: str, kind: str, mapping: dict,
               mapping_name: str, save_as: str, date_format: str, source: str = "",
               replace: bool = False,
               progress: Callable[[float, str], None] | None = None) -> ingest.ImportResult:
    """The page's import: refused (``auth.NotAllowed``) unless this session may write, checked
    now; then one ``import_file`` transaction recorded under this session's identity (``replace``:
    the earlier import of the same file is undone in the same transaction)."""
    auth.require_write()
    return ingest.import_file(
        con, str(path), kind=None if kind == "auto" else kind, mapping=mapping or None,
        mapping_name=mapping_name or None, save_mapping_as=(save_as or "").strip() or None,
        date_format=None if date_format == "auto" else date_format,
        imported_by=auth.identity(), file_name=file_name, progress=progress,
        source=(source or "").strip() or None, replace=replace)


def import_with_alerts(con, path: str | Path, **kwargs) -> tuple[ingest.ImportResult, list[dict]]:
    """``run_import``, and the alerts that fire after it and did not before (``insight.alerts``:
    the import summary lists them, each linking to the view that shows it)."""
    from cxdata.insight import alerts

    before = alerts.evaluate(con)["alerts"]
    result = run_import(con, path, **kwargs)
    return result, alerts.after_import(con, before)


def run_set_stages(con, text: str) -> list[str]:
    """The page's funnel order (stages separated by commas or arrows): refused unless this session
    may write; the journeys are recomputed in the same transaction."""
    auth.require_write()
    try:
        pieces = text.replace("->", ",").replace("→", ",").split(",")
        return upkeep.change_stages(con, [p for p in pieces if p.strip()])
    except ValueError as exc:
        raise ingest.IngestError(str(exc)) from None


def run_undo(con, import_id: int) -> int:
    """The page's undo: refused unless this session may write; rows removed."""
    auth.require_write()
    return ingest.undo_import(con, int(import_id))


def is_write_conflict(exc: BaseException) -> bool:
    """Another write got there first (DuckDB's write-write conflict), and nothing else: an
    aborted transaction after a full disk is a TransactionException too."""
    return isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()


DISK_FULL = N_("The disk holding the database is full: the import or undo was rolled back and nothing was "
             "written. Free some space (or move the database, CX_DB), then press the button again.")


OUT_OF_MEMORY = N_("The database ran out of memory (the dashboard gives DuckDB {limit}): nothing was changed. "
                 "Start the dashboard with a larger CX_MEMORY_LIMIT, or, with the dashboard stopped, run it "
                 "from the command line with more (`python -m cxdata import FILE --memory-limit 4GB`, or "
                 "`undo ID`); a big file can also be imported in parts.")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and db.DISK_FULL in str(exc)


def attempt(write: Callable[[], object]):
    """Run one write of a page (``run_import``, ``run_undo``); when it is refused (no right to
    write, a file or request the library rejects, another write in progress) show why in one
    ``st.error`` and return None. Anything else is a bug and propagates."""
    try:
        return write()
    except auth.NotAllowed as exc:
        st.error(str(exc))
    except ingest.IngestError as exc:
        st.error(plain(exc))
    except duckdb.OutOfMemoryException:
        LOG.error("a write ran out of memory and was rolled back")
        st.error(_(OUT_OF_MEMORY).format(limit=os.environ.get("CX_MEMORY_LIMIT", state.DEFAULT_MEMORY_LIMIT)))
    except Exception as exc:
        if is_disk_full(exc):
            LOG.error("a write failed, disk full, rolled back: %s", str(exc).splitlines()[0][:300])
            st.error(_(DISK_FULL))
            return None
        if not is_write_conflict(exc):
            raise
        st.error(_(WRITE_CONFLICT))
    return None

