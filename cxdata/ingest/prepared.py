"""What checking a file gives the load: the typed rows with their explanations (``Prepared``), or
the problems that stop the import before anything is written (``MappingProblem``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .model import IngestError


class MappingProblem(IngestError):
    """The import stops before anything is written. ``problems``: one sentence each; ``fixes``:
    option keys that would settle them, with an example value; ``mapping`` and ``mapping_how``:
    the mapping as it stood, so a page can show it beside the problems."""

    def __init__(self, message: str, problems: list[str], fixes: dict[str, str],
                 mapping: dict[str, str], mapping_how: dict[str, str]):
        super().__init__(message)
        self.problems = problems
        self.fixes = fixes
        self.mapping = mapping
        self.mapping_how = mapping_how


@dataclass
class Prepared:
    kind: str
    mapping: dict[str, str]
    options: dict[str, str]
    conversions: list[str]
    frame: pd.DataFrame  # canonical columns + 'line' + 'source_id'; accepted rows only
    attributes: list[str]  # unmapped source columns, kept as text
    attr_frame: pd.DataFrame  # their values, accepted rows only
    rejects: pd.DataFrame  # line, column, value, reason
    rows_read: int
    notes: list[str] = field(default_factory=list)
    # field -> how its column was chosen ("its name is the synonym 'recordeddate'; runner-ups:
    # 'StartDate' (...)"), or the constant every row got
    mapping_how: dict[str, str] = field(default_factory=dict)
    # field -> why a column that seemed to offer it was not used ("column 'Ease' ... 0-5 scale")
    not_mapped: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # source columns not stored at all
    left_out_reasons: dict[str, str] = field(default_factory=dict)  # column -> why
    # category values stored differently from the source: field, value, stored, rows
    value_changes: list[dict] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)  # field -> value set for every row
