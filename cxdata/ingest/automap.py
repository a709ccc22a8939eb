"""The automatic mapping of one kind of file, explained: header synonyms first, then the values
(one whole-number 0-10 column is the NPS; the time field by its dates), then the runner-ups of the
date and the id, and why a column a field seemed to find was refused."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..i18n import _
from .columns import date_like, date_rank, fits_time, free_text, id_like, personal_reason, score_misfit
from .fields import ID_FIELD, NOT_FREE_TEXT, SCORE_FIELDS, TIME_FIELD
from .headers import NEVER, header_matches, why_matched
from .model import IngestError
from .scales import fast_numeric, norm_text, read_score

_SAMPLE = 20_000  # rows read to judge a column's values; enough to see a 1% class of values


@dataclass
class AutoMap:
    mapping: dict[str, str]
    notes: list[str] = field(default_factory=list)
    how: dict[str, str] = field(default_factory=dict)  # field -> how its column was chosen
    not_mapped: dict[str, str] = field(default_factory=dict)  # field -> why a column was refused
    candidates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field -> (col, why)
    scale_refused: dict[str, tuple[str, str]] = field(default_factory=dict)  # score -> (col, why)


def auto_map(kind: str, columns: list[str], labels: dict[str, str], frame: pd.DataFrame) -> AutoMap:
    """The automatic mapping of one kind, explained."""
    guess = _Guess(kind, columns, labels, frame.head(_SAMPLE), AutoMap({}),
                   {c: norm_text(c) for c in columns})
    texts = {c: norm_text(labels.get(c, "")) for c in columns}
    guess.take_by_names(header_matches(kind, columns, guess.names, texts))
    guess.take_nps_by_values()
    _choose_time(kind, columns, guess.sample, guess.used, guess.out)
    guess.note_emails()
    _note_id_runner_ups(kind, columns, guess.sample, guess.used, guess.out, guess.is_free_text)
    return guess.out


@dataclass
class _Guess:
    """One automatic mapping under way; the checks of a column's values are cached, as many
    synonyms of many fields may match the same column."""

    kind: str
    columns: list[str]
    labels: dict[str, str]
    sample: pd.DataFrame
    out: AutoMap
    names: dict[str, str]  # column -> norm_text(column)
    used: set[str] = field(default_factory=set)
    _text: dict[str, bool] = field(default_factory=dict)
    _checked: dict[tuple[str, str], bool] = field(default_factory=dict)

    def is_free_text(self, col: str) -> bool:
        if col not in self._text:
            self._text[col] = free_text(self.sample[col])
        return self._text[col]

    def take_by_names(self, matches) -> None:
        """Each field the best usable column its synonyms match; for the time and the id, the
        other usable matches as runner-ups."""
        out = self.out
        keep_runners = (TIME_FIELD[self.kind], ID_FIELD[self.kind])
        for (level, _idx, _length), fld, col, phrase in matches:
            taken = fld in out.mapping or col in self.used
            if taken and fld not in keep_runners:
                continue
            seen = out.candidates.setdefault(fld, [])
            if any(c == col for c, _why in seen) or out.mapping.get(fld) == col:
                continue
            why = why_matched(level, phrase, self.labels.get(col, ""))
            if not self.usable(fld, col, level, why):
                continue
            if taken:
                seen.append((col, why))
                continue
            out.mapping[fld] = col
            self.used.add(col)
            out.how[fld] = why
        for fld in out.mapping:
            out.not_mapped.pop(fld, None)

    def usable(self, fld: str, col: str, level: int, why: str) -> bool:
        # Keyed without the level: the first (best) match of a column decides for the field.
        if (fld, col) not in self._checked:
            self._checked[(fld, col)] = self._usable(fld, col, level, why)
        return self._checked[(fld, col)]

    def _usable(self, fld: str, col: str, level: int, why: str) -> bool:
        if self.names[col] in NEVER:
            return False
        if fld in NOT_FREE_TEXT and self.is_free_text(col):
            self.out.not_mapped.setdefault(
                fld, (_("column '{column}' ({why}) not used: it holds free text, not ids.") if fld.endswith("_id")
                      else _("column '{column}' ({why}) not used: it holds free text, not categories.")).format(
                    column=col, why=why))
            return False
        if fld in SCORE_FIELDS:
            return self._score_fits(fld, col, level, why)
        if fld in TIME_FIELD.values() and level < 3:
            return fits_time(fld, self.sample[col])
        return True

    def _score_fits(self, fld: str, col: str, level: int, why: str) -> bool:
        read = read_score(self.sample[col], fld, [])
        present = int(self.sample[col].notna().sum())
        if present and read.num.notna().sum() < 0.8 * present and not read.labelled and level < 3:
            return False
        if misfit := score_misfit(fld, col, self.labels.get(col, ""), read.num):
            self.out.not_mapped.setdefault(fld, _("column '{column}' ({why}) not used: {misfit}.").format(
                column=col, why=why, misfit=misfit))
            self.out.scale_refused.setdefault(fld, (col, why))
            return False
        return True

    def take_nps_by_values(self) -> None:
        """Value ranges where names did not help: one whole-number 0-10 column is the NPS."""
        out = self.out
        if self.kind != "responses" or "nps" in out.mapping:
            return
        found = [c for c in self.columns
                 if c not in self.used and self.names[c] not in NEVER and self._nps_values(c)]
        if len(found) == 1:
            out.mapping["nps"] = found[0]
            self.used.add(found[0])
            out.how["nps"] = _("its values (whole numbers 0-10, the only such column)")
            out.notes.append(_("nps: column '{column}' chosen by its values (whole numbers 0-10).").format(
                column=found[0]))
            out.not_mapped.pop("nps", None)

    def _nps_values(self, col: str) -> bool:
        v = fast_numeric(self.sample[col].dropna().head(2000))
        return bool(len(v) and v.notna().all() and (v % 1 == 0).all() and v.min() >= 0
                    and v.max() <= 10 and v.max() > 7
                    and score_misfit("nps", col, self.labels.get(col, ""), v) is None)

    def note_emails(self) -> None:
        """An e-mail column could be the customer id, but is personal data: only when told."""
        if "customer_id" in self.out.mapping:
            return
        emails = [c for c in self.columns
                  if c not in self.used and personal_reason(c) == "an e-mail address"]
        if emails:
            self.out.not_mapped["customer_id"] = _(
                "column '{column}' holds e-mail addresses, personal data: not used unless the "
                "import is told (--map customer_id={column})").format(column=emails[0])


def _choose_time(kind: str, columns: list[str], sample: pd.DataFrame, used: set[str],
                 out: AutoMap) -> None:
    """The time field by name, else by values (response and submission dates before purchase,
    birth or start dates); the other date columns as runner-ups."""
    tf = TIME_FIELD[kind]
    named = [c for c, _why in out.candidates.get(tf, []) if c != out.mapping.get(tf)]
    dated = [c for c in columns if c not in used and c not in named and _dates_in(sample[c])]
    if tf not in out.mapping and dated:
        _take_time_by_values(tf, dated, used, out)
    if tf in out.mapping:
        _note_time_runner_ups(tf, dated, out)


def _note_time_runner_ups(tf: str, dated: list[str], out: AutoMap) -> None:
    runners = [f"'{c}' ({w})" for c, w in out.candidates.get(tf, []) if c != out.mapping[tf]]
    runners += [f"'{c}' ({_('values are dates')})" for c in dated if c != out.mapping[tf]]
    if runners:
        out.how[tf] += runner_ups(runners)


def runner_ups(runners: list[str]) -> str:
    """'; runner-ups: 'a' (why), 'b' (why)': the columns that could also have fed a field."""
    return _("; runner-ups: {columns}").format(columns=", ".join(runners))


def _dates_in(values: pd.Series) -> bool:
    return bool(values.notna().any() and date_like(values))


def _take_time_by_values(tf: str, dated: list[str], used: set[str], out: AutoMap) -> None:
    """The best-named of the date columns feeds ``tf``; it leaves ``dated``."""
    ranked = sorted(dated, key=lambda c: -date_rank(c))  # stable: file order breaks ties
    best = ranked[0]
    out.mapping[tf] = best
    used.add(best)
    rank = date_rank(best)
    out.how[tf] = (_("its values are dates and its name says it is the response's") if rank > 0
                   else _("its values are dates"))
    out.notes.append(_("{field}: column '{column}' chosen because its values are dates.").format(field=tf, column=best))
    dated.remove(best)


def _note_id_runner_ups(kind: str, columns: list[str], sample: pd.DataFrame, used: set[str],
                        out: AutoMap, is_free_text) -> None:
    """The runner-ups of the id chosen by name: other columns its synonyms matched, and columns
    named like an id whose values are all distinct (never chosen on that alone)."""
    idf = ID_FIELD[kind]
    if idf not in out.mapping:
        return
    others = [c for c in columns
              if c not in used and _distinct_id_column(c, sample, is_free_text)]
    runners = [f"'{c}' ({w})" for c, w in out.candidates.get(idf, []) if c != out.mapping[idf]]
    runners += [f"'{c}' ({_('named like an id, distinct values')})" for c in others
                if c != out.mapping[idf] and c not in out.mapping.values()]
    if runners:
        out.how[idf] += runner_ups(runners)


def _distinct_id_column(col: str, sample: pd.DataFrame, is_free_text) -> bool:
    return bool(id_like(col) and not is_free_text(col) and sample[col].notna().all()
                and sample[col].is_unique and len(sample))


def detect_kind(columns: list[str], labels: dict[str, str], frame: pd.DataFrame,
                file_name: str = "the file") -> str:
    resp = auto_map("responses", columns, labels, frame)
    # a score column refused for its scale still says the file holds survey responses
    if SCORE_FIELDS & (set(resp.mapping) | set(resp.not_mapped)):
        return "responses"
    inter = auto_map("interactions", columns, labels, frame).mapping
    if "stage" in inter or "revenue" in inter or "session_id" in inter:
        return "interactions"
    raise IngestError(_(
        "{file}: cannot tell whether it holds survey responses or interactions: no column looks like "
        "a score (NPS, CSAT, CES) or a journey stage. Pass the kind (--kind) and map the columns "
        "(--map FIELD=COLUMN).").format(file=file_name))

