"""Importing CSV exports of survey tools and CRMs: a library, with a thin CLI and page over it.

``read`` (encoding, delimiter, header rows) -> ``mapping`` (source columns to canonical fields)
-> ``validate`` (typed values or one reject per row; ``dates`` and ``scales`` do the parsing)
-> ``identity`` (source, row key, plausible dates)
-> ``load`` (one transaction: dedupe within the source, insert, record; and undo).
"""

from .load import import_rejects, list_imports, shared_rows, undo_import
from .mapping import delete_mapping, list_mappings, load_mapping, save_mapping
from .model import ImportResult, IngestError, Preview, Reject
from .pipeline import import_file, preview_file

__all__ = [
    "ImportResult", "IngestError", "Preview", "Reject", "delete_mapping", "import_file",
    "import_rejects", "list_imports", "list_mappings", "load_mapping", "preview_file",
    "save_mapping", "shared_rows", "undo_import",
]
