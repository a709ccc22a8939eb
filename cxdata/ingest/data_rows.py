"""The data records of a file, the bulk of it, through Arrow's CSV reader with every column as
text: whitespace trimmed, blank cells missing, blank lines dropped, each record with the line
where it starts in the source file and each record the reader could not split set apart."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .model import IngestError


def read_data(data: bytes, columns: list[str], delim: str, header_lines: int,
              name: str) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, int, str]], int]:
    """(rows, their lines, (line, fields found, text) of each bad record, blank lines dropped)."""
    if not data or data.isspace():
        empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
        return empty, np.zeros(0, dtype=np.int64), [], 0
    quoted = b'"' in data
    try:
        table, bad = _parse(data, columns, delim, quoted, threads=True)
        if bad:  # record numbers are only known to a single-threaded reader
            table, bad = _parse(data, columns, delim, quoted, threads=False)
    except pa.ArrowInvalid as exc:
        raise IngestError(f"{name} cannot be read as CSV ({exc}). Check that it is a CSV export "
                          "with one header row per column and quotes around values that contain "
                          "the delimiter.") from exc
    table = _trimmed(table, columns)
    to_line = _line_of_record(data, delim, quoted, table.num_rows + len(bad), header_lines)
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
    if blank:
        frame = frame[nonblank].reset_index(drop=True)
        lines = lines[nonblank]
    return frame, lines, bad_rows, blank


def _parse(data: bytes, columns: list[str], delim: str, quoted: bool, threads: bool):
    bad: list[tuple[int | None, int, str]] = []

    def handler(row):
        bad.append((row.number, row.actual_columns, row.text))
        return "skip"

    table = pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=columns, use_threads=threads,
                                       block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=quoted,
                                         ignore_empty_lines=False, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                             strings_can_be_null=True, null_values=[""],
                                             quoted_strings_can_be_null=True),
    )
    return table, bad


def _trimmed(table: pa.Table, columns: list[str]) -> pa.Table:
    """Whitespace trimmed and blank cells missing, column by column in Arrow."""
    arrays = {}
    for c in columns:
        col = pc.utf8_trim_whitespace(table.column(c))
        arrays[c] = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
    return pa.table(arrays)


def _line_of_record(data: bytes, delim: str, quoted: bool, n_records: int, header_lines: int):
    """The function from 1-based record numbers to the source lines where they start."""
    # Records that span lines exist only if there are fewer line breaks than records.
    n_lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if quoted and n_lines != n_records:
        starts = _record_start_lines(data.decode("utf-8"), delim)
        return lambda nums: starts[nums - 1] + header_lines
    return lambda nums: nums + header_lines


def _record_start_lines(text: str, delim: str) -> np.ndarray:
    """1-based line (relative to ``text``) where each CSV record starts; the slow path for
    files with line breaks inside quoted values."""
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    starts, prev = [], 0
    for _ in reader:
        starts.append(prev + 1)
        prev = reader.line_num
    return np.array(starts, dtype=np.int64)
