"""Dates and times as exports write them, parsed a whole column at a time.

ISO 8601 goes through pandas' fast path. The rest is split by regular expressions into its parts
(numeric ``dd/mm/yyyy`` or ``mm/dd/yyyy``, ``yyyy/mm/dd``, month names in English and Italian such
as ``26-Aug-23`` or ``26 agosto 2023``, Unix timestamps), with an optional time, AM/PM and time zone;
formats may be mixed within one column. Aware times are converted to UTC and stored naive.

Day-first or month-first is decided once for the whole column: a first number over 12 means
day-first, a second number over 12 means month-first; when no value settles it, the caller's
``date_format`` decides, else day-first (the company is Italian), and the conversions say so.
Two-digit years follow the POSIX rule: 00-68 are 20xx, 69-99 are 19xx.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..i18n import N_, _

MONTHS = {
    "jan": 1, "gen": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "mag": 5, "jun": 6, "giu": 6,
    "jul": 7, "lug": 7, "aug": 8, "ago": 8, "sep": 9, "set": 9, "oct": 10, "ott": 10, "nov": 11,
    "dec": 12, "dic": 12,
}

_TIME = (r"(?:[ T,]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
         r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
         r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$")
_NUMERIC = r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4}|\d{2})" + _TIME
_YEAR_FIRST = r"^(?P<y>\d{4})[/.-](?P<m>\d{1,2})[/.-](?P<d>\d{1,2})" + _TIME
_DAY_MONTH_NAME = r"^(?P<d>\d{1,2})[ ./-]*(?P<mon>[^\W\d_]{3,})\.?[ ./,-]*(?P<y>\d{4}|\d{2})" + _TIME
_MONTH_NAME_DAY = r"^(?P<mon>[^\W\d_]{3,})\.?[ -]*(?P<d>\d{1,2})(?:st|nd|rd|th)?,?[ -]*(?P<y>\d{4}|\d{2})" + _TIME
_EPOCH = r"^(?P<epoch>\d{9,10}|\d{13})$"

PARTS = ("y", "m", "d", "H", "M", "S", "f", "ampm", "tz")


def _ints(s: pd.Series, default: int | None = None) -> pd.Series:
    out = pd.to_numeric(s, errors="coerce")
    if default is not None:
        out = out.fillna(default)
    return out


def _year(s: pd.Series) -> tuple[pd.Series, bool]:
    y = _ints(s)
    two = s.str.len() == 2
    y = y.where(~two, np.where(y < 69, 2000 + y, 1900 + y))
    return y, bool(two.any())


def _parse_parts(sub: pd.Series, date_format: str | None, field: str,
                 notes: list[str]) -> pd.Series:
    """Parse the values the ISO path left over; NaT where nothing fits."""
    split = _Split(sub)
    epoch = split.take(_EPOCH)  # Unix timestamps, seconds or milliseconds since 1970 (UTC)
    year_first = split.take(_YEAR_FIRST)
    if year_first is not None:
        split.fill(year_first, year_first["d"], year_first["m"])
    numeric = split.take(_NUMERIC)
    if numeric is not None:
        day_first = _day_first(numeric, sub, date_format, field, notes)
        split.fill(numeric, numeric["a"] if day_first else numeric["b"],
                   numeric["b"] if day_first else numeric["a"])
    for regex in (_DAY_MONTH_NAME, _MONTH_NAME_DAY):
        named = split.take(regex)
        if named is not None:
            mon = named["mon"].str.lower().str[:3].map(MONTHS)
            ok = mon.notna()
            split.fill(named[ok], named[ok]["d"], mon[ok])
    stamp = _stamps(split.parts, field, notes)
    if epoch is not None:
        e = epoch["epoch"]
        secs = _ints(e)
        unit_ms = e.str.len() == 13
        ts = pd.to_datetime(secs.where(~unit_ms, secs / 1000), unit="s", errors="coerce")
        stamp.loc[e.index] = ts.astype(stamp.dtype)
        notes.append(_("{field}: Unix timestamps read as seconds since 1970-01-01 UTC.").format(field=field))
    return stamp.astype("datetime64[us]")


class _Split:
    """Each value's parts (``PARTS``), from the first pattern that fits it, patterns tried in
    order of precedence."""

    def __init__(self, sub: pd.Series):
        self.sub = sub
        self.parts = pd.DataFrame(index=sub.index, columns=list(PARTS), dtype=object)
        self.todo = pd.Series(True, index=sub.index)

    def take(self, regex: str) -> pd.DataFrame | None:
        """The groups of ``regex`` in the values it fits that no earlier pattern took; they are
        taken, even those the caller then finds no date in (an unknown month name)."""
        if not self.todo.any():
            return None
        found = self.sub[self.todo].str.extract(regex)
        hit = found.notna().any(axis=1) & found.iloc[:, 0].notna()
        if not hit.any():
            return None
        found = found[hit]
        self.todo &= ~pd.Series(self.sub.index.isin(found.index), index=self.sub.index)
        return found

    def fill(self, found: pd.DataFrame, day: pd.Series, month: pd.Series) -> None:
        self.parts.loc[found.index, "d"] = day
        self.parts.loc[found.index, "m"] = month
        self.parts.loc[found.index, "y"] = found["y"]
        for k in ("H", "M", "S", "f", "ampm", "tz"):
            self.parts.loc[found.index, k] = found[k]


def _day_first(found: pd.DataFrame, sub: pd.Series, date_format: str | None, field: str,
               notes: list[str]) -> bool:
    """Whether the numeric dates of a column are day-first, decided once for all of them, with
    the sentence that says how."""
    a, b = _ints(found["a"]), _ints(found["b"])
    day_first_evidence = bool(((a > 12) & (b <= 12)).any())
    month_first_evidence = bool(((b > 12) & (a <= 12)).any())
    example_df = found["a"].index[(a > 12) & (b <= 12)]
    example_mf = found["a"].index[(b > 12) & (a <= 12)]
    if date_format in ("dayfirst", "monthfirst"):
        day_first = date_format == "dayfirst"
        notes.append((_("{field}: numeric dates read day-first as the import was told.") if day_first else
                      _("{field}: numeric dates read month-first as the import was told.")).format(field=field))
        return day_first
    if day_first_evidence and not month_first_evidence:
        notes.append(_("{field}: numeric dates read day-first (dd/mm), settled by the column "
                       "itself, e.g. '{example}'.").format(field=field, example=sub[example_df[0]]))
        return True
    remembered = REMEMBERED.get(date_format or "")
    if month_first_evidence and not day_first_evidence:
        notes.append(_("{field}: numeric dates read month-first (mm/dd), settled by the column "
                       "itself, e.g. '{example}'.").format(field=field, example=sub[example_mf[0]]))
        return False
    example = sub[found.index[0]]
    if day_first_evidence and month_first_evidence:
        notes.append(_("{field}: the column has both day-first ('{day_first}') and month-first ('{month_first}') "
                       "dates; read day-first, the default, so the others are rejected. Pass --date-format to "
                       "choose.").format(field=field, day_first=sub[example_df[0]], month_first=sub[example_mf[0]]))
    elif remembered is not None:
        notes.append((_("{field}: numeric dates read day-first, as the earlier files of this source were "
                        "('{example}' is ambiguous: no day over 12). Pass --date-format monthfirst if this "
                        "one differs.") if remembered else
                      _("{field}: numeric dates read month-first, as the earlier files of this source were "
                        "('{example}' is ambiguous: no day over 12). Pass --date-format dayfirst if this "
                        "one differs.")).format(field=field, example=example))
        return remembered
    else:
        notes.append(_("{field}: numeric dates such as '{example}' are ambiguous (no day over 12); read "
                       "day-first (dd/mm), the default. Pass --date-format monthfirst if they are "
                       "mm/dd.").format(field=field, example=example))
    return True


# ``date_format`` values that say how earlier files of the same source were read: used only
# when the dates themselves cannot settle it (a week of answers, every day under 13).
REMEMBERED = {"dayfirst?": True, "monthfirst?": False}
# The sentences above that say which order a file's dates were read in, as an import's message
# stores them in the language of whoever imported it: English, or Italian (the catalogue's words).
ORDER_NOTE = re.compile(r"^(?:responded_at|occurred_at): (?:numeric dates read (?P<en>day|month)-first"
                        r"|date numeriche lette con il (?P<it>giorno|mese) prima)")
# In the sentence of a file whose dates are ambiguous (``_day_first``), in either language
AMBIGUOUS = N_("are ambiguous (no day over 12)")


def read_order(line: str) -> str | None:
    """'day' or 'month': the order a stored sentence says a file's dates were read in; else None."""
    found = ORDER_NOTE.match(line)
    if not found:
        return None
    return found["en"] or {"giorno": "day", "mese": "month"}[found["it"]]


