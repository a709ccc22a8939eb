"""Which source column feeds which canonical field: header synonyms in English and Italian
(``synonyms``), checks of the values (a score must fit its scale, free text is never an id or a
category), the caller's overrides, and mappings saved by name for the next export of the same tool.

Every guess is explained: ``resolve`` returns, beside the mapping, how each field's column was
chosen (exact name, words in the name, the question text, the values), the runner-up columns for
the date and the id, and why a field that a column seemed to offer was left unmapped.

The overrides (``--map`` and friends, saved mappings) are one flat ``{key: value}`` dict of
strings. Its key grammar:

=========================  =================================================================
key                        value
=========================  =================================================================
``FIELD``                  the source column (its name, or its question text) that feeds FIELD;
                           ``""`` or None: leave FIELD unmapped, even if a guess found one
``SCORE.scale``            the source scale of a score, ``a-b`` (``csat.scale=0-5``): values
                           are converted to the canonical scale by the rule in ``scales``; the
                           values must then fit ``a-b`` (others are rejected row by row)
``ces.direction``          ``effort`` (1 = least effort) or ``ease`` (7 = easiest) in the source
``FIELD.value:LABEL``      what a source value means. A score: a whole number on the source
                           scale, or ``""`` for "no answer" (``csat.value:Neutral or
                           dissatisfied=2``, ``ces.value:0=``). A category (channel,
                           touchpoint, segment, region, product, stage, journey_stage): the value
                           to store, or ``""`` for none (``channel.value:Telefono=phone``).
                           LABEL is matched ignoring case, accents and punctuation.
``set:FIELD``              every row gets this value: a category, ``customer_id``, or the date
                           (``responded_at`` / ``occurred_at``) of a one-off survey. It replaces
                           an automatic guess for FIELD; with an explicit ``FIELD`` key too it is
                           an error
``keep:COLUMN``            ``yes``: keep a personal-data column (IP address, location, e-mail,
                           names, phone numbers, recipient fields) in the attributes, where
                           every viewer can filter by it; left out otherwise
``accept_rejects``         ``yes``: load the good rows even when more than 1% of the rows (and
                           more than one) would be rejected for one reason; else that stops
                           the import
=========================  =================================================================

A value that is ``""``, ``no``, ``false`` or ``0`` turns ``keep:`` and ``accept_rejects`` off.
Every key but ``FIELD`` (and the unmapping ``FIELD=""``) is handed on as an *option*, so
``mapping | options`` replays the same import when saved.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ..schema import INTERACTION_FIELDS, RESPONSE_FIELDS, SCORE_RANGES
from .dates import parse_datetimes
from .model import IngestError
from .scales import fast_numeric, norm_text, read_score, scale_from_text, scale_misfit
from .synonyms import HEADERS, OTHER_DATE_WORDS, PERSONAL, RESPONSE_DATE_WORDS, VALUES

KINDS = ("responses", "interactions")
FIELDS = {"responses": RESPONSE_FIELDS, "interactions": INTERACTION_FIELDS}
TIME_FIELD = {"responses": "responded_at", "interactions": "occurred_at"}
ID_FIELD = {"responses": "response_id", "interactions": "event_id"}
REQUIRED = {"responses": ("responded_at",),
            "interactions": ("customer_id", "occurred_at", "channel", "stage")}
# The fixed option keys; the patterned ones are FIELD.value:LABEL, set:FIELD and keep:COLUMN.
OPTION_KEYS = {f"{f}.scale" for f in SCORE_RANGES} | {"ces.direction", "accept_rejects"}
OPTION_PATTERNS = ("FIELD.value:LABEL", "set:FIELD", "keep:COLUMN")
CATEGORY_FIELDS = tuple(VALUES)  # channel, segment, region, stage, journey_stage, touchpoint, product
SETTABLE = (*CATEGORY_FIELDS, "customer_id", "responded_at", "occurred_at")
# Free text (long answers, high cardinality) never feeds these.
NOT_FREE_TEXT = ("response_id", "event_id", "customer_id", "session_id", "channel", "segment",
                 "region", "product", "stage", "journey_stage")
SYNONYMS = HEADERS  # the old name, for callers that list them
_SCORE_FIELDS = set(SCORE_RANGES)
# Survey tools' metadata columns whose names look like a field but are not one (Qualtrics'
# DistributionChannel is how the survey was sent, not the customer's channel).
_NEVER = {"distributionchannel", "distribution channel", "status", "ipaddress", "ip address",
          "progress", "finished", "userlanguage", "collector id", "network id", "responseset",
          "response set"}
_EASE_WORDS = ("easy", "ease", "facile", "facilita", "semplice")
_EFFORT_WORDS = ("effort", "sforzo", "difficult", "difficolta")
_SAMPLE = 20_000  # rows read to judge a column's values; enough to see a 1% class of values
_OFF = ("", "no", "false", "0", "off")


class Options(dict):
    """The options of an import (``{key: value}`` strings, saved with the mapping) carrying the
    explanations of the mapping to ``validate.prepare``: ``how`` (field -> how its column was
    chosen) and ``not_mapped`` (field -> why no column feeds it)."""

    def __init__(self, *args, how: dict[str, str] | None = None,
                 not_mapped: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.how = how or {}
        self.not_mapped = not_mapped or {}


def is_on(value) -> bool:
    return str(value if value is not None else "").strip().lower() not in _OFF


def _contains(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def _covers(text: str, phrase: str) -> bool:
    """The phrase is at least half of the text's words: 'Ticket Channel', not a long question."""
    return 2 * len(phrase.split()) >= len(text.split())


