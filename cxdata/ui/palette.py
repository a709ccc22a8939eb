"""One colour per group, the same in every chart of every page: ``colour(value)``, ``colours(values)``.

A group's colour depends on its value only, never on its rank or on what else a chart shows, so
"web" is the same colour in the Trends lines, the bars under them, the funnel and the journeys.
The values of the demo company and of the catalogue (channels, segments, products, stages,
loyalty tiers) have fixed colours, distinct within their dimension; any other value (an imported
channel, a region, a touchpoint) takes one by a stable hash of its text (the same in every
process, unlike Python's ``hash``).

The palette is Paul Tol's "muted" scheme as Plotly ships it (``plotly.express.colors.qualitative
.Safe``, its grey left out: grey means "other groups" here), readable by viewers with any of the
common colour-vision deficiencies. Better and worse are blue and orange (``GOOD``/``BAD``), never
red and green. Pure Python, no Streamlit: the report and the CLI use it too.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from cxdata.demo_params import CHANNELS, LOYALTY_TIERS, PRODUCTS, SEGMENTS
from cxdata.journeys import ALL_CHANNELS
from cxdata.schema import DEFAULT_STAGES

# dark first: a line in the first colours reads well on white; the pale sand comes late
SAFE = ("#332288", "#CC6677", "#117733", "#88CCEE", "#AA4499", "#44AA99", "#DDCC77", "#999933",
        "#882255", "#661100")
OTHERS = "#C9CED6"  # the groups a chart leaves out, in one bar
ACROSS = "#3C4650"  # the journeys across channels, drawn with the channels
# Better and worse: blue and orange, told apart by viewers who do not see red from green (and
# written in the bars' text too: colour is never the only sign); grey within the noise.
GOOD, BAD, NEUTRAL = "#2166AC", "#D95F02", "#8A94A6"

# Values with a fixed colour: each dimension's values in order, distinct within the dimension
# (two dimensions share colours: a chart shows one dimension at a time).
KNOWN_GROUPS = (CHANNELS, SEGMENTS, PRODUCTS, DEFAULT_STAGES, LOYALTY_TIERS)
KNOWN: dict[str, str] = {ALL_CHANNELS: ACROSS}
for _values in KNOWN_GROUPS:
    for _i, _value in enumerate(_values):
        KNOWN.setdefault(_value, SAFE[_i % len(SAFE)])
del _values, _i, _value


def _slot(value: str) -> int:
    return zlib.crc32(value.encode("utf-8")) % len(SAFE)


def colour(value: object) -> str:
    """The colour of one group: fixed for a known value, else by a stable hash of its text."""
    text = str(value)
    return KNOWN.get(text) or SAFE[_slot(text)]


def colours(values: Iterable[object]) -> dict[str, str]:
    """Each value's colour (``colour``), keyed by its text, for the groups of one chart. Two
    values of the chart that would share a colour by their hash are told apart: the later one (by
    name) takes the next free colour, so a colour is shared only beyond ``len(SAFE)`` groups. A
    value that does not collide keeps ``colour(value)`` whatever else the chart shows."""
    texts = list(dict.fromkeys(str(v) for v in values))
    out = {t: KNOWN[t] for t in texts if t in KNOWN}
    used = set(out.values())
    for t in sorted(t for t in texts if t not in out):
        out[t] = _free(_slot(t), used)
        used.add(out[t])
    return {t: out[t] for t in texts}


def _free(slot: int, used: set[str]) -> str:
    """The first colour from ``slot`` on that is not ``used`` (``slot``'s own when all are)."""
    ring = [SAFE[(slot + k) % len(SAFE)] for k in range(len(SAFE))]
    return next((c for c in ring if c not in used), SAFE[slot])
