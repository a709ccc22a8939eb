"""The survey tools' header rows: which tool wrote them (Qualtrics' 3 rows, its legacy export's 2,
SurveyMonkey's 2, or one plain row), the column names and question texts they give, and the time
zones Qualtrics states for its date columns."""

from __future__ import annotations

import json
import re
from zoneinfo import available_timezones

# SurveyMonkey's second header row says "Response" or "Open-Ended Response" under each question.
_SURVEYMONKEY_ROW2 = {"response", "open-ended response", "risposta", "risposta aperta"}
# Qualtrics' legacy export: its second header row names the metadata columns again (or names
# them under V1, V2...) and holds the question texts; there is no ImportId row.
_QUALTRICS_META = {"responseid", "responseset", "ipaddress", "startdate", "enddate", "finished",
                   "recipientemail", "recipientfirstname", "recipientlastname",
                   "externaldatareference", "locationlatitude", "locationlongitude"}
_V_CODE = re.compile(r"^V\d+$")


def detect_header(records: list[list[str]]) -> tuple[str, int]:
    """('plain' | 'qualtrics' | 'qualtrics-legacy' | 'surveymonkey', number of header records)."""
    if len(records) >= 3 and any(c.strip().startswith('{"ImportId"') for c in records[2]):
        return "qualtrics", 3
    if len(records) >= 2:
        if _qualtrics_legacy(records[0], records[1]):
            return "qualtrics-legacy", 2
        if _surveymonkey(records[0], records[1]):
            return "surveymonkey", 2
    return "plain", 1


def _qualtrics_legacy(row1: list[str], row2: list[str]) -> bool:
    meta2 = sum(1 for c in row2 if c.strip().lower() in _QUALTRICS_META)
    named1 = any(c.strip().lower() == "responseid" for c in row1) \
        or sum(1 for c in row1 if _V_CODE.match(c.strip())) >= 2
    return meta2 >= 2 and named1


def _surveymonkey(row1: list[str], row2: list[str]) -> bool:
    marks = sum(1 for c in row2 if c.strip().lower() in _SURVEYMONKEY_ROW2)
    return marks >= 1 and (any(not c.strip() for c in row1)
                           or any(c.strip().lower() == "respondent id" for c in row1))


def header_names(style: str, records: list[list[str]]) -> tuple[list[str], dict[str, str]]:
    """Column names and, where the tool gives them, question texts, from the header records."""
    if style == "qualtrics":
        names = _unique(records[0])
        return names, {n: t.strip() for n, t in zip(names, records[1], strict=False) if t.strip()}
    if style == "qualtrics-legacy":
        return _qualtrics_legacy_names(records[0], records[1])
    if style == "surveymonkey":
        return _surveymonkey_names(records[0], records[1]), {}
    return _unique(records[0]), {}


def _qualtrics_legacy_names(row1: list[str], row2: list[str]) -> tuple[list[str], dict[str, str]]:
    row2 = row2 + [""] * (len(row1) - len(row2))
    # V1, V2... codes stand for metadata whose name is in the second row
    names = _unique([t if _V_CODE.match(c.strip()) and t.strip() else c
                     for c, t in zip(row1, row2, strict=False)])
    return names, {n: t.strip() for n, t in zip(names, row2, strict=False)
                   if t.strip() and t.strip() != n}


def _surveymonkey_names(row1: list[str], row2: list[str]) -> list[str]:
    """A question spans its answers' columns: its text is carried right, then joined to each
    answer's text below it."""
    row2 = row2 + [""] * (len(row1) - len(row2))
    filled, last = [], ""
    for c in row1:
        last = c.strip() or last
        filled.append(last)
    combined = []
    for top, sub in zip(filled, row2, strict=False):
        sub = sub.strip()
        if not sub or sub.lower() in _SURVEYMONKEY_ROW2:
            combined.append(top)
        else:
            combined.append(f"{top} - {sub}" if top else sub)
    return _unique(combined)


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n.strip() or f"column_{i + 1}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        seen.setdefault(n, 1)
        out.append(n)
    return out


def qualtrics_timezones(columns: list[str], row3: list[str]) -> dict[str, str]:
    """Qualtrics states the zone of its date columns in the ImportId row: {"timeZone": "..."}."""
    out = {}
    for col, cell in zip(columns, row3, strict=False):
        try:
            tz = json.loads(cell).get("timeZone")
        except (ValueError, AttributeError):
            continue
        if isinstance(tz, str) and (tz == "UTC" or tz in available_timezones()):
            out[col] = tz
    return out