def _match_level(name: str, label: str, phrase: str, mode: str = "") -> int:
    """3: the header is the phrase; 2: the phrase in the header; 1: in its question text; 0."""
    if name == phrase or name.replace(" ", "") == phrase.replace(" ", ""):
        return 3
    if mode == "=":
        return 1 if label and label == phrase else 0
    if len(phrase) >= 3 and _contains(name, phrase) and (mode == "~" or _covers(name, phrase)):
        return 2
    if label and len(phrase) >= 3 and _contains(label, phrase) and (mode == "~" or _covers(label, phrase)):
        return 1
    return 0


def _phrase(raw: str) -> tuple[str, str]:
    return (raw[0], raw[1:]) if raw[:1] in "=~" else ("", raw)


def free_text(values: pd.Series) -> bool:
    """Long answers rather than codes or categories: three words or more on average (or long
    values of two or more), and, given twenty values or more, half of them distinct."""
    v = values.dropna().head(2000).astype("str")
    if v.empty:
        return False
    words = (v.str.count(r"\s+") + 1).mean()
    length = v.str.len().mean()
    if not (words >= 3 or (words >= 2 and length >= 40)):
        return False
    return len(v) < 20 or v.nunique() / len(v) >= 0.5


def _fits_time(field: str, values: pd.Series) -> bool:
    sample = values.dropna().head(500)
    if sample.empty:
        return True
    parsed, _ = parse_datetimes(sample, None, field)
    return bool(parsed.notna().mean() >= 0.8)


def _date_like(values: pd.Series) -> bool:
    sample = values.dropna().head(50)
    return bool(len(sample)) and bool(fast_numeric(sample).isna().all()) and _fits_time("date", values)


def _date_rank(column: str) -> int:
    words = norm_text(column).split()
    return (2 * any(w in words for w in RESPONSE_DATE_WORDS)
            - 2 * any(w in words for w in OTHER_DATE_WORDS))


def _id_like(column: str) -> bool:
    words = norm_text(column).split()
    return bool(words) and (words[-1] in ("id", "uuid", "#") or words[0] in ("id", "codice"))


def personal_reason(column: str) -> str | None:
    """Why a column is personal data or survey metadata about the respondent, or None."""
    name = norm_text(column)
    if name in PERSONAL:
        return PERSONAL[name]
    if name.startswith("recipient"):
        return "a survey recipient's details"
    return None


@dataclass
class AutoMap:
    mapping: dict[str, str]
    notes: list[str] = field(default_factory=list)
    how: dict[str, str] = field(default_factory=dict)  # field -> how its column was chosen
    not_mapped: dict[str, str] = field(default_factory=dict)  # field -> why a column was refused
    candidates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field -> (col, why)
    scale_refused: dict[str, tuple[str, str]] = field(default_factory=dict)  # score -> (col, why)


