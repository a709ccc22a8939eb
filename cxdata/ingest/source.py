"""The file an import reads, never held whole in memory.

1. Before a byte is read: a device, a pipe or a folder is refused, and so is a file larger than the
   import can hold under the memory limit (``max_import_bytes``).
2. One pass in blocks of 16 MB: the content's sha256, whether it is blank, and its encoding (a BOM
   decides, else UTF-16 without BOM is recognised by its NUL bytes, else UTF-8 if every block
   decodes, else Windows-1252, else Latin-1).
3. ``text_blocks``: the decoded text in blocks, line breaks as ``\\n``, for the header rows and for
   a file that must be transcoded before Arrow reads it (see ``data_part``).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import i18n
from ..i18n import _
from .model import IngestError

BLOCK = 1 << 24
HEAD = 4096
ENCODINGS = {"UTF-8": "utf-8", "UTF-8 with BOM": "utf-8-sig", "UTF-16": "utf-16",
             "UTF-16-LE": "utf-16-le", "UTF-16-BE": "utf-16-be", "Windows-1252": "cp1252",
             "Latin-1": "latin-1"}
_CP1252_HOLES = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")  # bytes Windows-1252 leaves undefined

# Measured (bench/import_memory.py): while a file is read and checked, the import holds up to
# about BYTES_PER_FILE_BYTE bytes per byte of the file (Arrow's columns) plus BYTES_PER_ROW per
# row (the typed values, one per field, and the rows handed to DuckDB); the write that follows
# runs within DuckDB's memory limit. A file whose estimate is over the limit is refused: by its
# size before a byte is read, by its size and rows after the one pass that fingerprints it.
BYTES_PER_FILE_BYTE = 3
BYTES_PER_ROW = 300
DEFAULT_MEMORY_LIMIT = 1_000_000_000  # when neither a connection nor CX_MEMORY_LIMIT says
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B|bytes)\s*$", re.IGNORECASE)
_UNITS = {"b": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def size_bytes(text: str) -> int | None:
    """Bytes of a size written like DuckDB's settings ('1GB', '953.6 MiB'); None if it is not one."""
    found = _SIZE.match(text or "")
    if not found:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2).lower()])


def memory_cap(con=None) -> int:
    """The memory limit the import works under: the connection's DuckDB ``memory_limit``, else
    ``CX_MEMORY_LIMIT``, else a quarter of the machine's memory (as the command line's default)."""
    if con is not None:
        try:
            found = size_bytes(con.execute("select current_setting('memory_limit')").fetchall()[0][0])
        except Exception:  # noqa: BLE001 - a closed or foreign connection: fall back to the settings
            found = None
        if found:
            return found
    found = size_bytes(os.environ.get("CX_MEMORY_LIMIT", ""))
    if found:
        return found
    from ..db import default_memory_limit  # db imports upkeep, which imports this package

    return size_bytes(default_memory_limit() or "") or DEFAULT_MEMORY_LIMIT


