"""Reading an export as it comes: encoding, delimiter, the survey tools' header rows, line numbers.

The file is never held whole (``source``): one pass fingerprints it and finds its encoding (a BOM
decides, else UTF-16 without BOM is recognised by its NUL bytes, else UTF-8 if it decodes, else
Windows-1252). The header rows are decoded and read with the ``csv`` module (Qualtrics' 3 rows,
its legacy export's 2 with the question texts in the second, SurveyMonkey's 2); the data rows, the
bulk of the file, by Arrow's CSV reader with every column as text, from the file itself or from a
UTF-8 copy transcoded block by block (``data_part``), so a million rows take a second, not a minute.

Every data record keeps the 1-based line number where it starts in the source file, header lines
counted, so a reject can point at the line an analyst sees in a text editor.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import i18n
from ..i18n import _
from .data_part import data_part
from .data_rows import read_data
from .header_rows import detect_header, header_names, qualtrics_timezones
from .model import IngestError
from .source import (
    ENCODINGS,
    HEAD,
    Source,
    encoding_of_head,
    max_import_bytes,
    memory_cap,
    open_source,
    text_blocks,
)

__all__ = ["MAX_COLUMNS", "RawTable", "Source", "decode", "max_import_bytes", "memory_cap",
           "open_source", "read_raw", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SNIFF_LINES = 50
# Mapping, staging and the attributes map take about a millisecond per column: a file of
# 100,000 columns would hold an import (and a dashboard thread) for many minutes. Real exports
# stay far below this; anything wider is refused at once.
MAX_COLUMNS = 5_000
# The csv module refuses fields over 128 KB by default, a process-wide limit; a 1 MB comment is
# a valid export (Arrow reads it), so the sniffing and header reads here must accept it too.
if csv.field_size_limit() < 1 << 30:
    csv.field_size_limit(1 << 30)
@dataclass
class RawTable:
    """The data rows of a file as text, one column per source column, before any mapping."""

    file_name: str
    encoding: str
    delimiter: str
    header_style: str  # 'plain', 'qualtrics', 'qualtrics-legacy' or 'surveymonkey'
    header_lines: int  # physical lines before the first data record
    columns: list[str]  # unique column names
    labels: dict[str, str]  # column -> question text from an extra header row (Qualtrics, SurveyMonkey)
    frame: pd.DataFrame  # str columns, missing values as NA, whitespace trimmed
    lines: np.ndarray  # line number of each row of ``frame``
    bad_rows: list[tuple[int, int, str]] = field(default_factory=list)  # (line, fields found, text)
    blank_lines: int = 0
    content_hash: str = ""
    timezones: dict[str, str] = field(default_factory=dict)  # column -> IANA zone (Qualtrics)
    notes: list[str] = field(default_factory=list)

    @property
    def expected_fields(self) -> int:
        return len(self.columns)


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """(text, encoding name) of ``raw``, decided as an import decides (``source``); raises
    ``IngestError`` for a file that is not text."""
    label = encoding_of_head(raw[:HEAD], name)
    if label:
        return _decode(raw[3:] if label == "UTF-8 with BOM" else raw, ENCODINGS[label].replace("-sig", ""),
                       label, name)
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "Latin-1"


def _decode(raw: bytes, codec: str, label: str, name: str) -> tuple[str, str]:
    try:
        return raw.decode(codec), label
    except UnicodeDecodeError as exc:
        raise IngestError(not_valid(name, label, exc.start)) from exc


def not_valid(name: str, label: str, byte: int) -> str:
    """The sentence for a file whose bytes are not in the encoding it states."""
    return _("{file} says it is {encoding} but byte {byte} is not valid {encoding}: save it again as UTF-8 CSV "
             "and retry.").format(file=name, encoding=label, byte=byte)


def sniff_delimiter(lines: list[str]) -> str:
    """The candidate delimiter that splits the first lines into the most, and most regular, fields."""
    best, best_score = ",", (-1.0, 0)
    for delim in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delim) if r]
        if not counts:
            continue
        values, freq = np.unique(counts, return_counts=True)
        mode = int(values[np.argmax(freq)])
        if mode < 2:
            continue
        share = float(freq.max()) / len(counts)
        score = (share, mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _split_lines(text: str, limit: int) -> list[str]:
    out = []
    start = 0
    for _line in range(limit):
        end = text.find("\n", start)
        if end < 0:
            if start < len(text):
                out.append(text[start:])
            break
        out.append(text[start:end + 1])
        start = end + 1
    return out


def _header_records(lines: list[str], delim: str, count: int) -> tuple[list[list[str]], list[int]]:
    """The first ``count`` non-blank CSV records and, for each, the number of lines consumed so far."""
    reader = csv.reader(lines, delimiter=delim)
    records, ends = [], []
    for rec in reader:
        if not records and not any(c.strip() for c in rec):
            continue  # blank lines before the header
        records.append(rec)
        ends.append(reader.line_num)
        if len(records) == count:
            break
    return records, ends


def read_raw(path: str | Path | bytes | Source, *, file_name: str | None = None,
             content_hash: str | None = None) -> RawTable:
    """Read a CSV export into a ``RawTable``; ``IngestError`` when it cannot be read at all.
    ``path``: a file, an upload's bytes, or a ``Source`` opened already (``open_source``)."""
    src = path if isinstance(path, Source) else open_source(path, file_name)
    name = src.name
    if src.size == 0 or src.blank:
        raise IngestError(_("{file} is empty: there is no header and no data. Export the data again.").format(file=name))
    head = _head_lines(src)
    delim = sniff_delimiter(head)
    records, ends = _header_records(head, delim, 3)
    if not records:
        raise IngestError(_("{file} is empty: there is no header and no data. Export the data again.").format(file=name))
    style, n_header = detect_header(records)
    columns, labels = header_names(style, records[:n_header])
    header_lines = ends[n_header - 1]
    if len(columns) > MAX_COLUMNS:
        raise IngestError(_("{file} has {n} columns, more than the {limit} an import takes: export only the "
                            "questions and fields you need, then retry.").format(
            file=name, n=i18n.count(len(columns)), limit=i18n.count(MAX_COLUMNS)))
    if len(columns) < 2:
        raise IngestError(_("{file}: found only one column ({column}). Save it as CSV with a comma, semicolon, "
                            "tab or | between the columns, with a header row.").format(file=name, column=repr(columns[0])))

    # The data part, from the first line after the header, goes to Arrow as UTF-8.
    with data_part(src, "".join(head[:header_lines])) as part:
        frame, lines, bad, blank = read_data(part, columns, delim, header_lines, name)
    notes = []
    timezones = qualtrics_timezones(columns, records[2]) if style == "qualtrics" else {}
    if style != "plain":
        shown = {"qualtrics-legacy": "Qualtrics legacy"}.get(style, style.capitalize())
        notes.append(_("{tool} export: {n} header rows read as one.").format(tool=shown, n=n_header))
    return RawTable(name, src.encoding, delim, style, header_lines, columns, labels, frame, lines, bad,
                    blank, content_hash or src.sha256, timezones, notes)


def _head_lines(src: Source) -> list[str]:
    """The first ``SNIFF_LINES`` lines of the decoded text (each with its ``\n``), decoding only
    the blocks they are in."""
    text = ""
    for block in text_blocks(src):
        text += block
        if text.count("\n") >= SNIFF_LINES:
            break
    return _split_lines(text, SNIFF_LINES)