def _why(level: int, phrase: str, col: str, label: str) -> str:
    if level == 3:
        return f"its name is the synonym '{phrase}'"
    if level == 2:
        return f"the words '{phrase}' in its name"
    return f"the words '{phrase}' in its question '{label}'"


def score_misfit(field: str, col: str, label: str, num: pd.Series) -> str | None:
    """Why a column whose numbers are ``num`` cannot feed the score ``field`` as it is, with the
    option that would make it do so; None if it fits."""
    stated = scale_from_text(f"{col} {label}")
    lo, hi = SCORE_RANGES[field]
    if stated and stated != (lo, hi):
        a, b = stated
        return (f"its question states a {a}-{b} scale, not {field}'s {lo}-{hi}; pass "
                f"{field}.scale={a}-{b} to convert it by the stated rule, or map another column")
    bad = scale_misfit(field, num)
    if bad is None:
        return None
    why, holder = bad
    if holder:
        return (f"{why}; pass {field}.scale={holder[0]}-{holder[1]} to convert it by the stated "
                f"rule" + (f" (or {field}.scale={lo}-{hi} to reject the values outside it)"
                           if holder[0] != lo else "") + ", or map another column")
    return f"{why}; map another column, or state its scale with {field}.scale=LOW-HIGH"


def auto_map(kind: str, columns: list[str], labels: dict[str, str], frame: pd.DataFrame) -> AutoMap:
    """The automatic mapping of one kind, explained."""
    names = {c: norm_text(c) for c in columns}
    texts = {c: norm_text(labels.get(c, "")) for c in columns}
    candidates = []
    for fld, phrases in HEADERS[kind].items():
        for idx, raw in enumerate(phrases):
            mode, phrase = _phrase(raw)
            for c in columns:
                level = _match_level(names[c], texts[c], phrase, mode)
                if level:
                    candidates.append(((level, -idx, len(phrase)), fld, c, phrase))
    candidates.sort(key=lambda x: x[0], reverse=True)
    out = AutoMap({})
    sample = frame.head(_SAMPLE)
    text_cache: dict[str, bool] = {}

    def is_free_text(col: str) -> bool:
        if col not in text_cache:
            text_cache[col] = free_text(sample[col])
        return text_cache[col]

    checked: dict[tuple[str, str], bool] = {}

    def usable(fld: str, col: str, level: int, why: str) -> bool:
        if (fld, col) in checked:
            return checked[(fld, col)]
        ok = True
        if names[col] in _NEVER:
            ok = False
        elif fld in NOT_FREE_TEXT and is_free_text(col):
            ok = False
            out.not_mapped.setdefault(fld, f"column '{col}' ({why}) not used: it holds free text, "
                                           f"not {'ids' if fld.endswith('_id') else 'categories'}.")
        elif fld in _SCORE_FIELDS:
            read = read_score(sample[col], fld, [])
            present = int(sample[col].notna().sum())
            if present and read.num.notna().sum() < 0.8 * present and not read.labelled and level < 3:
                ok = False
            elif misfit := score_misfit(fld, col, labels.get(col, ""), read.num):
                ok = False
                out.not_mapped.setdefault(fld, f"column '{col}' ({why}) not used: {misfit}.")
                out.scale_refused.setdefault(fld, (col, why))
        elif fld in TIME_FIELD.values() and level < 3:
            ok = _fits_time(fld, sample[col])
        checked[(fld, col)] = ok
        return ok

    used: set[str] = set()
    keep_runners = (TIME_FIELD[kind], ID_FIELD[kind])
    for (level, _, _), fld, col, phrase in candidates:
        taken = fld in out.mapping or col in used
        if taken and fld not in keep_runners:
            continue
        seen = out.candidates.setdefault(fld, [])
        if any(c == col for c, _ in seen) or out.mapping.get(fld) == col:
            continue
        why = _why(level, phrase, col, labels.get(col, ""))
        if not usable(fld, col, level, why):
            continue
        if taken:
            seen.append((col, why))
            continue
        out.mapping[fld] = col
        used.add(col)
        out.how[fld] = why
    for fld in out.mapping:
        out.not_mapped.pop(fld, None)

    # Value ranges where names did not help: one whole-number 0-10 column is the NPS.
    if kind == "responses" and "nps" not in out.mapping:
        found = []
        for c in columns:
            if c in used or names[c] in _NEVER:
                continue
            v = fast_numeric(sample[c].dropna().head(2000))
            if len(v) and v.notna().all() and (v % 1 == 0).all() and v.min() >= 0 and v.max() <= 10 \
                    and v.max() > 7 and score_misfit("nps", c, labels.get(c, ""), v) is None:
                found.append(c)
        if len(found) == 1:
            out.mapping["nps"] = found[0]
            used.add(found[0])
            out.how["nps"] = "its values (whole numbers 0-10, the only such column)"
            out.notes.append(f"nps: column '{found[0]}' chosen by its values (whole numbers 0-10).")
            out.not_mapped.pop("nps", None)
    _choose_time(kind, columns, sample, used, out)
    if "customer_id" not in out.mapping:
        emails = [c for c in columns if c not in used and personal_reason(c) == "an e-mail address"]
        if emails:
            out.not_mapped["customer_id"] = (
                f"column '{emails[0]}' holds e-mail addresses, personal data: not used unless the "
                f"import is told (--map customer_id={emails[0]})")
    _note_id_runner_ups(kind, columns, sample, used, out, is_free_text)
    return out