def max_import_bytes(cap: int | None = None) -> int:
    """The largest file an import reads: ``CX_MAX_IMPORT_MB`` when set, else the memory limit
    ``cap`` (default ``memory_cap()``) divided by ``BYTES_PER_FILE_BYTE``. A file under it with
    many rows for its size may still be refused after its one pass (``check_rows``)."""
    raw = os.environ.get("CX_MAX_IMPORT_MB", "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw) * 1_000_000
    return (cap or memory_cap()) // BYTES_PER_FILE_BYTE


def needed_memory(size: int, rows: int) -> int:
    """Bytes the import holds at most while it reads and checks a file of ``size`` bytes and
    ``rows`` lines (the write then works within DuckDB's memory limit)."""
    return BYTES_PER_FILE_BYTE * size + BYTES_PER_ROW * rows


def _explicit_limit() -> bool:
    return os.environ.get("CX_MAX_IMPORT_MB", "").strip().isdigit()


def too_large(name: str, size: int, limit: int, rows: int | None = None) -> str:
    """The sentence for a file over the import's limit: its size (and rows), the limit, the way
    out: a larger memory limit, by how much, or the export split in parts."""
    if _explicit_limit():
        return _("{file} is {size} MB, over the {limit} MB an import reads at once (CX_MAX_IMPORT_MB): split "
                 "the export by month and import the parts, or raise the limit if the machine has the "
                 "memory.").format(file=name, size=i18n.number(size / 1e6), limit=i18n.number(limit / 1e6))
    need = needed_memory(size, rows or 0)
    cap = limit * BYTES_PER_FILE_BYTE if rows is None else limit
    what = (_("{size} MB in {rows} lines").format(size=i18n.number(size / 1e6), rows=i18n.count(rows))
            if rows is not None else i18n.number(size / 1e6) + " MB")
    return _("{file} is {what}, more than an import can read within a memory limit of {cap} GB (it holds "
             "about {need} GB while reading this file): split the export by month and import the parts, or "
             "run the import with --memory-limit {suggested} or more (CX_MEMORY_LIMIT for the dashboard) if "
             "the machine has the memory.").format(file=name, what=what, cap=i18n.number(cap / 1e9, 2),
                                                   need=i18n.number(need / 1e9, 2), suggested=_gb_up(need))


def _gb_up(size: int) -> str:
    """A size for --memory-limit at least ``size``: '1.3GB'."""
    return f"{-(-size // 100_000_000) / 10:.1f}GB"


def check_rows(src: Source, cap: int) -> None:
    """Refuse a file whose rows would take more than ``cap`` to read and check (many short rows
    cost more than their bytes say); a file under ``CX_MAX_IMPORT_MB`` is taken as the user set."""
    if not _explicit_limit() and needed_memory(src.size, src.lines) > cap:
        raise IngestError(too_large(src.name, src.size, cap, src.lines))


@dataclass
class Source:
    """A file (or an upload's bytes) checked for import, with its fingerprint and encoding."""

    name: str
    size: int
    path: Path | None = None
    data: bytes | None = None  # an upload's bytes, which its caller holds anyway
    sha256: str = ""
    encoding: str = ""  # a key of ENCODINGS
    has_cr: bool = False
    blank: bool = True  # empty, or nothing but white space
    lines: int = 0  # line breaks (\n, or \r alone when there is no \n)

    def open(self) -> BinaryIO:
        """A new binary stream over the content (a BytesIO of bytes shares them, no copy)."""
        return io.BytesIO(self.data) if self.data is not None else self.path.open("rb")  # type: ignore[union-attr]

    @property
    def as_is(self) -> bool:
        """UTF-8 with no carriage return: Arrow reads the file itself (most exports)."""
        return self.encoding == "UTF-8" and not self.has_cr


def open_source(path: str | Path | bytes | bytearray, file_name: str | None = None,
                cap: int | None = None) -> Source:
    """The file checked (regular, not an Excel file, within what the memory limit ``cap``,
    default ``memory_cap()``, lets an import read: ``max_import_bytes`` before a byte is read,
    ``check_rows`` after the one pass) and scanned once; ``IngestError`` when it cannot be
    imported at all."""
    cap = cap or memory_cap()
    limit = max_import_bytes(cap)
    if isinstance(path, bytes | bytearray):
        src = Source(file_name or "upload.csv", len(path), data=bytes(path))
    else:
        src = _file(Path(path), file_name)
    if src.size > limit:
        raise IngestError(too_large(src.name, src.size, limit))
    try:
        _scan(src)
    except OSError as exc:
        raise IngestError(cannot_open(src.name, exc)) from exc
    check_rows(src, cap)
    return src


def _file(p: Path, file_name: str | None) -> Source:
    name = file_name or p.name
    try:
        info = p.stat()
    except FileNotFoundError as exc:
        raise IngestError(_("{file}: no such file. Check the path and retry.").format(file=name)) from exc
    except OSError as exc:
        raise IngestError(cannot_open(name, exc)) from exc
    if not stat.S_ISREG(info.st_mode):  # /dev/zero, a pipe, a directory: no end, or no file
        raise IngestError(_("{file} is not a regular file (a device, pipe or folder): save the export "
                            "as a file and import that.").format(file=name))
    return Source(name, info.st_size, path=p)


def cannot_open(name: str, exc: OSError) -> str:
    return _("{file} cannot be opened ({why}). Check the path and retry.").format(file=name, why=exc.strerror)


def encoding_of_head(head: bytes, name: str) -> str | None:
    """The encoding the first bytes decide (a BOM, or UTF-16's NUL bytes), else None; raises
    ``IngestError`` for binary data and for an Excel or zip file."""
    # an .xlsx (a zip) or an old .xls (an OLE2 compound file)
    if head[:4] == b"PK\x03\x04" or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError(_("{file} looks like an Excel or zip file, not CSV: in Excel use File > Save As > "
                            "CSV UTF-8, then upload the .csv file.").format(file=name))
    if head.startswith(codecs.BOM_UTF8):
        return "UTF-8 with BOM"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    if head and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: ASCII text has a NUL in every other byte.
        even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
        return "UTF-16-LE" if odd > even else "UTF-16-BE"
    if b"\x00" in head:
        raise IngestError(_("{file} is not a text (CSV) file: it contains binary data. Export the data as "
                            "CSV and upload that file.").format(file=name))
    return None


def _scan(src: Source) -> None:
    """One pass over the content: sha256, blank or not, carriage returns, lines, encoding."""
    sha = hashlib.sha256()
    guess = _EncodingGuess()
    with src.open() as f:
        block = f.read(BLOCK)
        src.encoding = encoding_of_head(block[:HEAD], src.name) or ""
        while block:
            sha.update(block)
            src.has_cr = src.has_cr or b"\r" in block
            src.lines += block.count(b"\n")
            src.blank = src.blank and block.isspace()
            if not src.encoding:
                guess.feed(block)
            block = f.read(BLOCK)
    src.sha256 = sha.hexdigest()
    if not src.lines and src.has_cr:  # old Mac line breaks: count those
        with src.open() as f:
            src.lines = sum(b.count(b"\r") for b in iter(lambda: f.read(BLOCK), b""))
    src.encoding = src.encoding or guess.result()


class _EncodingGuess:
    """UTF-8 if every block decodes, else Windows-1252 unless a byte it leaves undefined occurs,
    else Latin-1 (which decodes anything)."""

    def __init__(self) -> None:
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.is_utf8 = True
        self.cp1252 = True

    def feed(self, block: bytes) -> None:
        self.is_utf8 = self.is_utf8 and _decodes(self.utf8, block)
        self.cp1252 = self.cp1252 and not any(h in block for h in _CP1252_HOLES)

    def result(self) -> str:
        if self.is_utf8 and _decodes(self.utf8, b"", final=True):
            return "UTF-8"
        return "Windows-1252" if self.cp1252 else "Latin-1"


def _decodes(decoder, block: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(block, final)
    except UnicodeDecodeError:
        return False
    return True


def text_blocks(src: Source) -> Iterator[str]:
    """The content decoded, in blocks, every line break (``\\r\\n``, ``\\r``) as ``\\n``;
    ``IngestError`` at the first byte that is not valid in the file's encoding."""
    decoder = codecs.getincrementaldecoder(ENCODINGS[src.encoding])()
    newlines = io.IncrementalNewlineDecoder(None, translate=True)
    done = 0
    with src.open() as f:
        while True:
            block = f.read(BLOCK)
            try:
                text = decoder.decode(block, not block)
            except UnicodeDecodeError as exc:
                raise IngestError(_("{file} says it is {encoding} but byte {byte} is not valid {encoding}: "
                                    "save it again as UTF-8 CSV and retry.").format(
                    file=src.name, encoding=src.encoding, byte=done + exc.start)) from exc
            text = newlines.decode(text, not block)
            done += len(block)
            if text:
                yield text
            if not block:
                return
