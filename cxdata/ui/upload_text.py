"""The words of the Upload and Imports pages, in the page's language: labels of the choices, the
sentences that say how a file was read and how its rows are identified, the fix inputs' questions,
the summary's and the import history's tables."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from cxdata import catalog, i18n, ingest
from cxdata.i18n import N_, _
from cxdata.schema import SCORE_RANGES

from .auth import shown_identity
from .text import plain

FIELD_LABELS = catalog.FIELD_LABELS


def in_this_language(fn: Callable[..., str]) -> Callable[..., str]:
    """``fn`` run in this page run's language whenever it is called: a selector's ``format_func``
    is also called after the run, outside it (AppTest does, to read the widget's value)."""
    lang = i18n.get_lang()

    def wrapped(*args) -> str:
        with i18n.using(lang):
            return fn(*args)
    return wrapped


# Labels are English, marked for the catalogue: translated where shown, _(KINDS[k]).
DELIMITERS = {",": N_("comma-separated"), ";": N_("semicolon-separated"), "\t": N_("tab-separated"),
              "|": N_("pipe-separated")}
HEADER_STYLES = {"plain": N_("one header row"), "qualtrics": N_("Qualtrics (3 header rows read as one)"),
                 "surveymonkey": N_("SurveyMonkey (2 header rows read as one)")}
KINDS = {"auto": N_("Detect from the columns"), "responses": N_("Survey responses"),
         "interactions": N_("Interactions (journey events)")}
DATE_FORMATS = {"auto": N_("Decide from the whole column"), "dayfirst": N_("Day first (dd/mm/yyyy)"),
                "monthfirst": N_("Month first (mm/dd/yyyy)")}
NOT_MAPPED = ""
_OWN_ID = N_("the export's own id: re-imports are recognised by it (else by row content)")
FIELD_NOTES = {
    "response_id": _OWN_ID, "event_id": _OWN_ID, "responded_at": N_("required"), "occurred_at": N_("required"),
    "customer_id": N_("required for interactions"), "stage": N_("required"),
    "channel": N_("required for interactions"),
}

def field_note(field: str) -> str | None:
    """What the field takes, in the page's language."""
    if field in SCORE_RANGES:
        lo, hi = SCORE_RANGES[field]
        return _("score {low}-{high} (other scales are converted by a stated rule)").format(low=lo, high=hi)
    return _(FIELD_NOTES[field]) if field in FIELD_NOTES else None


def field_help(base: ingest.Preview, field: str) -> str | None:
    """A mapping selector's help: how its column was chosen (or why none was), what it takes."""
    return " ".join(plain(t) for t in (base.mapping_how.get(field) or base.not_mapped.get(field),
                                       field_note(field)) if t) or None


def read_sentence(base: ingest.Preview) -> str:
    """'**How the file was read:** UTF-8, comma-separated, one header row; 1,000 rows of ...'."""
    delim = (_(DELIMITERS[base.delimiter]) if base.delimiter in DELIMITERS
             else _("{delimiter}-separated").format(delimiter=repr(base.delimiter)))
    style = _(HEADER_STYLES[base.header_style]) if base.header_style in HEADER_STYLES else base.header_style
    return _("**How the file was read:** {encoding}, {delimiter}, {header}; {n} rows of **{kind}**.").format(
        encoding=plain(base.encoding), delimiter=delim, header=style, n=i18n.count(base.rows_read),
        kind=_(KINDS[base.kind]).lower())


OPTIONS_HELP = N_(
    "One per line, as the command line spells them: `csat.value:Neutral or dissatisfied=2` (what a "
    "label means; empty = no answer), `channel.value:Telefono=phone`, `set:channel=email` (every row "
    "gets it), `ces.scale=0-5` (a score's source scale, converted by the stated rule), "
    "`keep:Email Address=yes` (keep a personal column), `accept_rejects=yes`, `product=` (unmap a "
    "guess), `nps=Q1` (map a column).")


def field_name(field: str) -> str:
    """The name people know for a field, in the page's language ('NPS (0-10)')."""
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field


def fix_label(key: str) -> str:
    """What an option key asks, in words, for the fix inputs."""
    if ".value:" in key:
        field, label = key.split(".value:", 1)
        if field not in SCORE_RANGES:
            return _("Which {field} is '{label}'? (a value to store, or 'none')").format(
                field=field_name(field).lower(), label=label)
        return _("What does '{label}' mean in {field}? (a number, or 'none' for no answer)").format(
            label=label, field=field_name(field))
    if key.startswith("set:"):
        return _("One value for every row's {field}").format(field=field_name(key[4:]))
    if key.endswith(".scale"):
        return _("The source scale of {field} (LOW-HIGH; converted by the stated rule)").format(
            field=field_name(key[:-6]))
    if key == "ces.direction":
        return _("Which way does the file's CES run? (ease: 7 = easiest; effort: 1 = least effort)")
    if key == "accept_rejects":
        return _("Load the other rows anyway (yes/no)")
    return key


def field_label(field: str) -> str:
    """'NPS (0-10) · nps': the name people know, then the field as the CLI's --map spells it."""
    return f"{field_name(field)} · {field}"


def column_label(columns_labels: dict[str, str], column: str) -> str:
    """'Q1 · How likely are you to recommend…' where the export has a question text."""
    if column == NOT_MAPPED:
        return _("(not mapped)")
    text = columns_labels.get(column, "")
    if text and text != column:
        return f"{column} · {text[:70]}{'…' if len(text) > 70 else ''}"
    return column


REJECT_COLUMNS = {"line": N_("line"), "column": N_("column"), "value": N_("value"), "reason": N_("reason")}


def shown_rejects(frame: pd.DataFrame) -> pd.DataFrame:
    """A rejects table with its headers in the page's language (the CSV download keeps them)."""
    return frame.rename(columns={c: _(t) for c, t in REJECT_COLUMNS.items()})


def summary(result: ingest.ImportResult) -> dict[str, int]:
    """The import's counts by label (English, marked: the page shows ``_(label)``)."""
    return {N_("Rows read"): result.rows_read, N_("Loaded"): result.loaded,
            N_("Duplicates"): result.duplicates, N_("Rejected"): result.rejected}


def identity_lines(result: ingest.ImportResult) -> list[str]:
    """How the import identified its rows, in the words of the CLI's summary."""
    lines = [_("Source: **{source}** ({why}).").format(source=plain(result.source), why=plain(result.source_reason)),
             _("Key: **{key}** ({why}).").format(key=plain(result.key), why=plain(result.key_reason))]
    if result.duplicates:
        lines.append(_("Duplicates: {in_source} already in this source (kept aside: they count again if the "
                       "import that holds them is undone), {in_file} repeated inside this file.").format(
            in_source=i18n.count(result.duplicates_in_source), in_file=i18n.count(result.duplicates_in_file)))
    lines += [_("Replaced import {id}: undone in the same transaction.").format(id=i) for i in result.replaced]
    return lines


def open_label(kind: str, first, last) -> str:
    """The summary's link to the page that shows the import, with the file's dates."""
    if not first:
        return _("Open the Overview") if kind == "responses" else _("Open the Funnel")
    text = (_("Open the Overview for {first} to {last}, the dates of this file") if kind == "responses"
            else _("Open the Funnel for {first} to {last}, the dates of this file"))
    return text.format(first=i18n.date(first), last=i18n.date(last))


def undo_outcome(con, import_id: int, loaded: int) -> str:
    """What an undo of ``import_id`` will do, before it is done: the rows that go, and those other
    imports of the same source delivered too (they stay, owned by the earliest of them)."""
    shared = ingest.shared_rows(con, import_id).get(int(import_id), {})
    if not shared:
        return _("I understand {n} rows will be removed").format(n=i18n.count(loaded))
    others = ", ".join(_("import {id} ({n} rows)").format(id=i, n=i18n.count(n)) for i, n in sorted(shared.items()))
    return _("I understand this import's {n} rows will be removed, except those that {others} "
             "delivered too: they stay, owned by the earliest of those imports").format(
        n=i18n.count(loaded), others=others)


IMPORT_COLUMNS = {
    "import_id": N_("Import"), "file_name": N_("File"), "started_at": N_("When"), "imported_by": N_("By"),
    "kind": N_("Kind"), "source": N_("Source"), "key": N_("Key"), "status": N_("Status"),
    "rows_read": N_("Rows read"), "loaded": N_("Loaded"), "duplicates": N_("Duplicates"),
    "rejected": N_("Rejected"),
}
# An import's kind and status as stored, in words (the stored values stay English)
KIND_WORDS = {"responses": N_("responses"), "interactions": N_("interactions")}
STATUS_WORDS = {"done": N_("done"), "undone": N_("undone"), "running": N_("running"), "failed": N_("failed")}


def word(table: dict[str, str], value) -> str:
    """A stored kind or status in the page's language (an unknown one as it is)."""
    return _(table[value]) if value in table else str(value)


def imports_table(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[list(IMPORT_COLUMNS)].copy()
    out["imported_by"] = out["imported_by"].map(lambda w: shown_identity(w) if isinstance(w, str) else _("(not recorded)"))
    out["kind"] = out["kind"].map(lambda k: word(KIND_WORDS, k))
    out["status"] = out["status"].map(lambda k: word(STATUS_WORDS, k))
    return out.rename(columns={c: _(t) for c, t in IMPORT_COLUMNS.items()})


def import_sentence(row: dict) -> str:
    """One import of the history in a sentence: file, kind, status, who, the counts, source, key."""
    return _("**{file}**: {kind}, {status}; by {who}. Rows read {read}: {loaded} loaded, {duplicates} "
             "duplicates ({in_source} already in its source, {in_file} repeated in the file), {rejected} "
             "rejected. Source **{source}**, rows keyed by {key}.").format(
        file=plain(row["file_name"]), kind=word(KIND_WORDS, row["kind"]), status=word(STATUS_WORDS, row["status"]),
        who=plain(shown_identity(row["imported_by"]) if row["imported_by"] else _("(not recorded)")), read=i18n.count(row["rows_read"]),
        loaded=i18n.count(row["loaded"]), duplicates=i18n.count(row["duplicates"]),
        in_source=i18n.count(row["duplicates_in_source"]), in_file=i18n.count(row["duplicates_in_file"]),
        rejected=i18n.count(row["rejected"]), source=plain(row["source"]), key=plain(row["key"]))