def is_ambiguous(sentence: str) -> bool:
    """The sentence says the file's numeric dates are ambiguous (in English or in this run's language)."""
    return AMBIGUOUS in sentence or _(AMBIGUOUS) in sentence


def _stamps(parts: pd.DataFrame, field: str, notes: list[str]) -> pd.Series:
    """Naive UTC timestamps from the parts; NaT where they make no date."""
    year, two_digit = _year(parts["y"].astype("str").where(parts["y"].notna()))
    if two_digit:
        notes.append(_("{field}: two-digit years read as 2000-2068 (00-68) or 1969-1999 (69-99).").format(field=field))
    hour = _ints(parts["H"], 0)
    ampm = parts["ampm"].astype("str").str.lower().str[0].where(parts["ampm"].notna())
    bad_hour = ampm.notna() & ((hour > 12) | (hour < 1))
    hour = hour.where(~((ampm == "a") & (hour == 12)), 0)
    hour = hour.where(~((ampm == "p") & (hour < 12)), hour + 12)
    frac = parts["f"].astype("str").where(parts["f"].notna())
    micro = _ints(frac.str.ljust(6, "0").str[:6], 0)
    stamp = pd.to_datetime(
        pd.DataFrame({"year": year, "month": _ints(parts["m"]), "day": _ints(parts["d"]),
                      "hour": hour, "minute": _ints(parts["M"], 0), "second": _ints(parts["S"], 0),
                      "us": micro}),
        errors="coerce",
    )
    stamp = stamp.where(~bad_hour & (hour < 24))
    return stamp - _offsets(parts["tz"])


