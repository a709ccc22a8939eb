"""cxdata: customer experience analytics on DuckDB (NPS, CSAT, CES, funnels, the CX pyramid).

A plain library: usable from a notebook, a script or the CLI (``python -m cxdata``) without
Streamlit. Only ``cxdata.ui`` knows about Streamlit.
"""

from .db import DatabaseBusyError, connect, default_db_path
from .filters import Filters

__all__ = ["DatabaseBusyError", "Filters", "connect", "default_db_path"]
