"""What the mapping tests share: their literal files and a reader that stops before the database
(the ``con`` fixture they use is the shared one of ``tests/conftest.py``)."""

from __future__ import annotations

from pathlib import Path

from cxdata.ingest import pipeline
from cxdata.ingest.read import read_raw

DATA = Path(__file__).resolve().parent.parent / "data" / "mapping"


def prepared(name: str, **mapping):
    return pipeline._prepare(read_raw(DATA / name), kind=None, mapping=mapping, date_format=None,
                             ces_direction="effort")
