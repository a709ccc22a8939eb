"""The data part of a file, the records after its header rows, as Arrow's CSV reader wants it:
UTF-8 with ``\\n`` line breaks. A UTF-8 file without carriage returns is read where it lies, from
the first byte after the header; any other (a BOM, UTF-16, Windows-1252, ``\\r\\n``) is transcoded
block by block into a temporary file, deleted when the part is closed. Either way the file is never
held whole in memory."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from typing import IO, BinaryIO

import pyarrow as pa

from .source import BLOCK, Source, text_blocks


@dataclass
class DataPart:
    """Where the data records are, and what one pass over them found."""

    source: Source | None  # the file itself (its ``path`` or ``data``) from ``offset``...
    offset: int = 0
    temp: IO[bytes] | None = None  # ... or this transcoded copy
    line_breaks: int = 0
    ends_with_break: bool = False
    quoted: bool = False  # a '"' anywhere: records may span lines
    blank: bool = True  # nothing but white space
    _open: list = field(default_factory=list)

    def binary(self) -> BinaryIO:
        """A new binary stream at the first byte of the data."""
        if self.temp is not None:
            f = open(self.temp.name, "rb")  # noqa: SIM115 - closed with the part
        else:
            f = self.source.open()  # type: ignore[union-attr]
            f.seek(self.offset)
        self._open.append(f)
        return f

    def arrow(self):
        """The data for ``pyarrow.csv.read_csv``: a buffer slice of bytes, or a file read in blocks
        (the caller closes it)."""
        if self.temp is None and self.source is not None and self.source.data is not None:
            return pa.BufferReader(pa.py_buffer(self.source.data).slice(self.offset))
        f = pa.OSFile(self.temp.name if self.temp is not None else str(self.source.path))  # type: ignore[union-attr]
        f.seek(0 if self.temp is not None else self.offset)
        return f

    @property
    def records_lines(self) -> int:
        """Physical lines of the data part (a last line without a break counts)."""
        return self.line_breaks + (0 if self.ends_with_break else 1)

    def close(self) -> None:
        for f in self._open:
            f.close()
        self._open.clear()
        if self.temp is not None:
            self.temp.close()

    def __enter__(self) -> DataPart:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def data_part(src: Source, header_text: str) -> DataPart:
    """The records of ``src`` after ``header_text`` (its header lines, decoded, ``\\n`` breaks)."""
    if src.as_is:
        part = DataPart(src, offset=len(header_text.encode("utf-8")))
        with part.binary() as f:
            _count(part, iter(lambda: f.read(BLOCK), b""))
        return part
    temp = tempfile.NamedTemporaryFile(prefix="cx_import_", suffix=".csv")  # noqa: SIM115 - the part closes it
    part = DataPart(None, temp=temp)
    try:
        _count(part, _transcoded(src, len(header_text), temp))
        temp.flush()
    except BaseException:
        temp.close()
        raise
    return part


def _transcoded(src: Source, skip: int, out: IO[bytes]):
    """The UTF-8 blocks of the text after its first ``skip`` characters, each written to ``out``."""
    for text in text_blocks(src):
        if skip >= len(text):
            skip -= len(text)
            continue
        block = text[skip:].encode("utf-8")
        skip = 0
        out.write(block)
        yield block


def _count(part: DataPart, blocks) -> None:
    last = b""
    for block in blocks:
        if not block:
            continue
        part.line_breaks += block.count(b"\n")
        part.quoted = part.quoted or b'"' in block
        part.blank = part.blank and block.isspace()
        last = block[-1:]
    part.ends_with_break = last == b"\n"


def record_text(part: DataPart) -> io.TextIOWrapper:
    """The data part as text for the ``csv`` module (line breaks kept as they are)."""
    return io.TextIOWrapper(part.binary(), encoding="utf-8", newline="")
