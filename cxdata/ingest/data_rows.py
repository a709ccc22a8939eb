"""The data records of a file, the bulk of it, through Arrow's CSV reader with every column as
text: whitespace trimmed, blank cells missing, blank lines dropped, each record with the line
where it starts in the source file and each record the reader could not split set apart."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..i18n import _
from .data_part import DataPart, record_text
from .model import IngestError


def read_data(part: DataPart, columns: list[str], delim: str, header_lines: int,
              name: str) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, int, str]], int]:
    """(rows, their lines, (line, fields found, text) of each bad record, blank lines dropped)."""
    if part.blank:
        empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
        return empty, np.zeros(0, dtype=np.int64), [], 0
    try:
        table, bad = _parse(part, columns, delim, threads=True)
        if bad:  # record numbers are only known to a single-threaded reader
            del table
            table, bad = _parse(part, columns, delim, threads=False)
    except pa.ArrowInvalid as exc:
        raise IngestError(_("{file} cannot be read as CSV ({why}). Check that it is a CSV export with one "
                            "header row per column and quotes around values that contain the "
                            "delimiter.").format(file=name, why=exc)) from exc
    to_line = _line_of_record(part, delim, table.num_rows + len(bad), header_lines)
    bad_numbers = np.array(sorted(b[0] for b in bad), dtype=np.int64)
    record_no = np.setdiff1d(np.arange(1, table.num_rows + len(bad) + 1, dtype=np.int64),
                             bad_numbers, assume_unique=True)
    lines = to_line(record_no)
    bad_rows = [(int(to_line(np.array([num]))[0]), n, text) for num, n, text in sorted(bad)]

    # Rows with every field empty are blank lines: not rows, not counted.
    nonblank = np.zeros(table.num_rows, dtype=bool)
    for c in columns:
        nonblank |= table.column(c).is_valid().to_numpy(zero_copy_only=False)
    blank = int((~nonblank).sum())
    frame = table.to_pandas()
    del table
    pa.default_memory_pool().release_unused()  # what the parse and the trim freed goes back now
    if blank:
        frame = frame[nonblank].reset_index(drop=True)
        lines = lines[nonblank]
    return frame, lines, bad_rows, blank


def _parse(part: DataPart, columns: list[str], delim: str, threads: bool):
    """Every record as text, whitespace trimmed and blank cells missing; the records the reader
    could not split as (record number, fields found, text). Each parsed column is dropped as soon
    as its trimmed copy exists, so the two are never held whole at once."""
    bad: list[tuple[int | None, int, str]] = []

    def handler(row):
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    with part.arrow() as data:
        table = _read_csv(data, columns, delim, part.quoted, threads, handler)
    trimmed = []
    for c in columns:
        col = pc.utf8_trim_whitespace(table.column(c))
        trimmed.append(pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col))
        table = table.drop_columns([c])
    return pa.table(trimmed, names=columns), bad


def _read_csv(data, columns: list[str], delim: str, quoted: bool, threads: bool, handler) -> pa.Table:
    return pacsv.read_csv(
        data,
        read_options=pacsv.ReadOptions(column_names=columns, use_threads=threads,
                                       block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=quoted,
                                         ignore_empty_lines=False, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                             strings_can_be_null=True, null_values=[""],
                                             quoted_strings_can_be_null=True),
    )


def _line_of_record(part: DataPart, delim: str, n_records: int, header_lines: int):
    """The function from 1-based record numbers to the source lines where they start."""
    # Records that span lines exist only if there are fewer line breaks than records.
    if part.quoted and part.records_lines != n_records:
        with record_text(part) as text:
            starts = _record_start_lines(text, delim)
        return lambda nums: starts[nums - 1] + header_lines
    return lambda nums: nums + header_lines


def _record_start_lines(text, delim: str) -> np.ndarray:
    """1-based line (relative to ``text``, an iterable of lines) where each CSV record starts;
    the slow path for files with line breaks inside quoted values."""
    reader = csv.reader(text, delimiter=delim)
    starts, prev = [], 0
    for _record in reader:
        starts.append(prev + 1)
        prev = reader.line_num
    return np.array(starts, dtype=np.int64)
