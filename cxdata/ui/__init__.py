"""The only Streamlit-aware code in ``cxdata``: what the pages share.

A page reads as: ``view = start(...)`` (sidebar, filters, URL), its own controls
(``view.choice``), cached queries (``state``), figures (``figures``) drawn with ``charts.show``.
"""

from .page import View, start

__all__ = ["View", "start"]
