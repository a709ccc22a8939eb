"""Which source column feeds which canonical field: synonyms in English and Italian, value checks,
the caller's overrides, and mappings saved by name for the next export of the same tool.

A mapping is ``{canonical_field: source_column}``. Options ride along in the same dict under
``field.option`` keys, so they pass through ``--map`` and saved mappings unchanged:

- ``<score>.scale``: the source scale, e.g. ``csat.scale=0-5`` (converted by a stated rule);
- ``ces.direction``: ``effort`` (1 = least effort) or ``ease`` (7 = easiest) in the source.

A field mapped to ``""`` or ``None`` is left unmapped on purpose.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from ..schema import INTERACTION_FIELDS, RESPONSE_FIELDS, SCORE_RANGES
from .dates import parse_datetimes
from .model import IngestError
from .scales import norm_text, parse_score

KINDS = ("responses", "interactions")
FIELDS = {"responses": RESPONSE_FIELDS, "interactions": INTERACTION_FIELDS}
TIME_FIELD = {"responses": "responded_at", "interactions": "occurred_at"}
ID_FIELD = {"responses": "response_id", "interactions": "event_id"}
REQUIRED = {"responses": ("responded_at",),
            "interactions": ("customer_id", "occurred_at", "channel", "stage")}
OPTION_KEYS = {f"{f}.scale" for f in SCORE_RANGES} | {"ces.direction"}

_COMMON = {
    "customer_id": ["customer id", "customerid", "id cliente", "codice cliente", "client id",
                    "cliente", "customer", "user id", "userid", "contact id", "account id",
                    "email", "email address", "e mail", "recipientemail"],
    "channel": ["channel", "canale", "canale di contatto", "contact channel", "channel used"],
    "touchpoint": ["touchpoint", "touch point", "punto di contatto", "point of contact"],
    "segment": ["segment", "segmento", "customer segment", "customer type", "tipo cliente",
                "tipologia cliente", "categoria cliente"],
    "region": ["region", "regione", "area", "zona", "country", "paese", "nazione", "territory",
               "provincia"],
    "product": ["product", "prodotto", "product name", "nome prodotto", "servizio", "service"],
}
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "responses": _COMMON | {
        "response_id": ["response id", "responseid", "respondent id", "id risposta", "#",
                        "record id", "submission id", "survey response id", "id"],
        "responded_at": ["responded at", "response date", "data risposta", "recordeddate",
                         "recorded date", "submit date", "submitted at", "date submitted",
                         "submission date", "enddate", "end date", "response timestamp formatted",
                         "response timestamp", "timestamp", "informazioni cronologiche",
                         "data", "date", "created at", "completed at", "startdate", "start date"],
        "journey_stage": ["journey stage", "stage", "fase", "fase del percorso", "lifecycle stage"],
        "nps": ["nps", "net promoter", "how likely are you to recommend", "likely to recommend",
                "likelihood to recommend", "would you recommend", "recommend",
                "probabilita di consigliare", "consiglieresti", "consigliare", "raccomandare",
                "voto", "ltr", "nps score", "punteggio nps", "score"],
        "csat": ["csat", "customer satisfaction", "overall satisfaction", "how satisfied",
                 "satisfaction", "satisfied", "soddisfazione", "soddisfatto", "csat score"],
        "ces": ["ces", "customer effort", "effort", "sforzo", "ease", "easy", "facile", "facilita",
                "ces score"],
        "needs_met": ["needs met", "needs_met", "found what", "trovato", "bisogni", "esigenze"],
        "enjoyment": ["enjoyment", "enjoyable", "enjoy", "pleasant", "piacevole", "gradevole"],
        "cx_level": ["cx level", "cx_level", "livello cx", "pyramid level", "livello piramide"],
        "comment": ["comment", "comments", "commento", "commenti", "feedback", "verbatim",
                    "open ended", "why", "perche", "motivo", "reason", "suggerimenti", "note",
                    "notes", "anything else", "altro"],
    },
    "interactions": _COMMON | {
        "event_id": ["event id", "eventid", "id evento", "interaction id", "activity id", "id"],
        "occurred_at": ["occurred at", "event time", "data evento", "timestamp", "datetime",
                        "date", "data", "created at", "time"],
        "stage": ["stage", "fase", "journey stage", "funnel stage", "step"],
        "session_id": ["session id", "sessionid", "id sessione", "session", "sessione", "visit id"],
        "revenue": ["revenue", "ricavo", "ricavi", "fatturato", "amount", "importo", "order value",
                    "valore", "value"],
    },
}
_SCORE_FIELDS = set(SCORE_RANGES)
# Survey tools' metadata columns whose names look like a field but are not one (Qualtrics'
# DistributionChannel is how the survey was sent, not the customer's channel).
_NEVER = {"distributionchannel", "distribution channel", "status", "ipaddress", "ip address",
          "progress", "finished", "userlanguage", "collector id", "network id"}
_EASE_WORDS = ("easy", "ease", "facile", "facilita", "semplice")
_EFFORT_WORDS = ("effort", "sforzo", "difficult", "difficolta")


def _contains(haystack: str, phrase: str) -> bool:
    return f" {phrase} " in f" {haystack} "


def _match_level(name: str, label: str, phrase: str) -> int:
    if name == phrase or name.replace(" ", "") == phrase.replace(" ", ""):
        return 3
    if len(phrase) >= 3 and _contains(name, phrase):
        return 2
    if label and len(phrase) >= 3 and _contains(label, phrase):
        return 1
    return 0


def _fits(field: str, values: pd.Series) -> bool:
    """Whether most present values can feed ``field`` (scores and times only)."""
    sample = values.dropna().head(500)
    if sample.empty:
        return True
    if field in _SCORE_FIELDS:
        nums, _ = parse_score(sample, field, [])
        return nums.notna().mean() >= 0.8
    if field in ("responded_at", "occurred_at"):
        parsed, _ = parse_datetimes(sample, None, field)
        return parsed.notna().mean() >= 0.8
    return True


def auto_map(kind: str, columns: list[str], labels: dict[str, str],
             frame: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """The automatic mapping of one kind, and sentences for choices made from values."""
    names = {c: norm_text(c) for c in columns}
    texts = {c: norm_text(labels.get(c, "")) for c in columns}
    candidates = []
    for field, phrases in SYNONYMS[kind].items():
        for idx, phrase in enumerate(phrases):
            for c in columns:
                level = _match_level(names[c], texts[c], phrase)
                if level:
                    candidates.append(((level, -idx, len(phrase)), field, c))
    candidates.sort(key=lambda x: x[0], reverse=True)
    best_level = {}
    for (level, _, _), field, c in candidates:
        best_level[(field, c)] = max(level, best_level.get((field, c), 0))

    def level_of(field: str, col: str) -> int:
        return best_level.get((field, col), 0)

    mapping: dict[str, str] = {}
    used: set[str] = set()
    rejected: set[tuple[str, str]] = set()
    for _, field, col in candidates:
        if field in mapping or col in used or (field, col) in rejected:
            continue
        if names[col] in _NEVER or (level_of(field, col) < 3 and not _fits(field, frame[col])):
            rejected.add((field, col))
            continue
        mapping[field] = col
        used.add(col)
    notes: list[str] = []
    # Value ranges where names did not help: one whole-number 0-10 column is the NPS.
    if kind == "responses" and "nps" not in mapping:
        found = []
        for c in columns:
            if c in used:
                continue
            v = pd.to_numeric(frame[c].dropna().head(2000), errors="coerce")
            if len(v) and v.notna().all() and (v % 1 == 0).all() and v.min() >= 0 and v.max() <= 10 \
                    and v.max() > 7:
                found.append(c)
        if len(found) == 1:
            mapping["nps"] = found[0]
            used.add(found[0])
            notes.append(f"nps: column '{found[0]}' chosen by its values (whole numbers 0-10).")
    time_field = TIME_FIELD[kind]
    if time_field not in mapping:
        for c in columns:
            if c not in used and frame[c].notna().any() and _fits(time_field, frame[c]) \
                    and pd.to_numeric(frame[c].dropna().head(50), errors="coerce").isna().all():
                mapping[time_field] = c
                used.add(c)
                notes.append(f"{time_field}: column '{c}' chosen because its values are dates.")
                break
    return mapping, notes


def detect_kind(columns: list[str], labels: dict[str, str], frame: pd.DataFrame,
                file_name: str = "the file") -> str:
    resp, _ = auto_map("responses", columns, labels, frame)
    if _SCORE_FIELDS & set(resp):
        return "responses"
    inter, _ = auto_map("interactions", columns, labels, frame)
    if "stage" in inter or "revenue" in inter or "session_id" in inter:
        return "interactions"
    raise IngestError(
        f"{file_name}: cannot tell whether it holds survey responses or interactions: no column looks like "
        "a score (NPS, CSAT, CES) or a journey stage. Pass the kind (--kind) and map the columns "
        "(--map FIELD=COLUMN)."
    )


def resolve(kind: str, columns: list[str], labels: dict[str, str], frame: pd.DataFrame,
            overrides: dict[str, str | None] | None, file_name: str
            ) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """(mapping, options, notes): the automatic mapping with the caller's overrides applied."""
    mapping, notes = auto_map(kind, columns, labels, frame)
    options: dict[str, str] = {}
    for key, col in (overrides or {}).items():
        if "." in key:
            if key not in OPTION_KEYS:
                raise IngestError(f"{file_name}: unknown mapping option {key!r}; options are "
                                  f"{', '.join(sorted(OPTION_KEYS))}.")
            options[key] = str(col)
            continue
        if key not in FIELDS[kind]:
            raise IngestError(f"{file_name}: {key!r} is not a field of {kind}; fields are "
                              f"{', '.join(FIELDS[kind])}.")
        if col in (None, ""):
            mapping.pop(key, None)
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
        mapping[key] = col
    ordered = {f: mapping[f] for f in FIELDS[kind] if f in mapping}
    return ordered, options, notes


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
