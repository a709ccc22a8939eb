"""Which source column feeds which canonical field: header synonyms in English and Italian
(``synonyms``), checks of the values (a score must fit its scale, free text is never an id or a
category), the caller's overrides, and mappings saved by name for the next export of the same tool.

Every guess is explained: ``resolve`` returns, beside the mapping, how each field's column was
chosen (exact name, words in the name, the question text, the values), the runner-up columns for
the date and the id, and why a field that a column seemed to offer was left unmapped.

The option keys and their grammar are in ``options``. The work is split by what it does:
``fields`` (the fields of each kind), ``headers`` (synonym matching), ``columns`` (what a column's
values say), ``automap`` (the automatic guess), ``overrides`` (the caller's choices applied, with
``resolve``), ``saved_mappings``. This module keeps the names callers import from it.
"""

from __future__ import annotations

from .automap import AutoMap, auto_map, detect_kind
from .columns import ces_source_direction, free_text, personal_reason, score_misfit
from .fields import (
    CATEGORY_FIELDS,
    FIELDS,
    ID_FIELD,
    KINDS,
    NOT_FREE_TEXT,
    REQUIRED,
    SETTABLE,
    TIME_FIELD,
)
from .options import (
    OPTION_KEYS,
    OPTION_PATTERNS,
    Options,
    constants,
    is_on,
    kept_columns,
    parse_options,
    value_maps,
)
from .overrides import resolve
from .saved_mappings import delete_mapping, list_mappings, load_mapping, save_mapping
from .synonyms import HEADERS

SYNONYMS = HEADERS  # the old name, for callers that list them

__all__ = [
    "CATEGORY_FIELDS", "FIELDS", "ID_FIELD", "KINDS", "NOT_FREE_TEXT", "OPTION_KEYS",
    "OPTION_PATTERNS", "REQUIRED", "SETTABLE", "SYNONYMS", "TIME_FIELD", "AutoMap", "Options",
    "auto_map", "ces_source_direction", "constants", "delete_mapping", "detect_kind", "free_text",
    "is_on", "kept_columns", "list_mappings", "load_mapping", "parse_options", "personal_reason",
    "resolve", "save_mapping", "score_misfit", "value_maps",
]
