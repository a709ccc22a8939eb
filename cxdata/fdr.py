"""Many comparisons at once: a p-value for each ``kpis.Change`` and the Benjamini-Hochberg correction.

A view that runs dozens of "beyond the noise" tests (every segment against the rest, every group
against its previous period, every alert) would call a few of them differences by chance alone at
5% each. Benjamini and Hochberg (1995) keep the expected share of false findings among those
called differences at 5% instead: sort the m p-values, the k-th smallest passes when
``p_(k) <= 0.05 * k / m`` (and so does every smaller one). statsmodels' ``multipletests`` computes
it; its import costs a second or two (scipy), so it is imported on first use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .kpis import SMALL_SAMPLE, Z95, Change

FDR = 0.05  # the false discovery rate a view keeps


def p_value(ch: Change, n_a: int = 0, n_b: int = 0) -> float | None:
    """Two-sided p-value of the normal test behind ``kpis.change``: ``z = delta / se`` with
    ``se = margin / 1.96``, ``p = erfc(|z| / sqrt 2)``. None when there is no comparison.

    A margin of 0 (every answer alike on both sides) has no z: ``change`` then calls the
    difference real when both sides have ``SMALL_SAMPLE`` answers (p = 0), else not (p = 1)."""
    if ch.delta is None or ch.margin is None:
        return None
    if ch.margin > 0:
        return math.erfc(abs(ch.delta) / (ch.margin / Z95) / math.sqrt(2))
    return 0.0 if ch.delta != 0 and min(n_a, n_b) >= SMALL_SAMPLE else 1.0


def bh(pvalues: Sequence[float | None], alpha: float = FDR) -> tuple[list[bool], list[float | None]]:
    """(passes, adjusted p) for each p-value by Benjamini-Hochberg at ``alpha`` over the p-values
    given (None: no comparison, left out of the count m, never passes)."""
    idx = [i for i, p in enumerate(pvalues) if p is not None and not math.isnan(p)]
    passes: list[bool] = [False] * len(pvalues)
    adjusted: list[float | None] = [None] * len(pvalues)
    if not idx:
        return passes, adjusted
    from statsmodels.stats.multitest import multipletests  # heavy: on first use only

    reject, p_adj, _, _ = multipletests([pvalues[i] for i in idx], alpha=alpha, method="fdr_bh")
    for i, r, p in zip(idx, reject, p_adj, strict=True):
        passes[i], adjusted[i] = bool(r), float(p)
    return passes, adjusted
