"""What checking a file finds beside its values: one reject per broken row (the first failing
check of a row wins), sentences on how the columns were read, problems that stop the import with
the options that would settle them, and the category values stored differently."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import _


class Rejector:
    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.rejected = np.zeros(len(lines), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask, column: str | None, values: pd.Series | None, reason) -> None:
        mask = np.asarray(mask, dtype=bool) & ~self.rejected
        if not mask.any():
            return
        vals = values[mask].astype("object").where(values[mask].notna(), None) if values is not None \
            else pd.Series([None] * int(mask.sum()), dtype="object")
        reasons = reason[mask] if isinstance(reason, pd.Series | np.ndarray) else reason
        self.parts.append(pd.DataFrame({
            "line": self.lines[mask], "column": column,
            "value": vals.to_numpy(dtype=object), "reason": np.asarray(reasons, dtype=object)
            if not isinstance(reasons, str) else reasons,
        }))
        self.rejected |= mask

    def frame(self, bad_rows: list[tuple[int, int, str]], expected_fields: int) -> pd.DataFrame:
        """Every reject, the rows the reader could not split included, in line order."""
        bad = pd.DataFrame([{"line": ln, "column": None, "value": text[:500],
                             "reason": _("expected {expected} fields, found {found}").format(
                                 expected=expected_fields, found=found)}
                            for ln, found, text in bad_rows],
                           columns=["line", "column", "value", "reason"])
        rejects = pd.concat([bad, *self.parts], ignore_index=True) if (self.parts or len(bad)) else bad
        return rejects.astype({"line": "int64"}).sort_values("line", kind="stable").reset_index(drop=True)


@dataclass
class Findings:
    rejects: Rejector
    conversions: list[str]  # how the columns were read, in the order found
    problems: list[str] = field(default_factory=list)  # each stops the import
    fixes: dict[str, str] = field(default_factory=dict)  # option key -> an example value
    changes: list[dict] = field(default_factory=list)  # field, value, stored, rows
