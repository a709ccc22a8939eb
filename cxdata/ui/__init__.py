"""The only Streamlit-aware code in ``cxdata``: what the pages share.

A page reads as: ``view = start(...)`` (sidebar, filters, URL), its own controls
(``view.choice``), cached queries (``state``), figures (``figures``) drawn with ``charts.show``.
"""

from streamlit import delta_generator as _delta_generator
from streamlit import runtime as _runtime

from .page import View, start

__all__ = ["View", "start"]

# On its first element in a process Streamlit checks whether it runs in a Python REPL, to print a
# hint there, with ``inspect.stack()``: that reads the source of every frame and maps every loaded
# module to its file, 75-130 ms of the first page after a server start. Under ``streamlit run`` it
# never prints; mark the hint as shown. A private name of Streamlit 1.67 (pinned): if it goes
# away this does nothing, and tests/test_server_config.py says so.
def _skip_repl_check() -> None:
    if _runtime.exists() and hasattr(_delta_generator, "_use_warning_has_been_displayed"):
        _delta_generator._use_warning_has_been_displayed = True


_skip_repl_check()