def _choose_time(kind: str, columns: list[str], sample: pd.DataFrame, used: set[str],
                 out: AutoMap) -> None:
    """The time field by name, else by values (response and submission dates before purchase,
    birth or start dates); the other date columns as runner-ups."""
    tf = TIME_FIELD[kind]
    named = [c for c, _ in out.candidates.get(tf, []) if c != out.mapping.get(tf)]
    dated = [c for c in columns if c not in used and c not in named and sample[c].notna().any()
             and _date_like(sample[c])]
    if tf not in out.mapping and dated:
        ranked = sorted(dated, key=lambda c: -_date_rank(c))  # stable: file order breaks ties
        best = ranked[0]
        out.mapping[tf] = best
        used.add(best)
        rank = _date_rank(best)
        out.how[tf] = ("its values are dates" + (" and its name says it is the response's"
                                                 if rank > 0 else ""))
        out.notes.append(f"{tf}: column '{best}' chosen because its values are dates.")
        dated.remove(best)
    if tf in out.mapping:
        runners = [f"'{c}' ({w})" for c, w in out.candidates.get(tf, []) if c != out.mapping[tf]]
        runners += [f"'{c}' (values are dates)" for c in dated if c != out.mapping[tf]]
        if runners:
            out.how[tf] += "; runner-ups: " + ", ".join(runners)


def _note_id_runner_ups(kind: str, columns: list[str], sample: pd.DataFrame, used: set[str],
                        out: AutoMap, is_free_text) -> None:
    """The runner-ups of the id chosen by name: other columns its synonyms matched, and columns
    named like an id whose values are all distinct (never chosen on that alone)."""
    idf = ID_FIELD[kind]
    others = [c for c in columns if c not in used and _id_like(c) and not is_free_text(c)
              and sample[c].notna().all() and sample[c].is_unique and len(sample)]
    if idf in out.mapping:
        runners = [f"'{c}' ({w})" for c, w in out.candidates.get(idf, []) if c != out.mapping[idf]]
        runners += [f"'{c}' (named like an id, distinct values)" for c in others
                    if c != out.mapping[idf] and c not in out.mapping.values()]
        if runners:
            out.how[idf] += "; runner-ups: " + ", ".join(runners)


def detect_kind(columns: list[str], labels: dict[str, str], frame: pd.DataFrame,
                file_name: str = "the file") -> str:
    resp = auto_map("responses", columns, labels, frame)
    # a score column refused for its scale still says the file holds survey responses
    if _SCORE_FIELDS & (set(resp.mapping) | set(resp.not_mapped)):
        return "responses"
    inter = auto_map("interactions", columns, labels, frame).mapping
    if "stage" in inter or "revenue" in inter or "session_id" in inter:
        return "interactions"
    raise IngestError(
        f"{file_name}: cannot tell whether it holds survey responses or interactions: no column looks like "
        "a score (NPS, CSAT, CES) or a journey stage. Pass the kind (--kind) and map the columns "
        "(--map FIELD=COLUMN)."
    )


_VALUE_KEY = re.compile(r"^(?P<field>[a-z_]+)\.value:(?P<label>.*)$", re.DOTALL)


