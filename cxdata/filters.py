"""``Filters``: the one object that carries the filters from the URL to the SQL and back.

URL keys (a public interface: keep them stable)::

    from=YYYY-MM-DD  to=YYYY-MM-DD       inclusive dates
    channel=web&channel=app               repeatable, likewise segment, region, product,
                                          touchpoint, stage
    attr=Class:Business                   repeatable, an imported attribute ``key:value``

"All" is the absence of a key and of a SQL clause, never a wildcard value. Values only ever
reach SQL as bound parameters; column names come from ``FILTER_COLUMNS`` below.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import catalog

# filter field -> column per table (cxdata/catalog.py), extended here with the count tables, which
# have the response columns of the filter fields they hold. A table missing from a mapping does
# not have that column.
FILTER_COLUMNS: dict[str, dict[str, str]] = {f: dict(t) for f, t in catalog.FILTER_COLUMNS.items()}
for _table, _fields in catalog.COUNT_TABLES:
    for _f in _fields:
        FILTER_COLUMNS[_f][_table] = FILTER_COLUMNS[_f]["responses"]
TIME_COLUMN = {**catalog.TIME_COLUMN, "journeys": catalog.JOURNEYS_TIME_COLUMN, **catalog.COUNT_TIME_COLUMN}
DATE_TABLES = frozenset(catalog.COUNT_TIME_COLUMN)  # their time column is a date: bind dates, not timestamps
LIST_FIELDS = tuple(FILTER_COLUMNS)
URL_KEYS = ("from", "to", *LIST_FIELDS, "attr")

MAX_VALUES = 50  # per key: more is not a filter a person set
MAX_LEN = 200  # per value
# The dates a link or the command line may ask for. Outside them the period arithmetic (the day
# after the end, the previous period of equal length, the 90 days before an end) leaves what
# Python's dates hold (years 1 to 9999); within them every period, and the one before it, fits.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)


def _dates_from_link(values, bounds: tuple[date | None, date | None], notices: list[str]) -> dict:
    """``date_from``/``date_to`` of a link: the first of each key, parsed and clamped; both dropped
    when 'from' is after 'to'."""
    out: dict = {}
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        vals = values(key)
        if vals:
            if len(vals) > 1:
                notices.append(f"'{key}' appears more than once in the link: the first is used.")
            out[attr] = _clamp_day(_parse_date(vals[0], key, notices), key, bounds, notices)
    if out.get("date_from") and out.get("date_to") and out["date_from"] > out["date_to"]:
        notices.append("The link's 'from' date is after its 'to' date: the dates were ignored.")
        out["date_from"] = out["date_to"] = None
    return out


def _attrs_from_link(raws: list[str], notices: list[str]) -> tuple:
    """The link's ``attr=name:value`` pairs, grouped by name, malformed ones dropped with a notice."""
    attrs: dict[str, list[str]] = {}
    for raw in raws:
        k, sep, v = raw.partition(":") if isinstance(raw, str) else ("", "", "")
        if not sep or not k or not v or len(raw) > MAX_LEN or "\x00" in raw:
            notices.append("Ignored a malformed 'attr' in the link (expected attr=name:value).")
            continue
        attrs.setdefault(k, []).append(v)
    return tuple((k, cleaned) for k in sorted(attrs) if (cleaned := _clean(attrs[k], "attr", notices)))[:MAX_VALUES]


