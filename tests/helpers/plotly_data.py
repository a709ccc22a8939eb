"""Reading a chart the way the browser gets it: Plotly sends numeric arrays base64-encoded."""

from __future__ import annotations

import base64

import numpy as np


def values(arr) -> list:
    """The values of a trace's array (``trace.y``...), decoded when Plotly sent them as binary."""
    if isinstance(arr, dict):
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"]).tolist()
    return list(arr)
