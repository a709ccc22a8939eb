"""Importing CSV exports of survey tools and CRMs: a library, with a thin CLI and page over it.

``read`` (encoding, delimiter; ``header_rows``, ``data_rows``)
-> ``mapping`` (source columns to canonical fields: ``automap`` guesses, ``overrides`` applies the
caller's choices, ``options`` is the option grammar)
-> ``validate`` (typed values or one reject per row: ``field_values``, ``row_checks``; ``dates``
and ``scales`` do the parsing)
-> ``identity`` (source, row key, plausible dates)
-> ``load`` (one transaction: dedupe within the source, insert, record); ``undo``, ``import_history``.
"""

from .import_history import import_rejects, list_imports, shared_rows
from .model import ImportResult, IngestError, Preview, Reject
from .pipeline import import_file, preview_file
from .saved_mappings import delete_mapping, list_mappings, load_mapping, save_mapping
from .undo import undo_import

__all__ = [
    "ImportResult", "IngestError", "Preview", "Reject", "delete_mapping", "import_file",
    "import_rejects", "list_imports", "list_mappings", "load_mapping", "preview_file",
    "save_mapping", "shared_rows", "undo_import",
]
