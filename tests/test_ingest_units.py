"""Pure pieces of the importer: decoding, delimiter sniffing, header rows, dates, scales."""

from __future__ import annotations

import codecs
from datetime import datetime

import pandas as pd
import pytest

from cxdata.ingest.dates import parse_datetimes
from cxdata.ingest.model import IngestError
from cxdata.ingest.read import decode, detect_header, sniff_delimiter
from cxdata.ingest.scales import convert_rule, detect_scale, parse_score


@pytest.mark.parametrize(("raw", "text", "encoding"), [
    (b"a,b\n1,2\n", "a,b\n1,2\n", "UTF-8"),
    (codecs.BOM_UTF8 + "città".encode(), "città", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE + "città".encode("utf-16-le"), "città", "UTF-16"),
    ("città,x".encode("utf-16-le"), "città,x", "UTF-16-LE"),
    ("città 5€".encode("cp1252"), "città 5€", "Windows-1252"),
])
def test_decode(raw, text, encoding):
    assert decode(raw, "f.csv") == (text, encoding)


def test_decode_binary_is_an_error():
    with pytest.raises(IngestError, match="f.bin is not a text"):
        decode(b"\x89PNG\x00\x01\x02" + b"\xff" * 10, "f.bin")


@pytest.mark.parametrize(("lines", "delim"), [
    (["a,b,c\n", "1,2,3\n"], ","),
    (["a;b;c\n", "1,5;2;3\n"], ";"),
    (["a\tb\n", "1\t2\n"], "\t"),
    (["a|b\n", "x,y|2\n"], "|"),
    (['"a;1",b\n', '"x;2",y\n'], ","),  # delimiters inside quotes do not count
])
def test_sniff_delimiter(lines, delim):
    assert sniff_delimiter(lines) == delim


def test_detect_header():
    assert detect_header([["a", "b"], ["1", "2"]]) == ("plain", 1)
    assert detect_header([["Q1", "Q2"], ["text", "text"], ['{"ImportId":"QID1"}', "x"]]) == ("qualtrics", 3)
    assert detect_header([["Respondent ID", "Q?", ""], ["", "Response", "Other"]]) == ("surveymonkey", 2)


def _parse(values, fmt=None):
    out, notes = parse_datetimes(pd.Series(values, dtype="str"), fmt, "d")
    return [None if pd.isna(v) else v.to_pydatetime() for v in out], notes


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-08-26", datetime(2023, 8, 26)),
    ("2023-08-26T10:15:00+02:00", datetime(2023, 8, 26, 8, 15)),
    ("2023/08/26 07:05", datetime(2023, 8, 26, 7, 5)),
    ("26-Aug-23", datetime(2023, 8, 26)),
    ("26 agosto 2023 10:00", datetime(2023, 8, 26, 10)),
    ("Sep 3rd, 2023", datetime(2023, 9, 3)),
    ("26/08/2023 10.15.05", datetime(2023, 8, 26, 10, 15, 5)),
    ("26/08/2023 12:00 AM", datetime(2023, 8, 26, 0, 0)),
    ("26/08/2023 12:30 PM", datetime(2023, 8, 26, 12, 30)),
    ("1693044000", datetime(2023, 8, 26, 10)),
    ("1693044000000", datetime(2023, 8, 26, 10)),
    ("31/02/2023", None),
    ("13/13/2023", None),
    ("26/08/2023 13:00 PM", None),
    ("yesterday", None),
])
def test_single_dates(value, expected):
    assert _parse([value])[0] == [expected]


def test_day_order_is_decided_for_the_whole_column():
    got, notes = _parse(["01/02/2024", "02/03/2024", "01/13/2024"])
    assert got == [datetime(2024, 1, 2), datetime(2024, 2, 3), datetime(2024, 1, 13)]
    assert "month-first" in notes[0]
    got, notes = _parse(["13/01/2024", "01/13/2024"])  # contradicts itself: day-first, one rejected
    assert got == [datetime(2024, 1, 13), None]
    assert "both" in notes[0]


def test_scale_rules():
    table, sentence = convert_rule("csat", (0, 5))
    assert table == {0: 1, 1: 2, 2: 3, 3: 3, 4: 4, 5: 5}
    assert "0-5 scale converted to 1-5" in sentence
    assert convert_rule("ces", (1, 5))[0] == {1: 1, 2: 3, 3: 4, 4: 6, 5: 7}
    assert detect_scale("csat", pd.Series([1, 2, 3, 4, 5, 6])) == (1, 5)  # one stray 6: rejected later
    assert detect_scale("csat", pd.Series([1, 6, 8, 9, 10])) == (1, 10)
    assert detect_scale("nps", pd.Series([0, 10])) == (0, 10)


def test_score_labels():
    nums, direction = parse_score(pd.Series(["Very easy", "Difficult", "4"], dtype="str"), "ces", [])
    assert list(nums) == [7, 2, 4] and direction == "ease"
    nums, _ = parse_score(pd.Series(["Molto soddisfatto", "Né soddisfatto né insoddisfatto"], dtype="str"),
                          "csat", [])
    assert list(nums) == [5, 3]