def parse_options(kind: str, columns: list[str], options: dict[str, str], file_name: str) -> None:
    """Check every option key and value of the grammar above; ``IngestError`` naming the key."""
    fields = FIELDS[kind]
    for key, value in options.items():
        if key in fields:
            continue  # an unmapping, kept for the saved mapping
        if key in OPTION_KEYS:
            continue
        if m := _VALUE_KEY.match(key):
            fld = m["field"]
            if fld not in fields or not (fld in _SCORE_FIELDS or fld in CATEGORY_FIELDS):
                raise IngestError(f"{file_name}: {key!r}: values can be mapped for the scores and "
                                  f"the categories ({', '.join(f for f in fields if f in _SCORE_FIELDS or f in CATEGORY_FIELDS)}), "
                                  f"not {fld!r}.")
            if fld in _SCORE_FIELDS and str(value or "").strip() != "":
                try:
                    float(str(value).strip())
                except ValueError:
                    raise IngestError(f"{file_name}: {key!r} maps a label of {fld} to {value!r}: give a "
                                      "number on the column's scale, or nothing for 'no answer'.") from None
            continue
        if key.startswith("set:"):
            fld = key[4:]
            if fld not in fields or fld not in SETTABLE:
                raise IngestError(f"{file_name}: {key!r}: a value can be set for "
                                  f"{', '.join(f for f in SETTABLE if f in fields)}, not {fld!r}.")
            if str(value or "").strip() == "":
                raise IngestError(f"{file_name}: {key!r} needs a value (set:{fld}=VALUE).")
            continue
        if key.startswith("keep:"):
            if key[5:] not in columns:
                raise IngestError(f"{file_name}: {key!r}: there is no column {key[5:]!r} to keep; its "
                                  f"columns are: {', '.join(columns)}.")
            continue
        raise IngestError(f"{file_name}: unknown mapping option {key!r}; options are "
                          f"{', '.join(sorted(OPTION_KEYS))} and {', '.join(OPTION_PATTERNS)}.")


def value_maps(options: dict[str, str]) -> dict[str, dict[str, str | None]]:
    """{field: {norm_text(label): value or None}} from the ``FIELD.value:LABEL`` keys."""
    out: dict[str, dict[str, str | None]] = {}
    for key, value in options.items():
        if m := _VALUE_KEY.match(key):
            v = str(value if value is not None else "").strip()
            out.setdefault(m["field"], {})[norm_text(m["label"])] = v or None
    return out


def resolve(kind: str, columns: list[str], labels: dict[str, str], frame: pd.DataFrame,
            overrides: dict[str, str | None] | None, file_name: str
            ) -> tuple[dict[str, str], Options, list[str]]:
    """(mapping, options, notes): the automatic mapping with the caller's overrides applied.
    ``options.how`` and ``options.not_mapped`` explain it."""
    auto = auto_map(kind, columns, labels, frame)
    mapping, how, not_mapped = auto.mapping, auto.how, auto.not_mapped
    options: dict[str, str] = {}
    explicit: set[str] = set()
    for key, col in (overrides or {}).items():
        if key not in FIELDS[kind]:
            if not ("." in key or ":" in key or key in OPTION_KEYS):
                raise IngestError(f"{file_name}: {key!r} is not a field of {kind}; fields are "
                                  f"{', '.join(FIELDS[kind])}.")
            options[key] = "" if col is None else str(col)
            continue
        if col in (None, ""):
            if key in mapping:
                how.pop(key, None)
                not_mapped[key] = f"column '{mapping.pop(key)}' left out as the import was told"
            options[key] = ""
            continue
        if col not in columns:
            by_label = [c for c in columns if labels.get(c) == col]
            if not by_label:
                raise IngestError(f"{file_name}: column {col!r} (mapped to {key}) is not in the "
                                  f"file; its columns are: {', '.join(columns)}.")
            col = by_label[0]
        for f, c in list(mapping.items()):
            if c == col and f != key:
                del mapping[f]  # a column feeds one field: the caller's choice wins
                how.pop(f, None)
        mapping[key] = col
        explicit.add(key)
        runners = how.get(key, "").partition("; runner-ups: ")[2]
        how[key] = "as the import was told" + (f"; runner-ups: {runners}" if runners else "")
        not_mapped.pop(key, None)
    parse_options(kind, columns, options, file_name)
    # A score column refused for its scale is taken when the caller states the scale.
    for f, (col, why) in auto.scale_refused.items():
        if f"{f}.scale" in options and f not in mapping and f not in explicit \
                and col not in mapping.values() and options.get(f) != "":
            mapping[f] = col
            how[f] = f"{why}; on the {options[f'{f}.scale']} scale the import was told"
            not_mapped.pop(f, None)
    for key, value in options.items():
        if key.startswith("set:"):
            fld = key[4:]
            if fld in explicit:
                raise IngestError(f"{file_name}: {fld} is both mapped to column {mapping[fld]!r} and "
                                  f"set to {value!r} for every row: choose one.")
            if fld in mapping:
                how[fld] = f"every row set to '{value}' (column '{mapping.pop(fld)}' not used)"
            else:
                how[fld] = f"every row set to '{value}'"
            not_mapped.pop(fld, None)
    for f in FIELDS[kind]:
        if f in mapping and f not in how:
            how[f] = "as the import was told"
    ordered = {f: mapping[f] for f in FIELDS[kind] if f in mapping}
    how = {f: how[f] for f in FIELDS[kind] if f in how}
    return ordered, Options(options, how=how, not_mapped=not_mapped), auto.notes


