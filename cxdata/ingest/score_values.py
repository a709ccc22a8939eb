"""A score column as whole numbers on the canonical scale: labels read or listed as a problem,
the source scale stated or checked and converted, the CES turned to the data set's direction."""

from __future__ import annotations

import re

import pandas as pd

from ..i18n import _, ngettext
from ..schema import SCORE_RANGES
from .columns import ces_direction_hint, ces_source_direction, score_misfit
from .findings import Findings
from .model import IngestError
from .scales import convert_rule, read_score


def score_values(f: str, col: str, label: str, s: pd.Series, options: dict[str, str],
                 ces_direction: str, value_map: dict[str, str | None], found: Findings) -> pd.Series:
    numbers = {k: (None if v is None else float(v)) for k, v in value_map.items()}
    read = read_score(s, f, found.conversions, numbers)
    num = read.num
    present = (s.notna() & ~read.blanked).to_numpy()
    if read.unknown:
        _unread(f, col, s, read, present, found)
    found.rejects.add((num.notna() & (num % 1 != 0)).to_numpy(), col, s, _("not a whole number"))
    scale = _source_scale(f, col, label, num, options, found)
    if scale is None:  # the whole column is the problem, not its rows
        return pd.Series(pd.NA, index=s.index, dtype="Int8")
    a, b = scale
    found.rejects.add((num.notna() & ((num < a) | (num > b))).to_numpy(), col, s,
                      _("out of range {low}-{high}").format(low=a, high=b))
    if scale != SCORE_RANGES[f]:
        table, sentence = convert_rule(f, scale, told=True)
        found.conversions.append(sentence)
        num = num.map(table).astype("float64")
    if f == "ces":
        num = _ces_in_direction(num, col, label, options, read.direction, ces_direction, found)
    # Rejected rows may hold anything (1e9, -3): blank them before the narrow cast.
    return num.where(~found.rejects.rejected).round().astype("Int8")


def _unread(f: str, col: str, s: pd.Series, read, present, found: Findings) -> None:
    """Labels nobody gave a meaning stop the import; a stray word among numbers is a broken row."""
    unread = int(sum(read.unknown.values()))
    as_labels = read.labelled or unread * 2 > int(present.sum()) \
        or max(read.unknown.values()) >= 2
    if as_labels:
        found.problems.append(_unknown_labels(f, col, s, read.unknown, found.fixes))
    else:
        found.rejects.add(present & read.num.isna().to_numpy(), col, s,
                          _("not a number or a known label"))


def _source_scale(f: str, col: str, label: str, num: pd.Series, options: dict[str, str],
                  found: Findings) -> tuple[int, int] | None:
    """The scale the caller states, else the canonical one if the column fits it, else None with
    the problem noted."""
    if options.get(f"{f}.scale"):
        return parse_scale(options[f"{f}.scale"])
    misfit = score_misfit(f, col, label, num)
    if misfit:
        found.problems.append(_("{field}: column '{column}' does not fit: {why}.").format(field=f, column=col, why=misfit))
        found.fixes.setdefault(f"{f}.scale", misfit.split(f"{f}.scale=")[1].split()[0]
                               if f"{f}.scale=" in misfit else "LOW-HIGH")
        return None
    return SCORE_RANGES[f]


def _ces_in_direction(num: pd.Series, col: str, label: str, options: dict[str, str],
                      implied: str | None, ces_direction: str, found: Findings) -> pd.Series:
    """The CES in the data set's direction. The source's direction is the option, the labels or
    the question's own anchors ('1 = very easy'); words alone ('how easy was it?') that suggest
    the other direction stop the import with a question instead of a guess (domain: the scale
    direction is a setting, never a guess)."""
    conversions = found.conversions
    source, why = ces_source_direction(col, label, options, implied)
    hint = ces_direction_hint(col, label) if source is None else None
    if hint is not None and hint != ces_direction:
        found.problems.append((
            _("ces: the question '{question}' reads like the ease direction (7 = easiest), while this data "
              "set's CES runs in the {direction} direction: say which way the file's 1-7 runs with --map "
              "ces.direction=ease (7 = easiest: converted by 8 - x) or --map ces.direction=effort "
              "(1 = least effort: kept as it is).") if hint == "ease" else
            _("ces: the question '{question}' reads like the effort direction (1 = least effort), while this "
              "data set's CES runs in the {direction} direction: say which way the file's 1-7 runs with "
              "--map ces.direction=ease (7 = easiest: converted by 8 - x) or --map ces.direction=effort "
              "(1 = least effort: kept as it is).")).format(question=label or col, direction=ces_direction))
        found.fixes["ces.direction"] = ""
        return num
    if source is None:
        conversions.append((_("ces: taken as already in the data set's direction ({direction}, 1 = least "
                              "effort); pass ces.direction=ease or effort if the export differs.")
                            if ces_direction == "effort" else
                            _("ces: taken as already in the data set's direction ({direction}, 7 = easiest); "
                              "pass ces.direction=ease or effort if the export differs.")).format(
            direction=ces_direction))
    elif source != ces_direction:
        conversions.append(_("ces: source in the {source} direction ({why}), converted to the data set's "
                             "{direction} direction by 8 - x (1→7, 2→6, ... 7→1).").format(
            source=source, why=why, direction=ces_direction))
        return 8 - num
    return num


def _unknown_labels(f: str, col: str, s: pd.Series, unknown: dict[str, int],
                    fixes: dict[str, str]) -> str:
    """The sentence that lists a score column's unknown labels and the options that map them."""
    lo, hi = SCORE_RANGES[f]
    listed = "; ".join(ngettext("'{label}' ({rows} row): --map-value {option}=N",
                                "'{label}' ({rows} rows): --map-value {option}=N", rows).format(
        label=label, rows=rows, option=f"{f}:{_quoted(label)}") for label, rows in unknown.items())
    for label in unknown:
        fixes[f"{f}.value:{label}"] = ""
    distinct = s.dropna().nunique()
    binary = ""
    if distinct == 2 and f in ("csat", "needs_met", "enjoyment"):
        binary = " " + _("The column has two answers only: {field} counts the share of 4 and 5, so map the "
                         "positive answer to 5 and the other to 1 or 2 (a 'neutral or dissatisfied' answer "
                         "is not satisfied).").format(field=f.upper() if f == "csat" else f)
    return _("{field}: column '{column}' holds labels with no known score on its {low}-{high} scale: "
             "{listed}. Give each one a number (or nothing, for 'no answer'); no row was "
             "dropped in their place.").format(field=f, column=col, low=lo, high=hi, listed=listed) + binary


def _quoted(label: str) -> str:
    return f'"{label}"' if re.search(r"[\s=:\"']", label) else label


def parse_scale(text: str) -> tuple[int, int]:
    parts = text.replace("–", "-").split("-")
    try:
        a, b = int(parts[0]), int(parts[1])
    except (ValueError, IndexError) as exc:
        raise IngestError(_("a scale is written like 0-5 or 1-10, not {text}").format(text=repr(text))) from exc
    if b <= a:
        raise IngestError(_("a scale is written low-high, like 0-5 or 1-10, not {text}").format(text=repr(text)))
    return a, b
