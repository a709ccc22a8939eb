"""The objects the import library hands back: results, previews, rejects, and its one error class."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


class IngestError(Exception):
    """A file that cannot be imported at all; the message names the file, what is wrong and what to do."""


@dataclass(frozen=True)
class Reject:
    line: int  # 1-based line in the source file, header lines counted
    column: str | None
    value: str | None
    reason: str


@dataclass
class ImportResult:
    import_id: int | None  # None on a dry run
    file_name: str
    kind: str
    rows_read: int
    loaded: int
    duplicates: int
    rejected: int
    rejects: list[Reject] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # canonical field -> source column
    conversions: list[str] = field(default_factory=list)  # human sentences, one per rule applied
    status: str = "done"  # 'done', or 'dry run'
    encoding: str = ""
    delimiter: str = ""
    header_style: str = "plain"
    blank_lines: int = 0  # empty lines skipped: not rows, not counted in rows_read
    source: str = ""  # the survey or export stream the import belongs to
    source_reason: str = ""
    key: str = ""  # 'id:<column>' or 'row-hash'
    key_reason: str = ""
    duplicates_in_source: int = 0  # rows whose key the source held already
    duplicates_in_file: int = 0  # rows whose id repeats an earlier line of the file
    replaced: list[int] = field(default_factory=list)  # imports undone by --replace
    mapping_how: dict[str, str] = field(default_factory=dict)  # field -> how its column was chosen
    not_mapped: dict[str, str] = field(default_factory=dict)  # field -> why a candidate was not used
    left_out: dict[str, str] = field(default_factory=dict)  # source column not stored -> why
    value_changes: list[dict] = field(default_factory=list)  # category values stored differently

    def as_dict(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "loaded": self.loaded,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "import_id": self.import_id,
            "file_name": self.file_name,
            "kind": self.kind,
            "status": self.status,
            "mapping": {f: {"column": c, "how": self.mapping_how.get(f, "")}
                        for f, c in self.mapping.items()},
            "not_mapped": dict(self.not_mapped),
            "left_out": list(self.left_out),
            "left_out_reasons": dict(self.left_out),
            "value_changes": list(self.value_changes),
            "conversions": list(self.conversions),
            "source": self.source,
            "key": self.key,
            "duplicates_in_source": self.duplicates_in_source,
            "duplicates_in_file": self.duplicates_in_file,
            "replaced": list(self.replaced),
        }


@dataclass
class Preview:
    file_name: str
    encoding: str
    delimiter: str  # the character itself
    header_style: str  # 'plain', 'qualtrics', 'surveymonkey'
    header_lines: int
    kind: str
    columns: list[str]  # source columns, as named after header detection
    labels: dict[str, str]  # source column -> question text, where the export has one
    mapping: dict[str, str]  # canonical field -> source column
    conversions: list[str]
    frame: pd.DataFrame  # the first rows as they will be loaded (rejected rows left out)
    rejects: list[Reject]  # rejects among the whole file, as the import would record them
    rows_read: int
    earlier: list[dict] = field(default_factory=list)  # live imports of the same content
    source: str = ""
    key: str = ""
    mapping_how: dict[str, str] = field(default_factory=dict)
    not_mapped: dict[str, str] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    value_changes: list[dict] = field(default_factory=list)

    @property
    def unmapped(self) -> list[str]:
        used = set(self.mapping.values())
        return [c for c in self.columns if c not in used]