def constants(options: dict[str, str]) -> dict[str, str]:
    """{field: value} of the ``set:FIELD`` keys."""
    return {k[4:]: str(v).strip() for k, v in options.items() if k.startswith("set:")}


def kept_columns(options: dict[str, str]) -> set[str]:
    return {k[5:] for k, v in options.items() if k.startswith("keep:") and is_on(v)}


def ces_source_direction(column: str, label: str, options: dict[str, str],
                         implied: str | None) -> tuple[str | None, str]:
    """The direction of the source's CES and why: option, labels, or words in the question."""
    if options.get("ces.direction"):
        d = options["ces.direction"]
        if d not in ("effort", "ease"):
            raise IngestError("ces.direction is 'effort' (1 = least effort) or 'ease' (7 = easiest)")
        return d, "as the import was told"
    if implied:
        return implied, "as its labels say"
    text = norm_text(f"{column} {label}")
    if any(_contains(text, w) for w in _EASE_WORDS):
        return "ease", f"the question '{label or column}' asks how easy it was"
    if any(_contains(text, w) for w in _EFFORT_WORDS):
        return "effort", f"the question '{label or column}' asks about effort"
    return None, ""


# Saved mappings: a table of this package's own (not in schema.py), created on first use.
_SAVED_DDL = """
create table if not exists saved_mappings (
    name      varchar primary key,
    kind      varchar not null,
    mapping   varchar not null,
    saved_at  timestamp not null
)
"""


def save_mapping(con, name: str, mapping: dict[str, str | None], kind: str) -> None:
    """Store ``mapping`` (fields and options) under ``name``, replacing an older one."""
    if not name or not name.strip():
        raise IngestError("a saved mapping needs a name")
    if kind not in KINDS:
        raise IngestError(f"kind is one of {', '.join(KINDS)}")
    con.execute(_SAVED_DDL)
    con.execute("insert or replace into saved_mappings values ($n, $k, $m, $t)",
                {"n": name.strip(), "k": kind, "m": json.dumps(mapping, sort_keys=True),
                 "t": datetime.now()})


def load_mapping(con, name: str) -> tuple[str, dict[str, str | None]]:
    """(kind, mapping) saved under ``name``; ``IngestError`` naming the saved ones if unknown."""
    con.execute(_SAVED_DDL)
    row = con.execute("select kind, mapping from saved_mappings where name = $n",
                      {"n": name.strip()}).fetchone()
    if row is None:
        known = [r[0] for r in con.execute("select name from saved_mappings order by name").fetchall()]
        raise IngestError(f"no saved mapping named {name!r}; saved: {', '.join(known) or 'none'}.")
    return row[0], json.loads(row[1])


def list_mappings(con) -> pd.DataFrame:
    con.execute(_SAVED_DDL)
    return con.execute("select name, kind, mapping, saved_at from saved_mappings order by name").df()


def delete_mapping(con, name: str) -> None:
    con.execute(_SAVED_DDL)
    con.execute("delete from saved_mappings where name = $n", {"n": name})