def _offsets(tz: pd.Series) -> pd.Series:
    """Offsets east of UTC as timedeltas ('+02:00' -> 2 h; 'Z', 'UTC', 'GMT', missing -> 0)."""
    t = tz.astype("str").where(tz.notna()).str.replace(":", "", regex=False)
    numeric = t.str.match(r"^[+-]\d{4}$", na=False)
    sign = np.where(t.str[0] == "-", -1, 1)
    minutes = _ints(t.str[1:3], 0) * 60 + _ints(t.str[3:5], 0)
    minutes = (minutes * sign).where(numeric, 0)
    return pd.to_timedelta(minutes, unit="min")


def parse_datetimes(s: pd.Series, date_format: str | None = None, field: str = "date",
                    source_tz: str | None = None) -> tuple[pd.Series, list[str]]:
    """Naive UTC timestamps (NaT where a present value does not parse) and the sentences that
    explain how the column was read. ``source_tz``: the zone of times written without an offset,
    when the export states it (Qualtrics)."""
    notes: list[str] = []
    if date_format and "%" in date_format:
        parsed = pd.to_datetime(s, format=date_format, errors="coerce", utc=True)
        notes.append(_("{field}: dates read with the format {format}.").format(field=field, format=date_format))
        return parsed.dt.tz_convert(None).astype("datetime64[us]"), notes
    present = s.notna()
    parsed = pd.to_datetime(s, format="ISO8601", utc=True, errors="coerce")
    out = parsed.dt.tz_convert(None).astype("datetime64[us]")
    rest = present & out.isna()
    if rest.any():
        out = out.copy()
        out.loc[rest] = _parse_parts(s[rest], date_format, field, notes)
    aware = s.str.contains(r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$", regex=True, na=False)
    if source_tz and source_tz != "UTC" and not aware.any():
        out = (out.dt.tz_localize(source_tz, ambiguous="NaT", nonexistent="NaT")
               .dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]"))
        notes.append(_("{field}: times in {zone}, as the export states, converted to UTC.").format(
            field=field, zone=source_tz))
    elif aware.any():
        notes.append(_("{field}: times with a time zone converted to UTC "
                       "(times without one are taken as they are).").format(field=field))
    return out, notes