def _clean(values: Sequence[str], key: str, notices: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        if not isinstance(v, str) or v == "" or len(v) > MAX_LEN or "\x00" in v:
            notices.append(f"Ignored a malformed value for '{key}' in the link.")
            continue
        if v not in out:
            out.append(v)
    if len(out) > MAX_VALUES:
        notices.append(f"Ignored '{key}' in the link: more than {MAX_VALUES} values.")
        return ()
    return tuple(sorted(out))


def _parse_date(value: str, key: str, notices: list[str]) -> date | None:
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    notices.append(f"Ignored '{key}={value[:40]}' in the link: not a date (YYYY-MM-DD).")
    return None


def _clamp_day(day: date | None, key: str, bounds: tuple[date | None, date | None],
               notices: list[str]) -> date | None:
    """``day`` if within ``EARLIEST``..``LATEST``; otherwise the nearest end of the data (``bounds``,
    its first and last day, when they are within that range themselves) or of that range."""
    if day is None or EARLIEST <= day <= LATEST:
        return day
    lo, hi = bounds
    if day < EARLIEST:
        use, what = (lo, "the earliest data") if lo and EARLIEST <= lo <= LATEST else (EARLIEST, "the earliest date")
    else:
        use, what = (hi, "the latest data") if hi and EARLIEST <= hi <= LATEST else (LATEST, "the latest date")
    notices.append(f"The '{key}' date {day.isoformat()} is outside the dates the dashboard handles "
                   f"({EARLIEST:%d %b %Y} to {LATEST:%d %b %Y}): {what}, {use:%d %b %Y}, was used.")
    return use


def clamp_dates(filters: Filters, bounds: tuple[date | None, date | None] = (None, None)
                ) -> tuple[Filters, list[str]]:
    """``filters`` with a date outside ``EARLIEST``..``LATEST`` moved to the nearest end of the data
    (``bounds``: its first and last day, e.g. ``queries.date_bounds``) or of that range, and a
    sentence per date moved. For dates that did not come through ``from_query_params`` (the
    command line's ``--from``/``--to``)."""
    notices: list[str] = []
    d_from = _clamp_day(filters.date_from, "from", bounds, notices)
    d_to = _clamp_day(filters.date_to, "to", bounds, notices)
    if not notices:
        return filters, notices
    return dataclasses.replace(filters, date_from=d_from, date_to=d_to), notices


def bound_time(table: str, day: date) -> date | datetime:
    """The start of ``day`` as the value to compare ``table``'s time column with (a date for the
    daily tables, whose zone maps then prune, a timestamp elsewhere)."""
    return day if table in DATE_TABLES else datetime.combine(day, datetime.min.time())


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    channel: tuple[str, ...] = ()
    segment: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    touchpoint: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    # ((key, (value, ...)), ...), sorted by key: an imported attribute and the values kept.
    attrs: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    # ---- URL ----------------------------------------------------------------------------
    @classmethod
    def from_query_params(cls, params: Mapping[str, Sequence[str] | str],
                          bounds: tuple[date | None, date | None] = (None, None)) -> tuple[Filters, list[str]]:
        """Build from a query string mapping (key -> list of values). Returns (filters, notices):
        malformed values are dropped with a notice; keys this object does not own are ignored; a
        date outside ``EARLIEST``..``LATEST`` becomes the nearest end of the data (``bounds``, its
        first and last day) or of that range, with a notice."""
        notices: list[str] = []

        def values(key: str) -> list[str]:
            v = params.get(key, [])
            return [v] if isinstance(v, str) else list(v)

        kwargs: dict = _dates_from_link(values, bounds, notices)
        for key in LIST_FIELDS:
            kwargs[key] = _clean(values(key), key, notices)
        kwargs["attrs"] = _attrs_from_link(values("attr"), notices)
        return cls(**kwargs), notices

    def to_query_params(self) -> dict[str, list[str]]:
        """The URL form, defaults omitted; ``from_query_params`` of it gives back ``self``."""
        out: dict[str, list[str]] = {}
        if self.date_from:
            out["from"] = [self.date_from.isoformat()]
        if self.date_to:
            out["to"] = [self.date_to.isoformat()]
        for key in LIST_FIELDS:
            if getattr(self, key):
                out[key] = list(getattr(self, key))
        if self.attrs:
            out["attr"] = [f"{k}:{v}" for k, vals in self.attrs for v in vals]
        return out

    # ---- SQL ----------------------------------------------------------------------------
    def where_sql(self, table: str = "responses", skip: Sequence[str] = ()) -> tuple[str, dict]:
        """``(sql, params)``: a boolean expression (``true`` when nothing is filtered) with every
        value bound. ``skip`` names filter fields the caller handles itself (e.g. the funnel
        ignores ``stage``)."""
        if table not in TIME_COLUMN:
            raise ValueError(f"unknown table {table!r}")
        clauses: list[str] = []
        params: dict = {}
        if "date" not in skip:
            self._date_clauses(table, clauses, params)
        self._list_clauses(table, skip, clauses, params)
        if "attrs" not in skip:
            self._attr_clauses(table, clauses, params)
        return (" and ".join(clauses) if clauses else "true"), params

    def _date_clauses(self, table: str, clauses: list[str], params: dict) -> None:
        ts = TIME_COLUMN[table]
        if self.date_from:
            clauses.append(f"{ts} >= $f_from")
            params["f_from"] = bound_time(table, self.date_from)
        if self.date_to:
            clauses.append(f"{ts} < $f_to")
            params["f_to"] = bound_time(table, self.date_to + timedelta(days=1))

    def _list_clauses(self, table: str, skip: Sequence[str], clauses: list[str], params: dict) -> None:
        for key in LIST_FIELDS:
            vals = getattr(self, key)
            if not vals or key in skip:
                continue
            col = FILTER_COLUMNS[key].get(table)
            if col is None:
                raise ValueError(f"the {key} filter does not apply to {table}: skip it explicitly")
            clauses.append(f"list_contains($f_{key}, {col})")
            params[f"f_{key}"] = list(vals)

    def _attr_clauses(self, table: str, clauses: list[str], params: dict) -> None:
        if self.attrs and table not in ("responses", "interactions"):
            raise ValueError(f"attribute filters do not apply to {table}: skip them explicitly")
        for i, (k, vals) in enumerate(self.attrs):
            clauses.append(f"list_contains($f_attr{i}_v, attributes[$f_attr{i}_k])")
            params[f"f_attr{i}_k"] = k
            params[f"f_attr{i}_v"] = list(vals)

    # ---- words --------------------------------------------------------------------------
    def describe(self) -> str:
        """The caption under a chart: which filters are active, in words."""
        from cxdata import i18n  # the page's language (cxdata.i18n)
        from cxdata.i18n import _

        parts: list[str] = []
        if self.date_from or self.date_to:
            a = i18n.date(self.date_from) if self.date_from else _("the start")
            b = i18n.date(self.date_to) if self.date_to else _("the latest data")
            parts.append(_("{start} to {end}").format(start=a, end=b))
        else:
            parts.append(_("all dates"))
        for key in LIST_FIELDS:
            vals = getattr(self, key)
            if vals:
                parts.append(f"{_(catalog.FIELD_WORDS[key])}: {', '.join(vals)}")
        for k, vals in self.attrs:
            parts.append(f"{k}: {', '.join(vals)}")
        if len(parts) == 1:
            parts.append(_("all channels, segments and regions"))
        return _("Filters: {parts}").format(parts="; ".join(parts))

    # ---- helpers ------------------------------------------------------------------------
    def replace(self, **changes) -> Filters:
        for key in LIST_FIELDS:
            if key in changes:
                changes[key] = tuple(sorted(set(changes[key])))
        return dataclasses.replace(self, **changes)

    def is_default(self) -> bool:
        return self == Filters()

    def previous_period(self) -> Filters | None:
        """The same filters over the period of equal length just before this one (needs both dates)."""
        if not (self.date_from and self.date_to):
            return None
        length = (self.date_to - self.date_from).days + 1
        if (self.date_from - date.min).days < length:  # it would start before year 1
            return None
        return dataclasses.replace(
            self,
            date_from=self.date_from - timedelta(days=length),
            date_to=self.date_from - timedelta(days=1),
        )
