"""The math of key-driver analysis, on a correlation matrix: pure numpy, no SQL.

A *player* is a group of predictor columns that enters or leaves a model together (a score, or
every dummy of one categorical). With ``corr`` the correlation matrix of [outcome, predictors...]
(row and column 0 the outcome) and ``groups`` the predictor columns of each player (indices into
``corr``, so from 1):

- ``r2(corr, cols)``: R^2 of the least-squares regression of the outcome on ``cols``,
  ``r' R^+ r`` with ``R`` the predictors' correlations and ``r`` theirs with the outcome (``R^+``
  the pseudo-inverse: dummies nested in another categorical, such as touchpoints in channels, make
  ``R`` singular; R^2 is then that of the projection on the columns' span, as OLS gives; computed
  with a tiny ridge, see ``_quad``).
- ``shapley(corr, groups)``: each player's Shapley value of R^2 (the general dominance weight of
  Budescu 1993, the Shapley regression of Lipovetsky & Conklin 2001): its gain in R^2 when added
  to each subset of the others, averaged with the Shapley weights |S|! (p-|S|-1)! / p!. They sum to
  the full model's R^2. Needs R^2 of all 2^p subsets: ``MAX_PLAYERS`` at most.
- ``relative_weights(corr, groups)``: Johnson's (2000) relative weights, for more players: the
  outcome regressed on the orthogonal counterparts of the predictors, each predictor credited by
  its squared loadings; a player's weight is the sum of its columns' (Tonidandel & LeBreton 2015
  for sets of dummies). They also sum to R^2, and are close to the Shapley values in practice.
"""

from __future__ import annotations

import math

import numpy as np

MAX_PLAYERS = 12  # 2^12 = 4,096 regressions; more players fall back to relative weights
_TOL = 1e-10  # eigenvalues below this share of the largest are taken as 0 (collinear columns)
_RIDGE = 1e-9  # see _quad


def _quad(mat: np.ndarray, vec: np.ndarray) -> float:
    """``vec' mat^+ vec`` for a correlation matrix ``mat``: solved with a ridge of ``_RIDGE`` on the
    diagonal, which leaves R^2 as the pseudo-inverse gives it (to ~1e-9) when columns are
    collinear (``vec`` lies in ``mat``'s column space) at a tenth of the cost of an eigensolver."""
    sub = mat + _RIDGE * np.eye(len(vec))
    return float(vec @ np.linalg.solve(sub, vec))


def r2(corr: np.ndarray, cols) -> float:
    """R^2 of the outcome (column 0 of ``corr``) on the predictor columns ``cols``."""
    idx = np.asarray(cols, dtype=int)
    if idx.size == 0:
        return 0.0
    value = _quad(corr[np.ix_(idx, idx)], corr[idx, 0])
    return min(max(value, 0.0), 1.0)


def subset_r2(corr: np.ndarray, groups: list) -> np.ndarray:
    """R^2 of every subset of the players, indexed by bit mask (bit j: player j is in). Subsets
    with the same number of columns are solved together (one stacked ``solve`` per size: a Python
    loop of 4,096 small solves cost more than the arithmetic)."""
    p = len(groups)
    arrays = [np.asarray(g, dtype=int) for g in groups]
    by_width: dict[int, list[tuple[int, np.ndarray]]] = {}
    for mask in range(1, 1 << p):
        cols = np.concatenate([arrays[j] for j in range(p) if mask >> j & 1])
        by_width.setdefault(len(cols), []).append((mask, cols))
    out = np.zeros(1 << p)
    for width, items in by_width.items():
        if width == 0:
            continue
        masks = np.array([m for m, _ in items])
        idx = np.stack([c for _, c in items])  # subsets x width
        mats = corr[idx[:, :, None], idx[:, None, :]] + _RIDGE * np.eye(width)
        vecs = corr[idx, 0]
        sol = np.linalg.solve(mats, vecs[:, :, None])[:, :, 0]
        out[masks] = np.clip(np.sum(vecs * sol, axis=1), 0.0, 1.0)
    return out


def shapley_from_subsets(values: np.ndarray, p: int) -> np.ndarray:
    """Each player's Shapley value of a set function given on every bit mask of ``p`` players."""
    masks = np.arange(1 << p)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array([math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) if s < p else 0.0
                       for s in range(p + 1)])
    out = np.zeros(p)
    for j in range(p):
        without = masks[(masks >> j & 1) == 0]
        out[j] = float(np.sum(weight[sizes[without]] * (values[without | (1 << j)] - values[without])))
    return out


def shapley(corr: np.ndarray, groups: list) -> np.ndarray:
    """The Shapley decomposition of R^2 over the players (exact, all 2^p subsets)."""
    if len(groups) > MAX_PLAYERS:
        raise ValueError(f"{len(groups)} players: more than {MAX_PLAYERS}, use relative_weights")
    return shapley_from_subsets(subset_r2(corr, groups), len(groups))


def relative_weights(corr: np.ndarray, groups: list) -> np.ndarray:
    """Johnson's relative weights, summed per player."""
    cols = np.array([c for g in groups for c in g], dtype=int)
    rxx, rxy = corr[np.ix_(cols, cols)], corr[cols, 0]
    w, v = np.linalg.eigh(rxx)
    keep = w > _TOL * max(float(w[-1]), 1e-300)
    v, w = v[:, keep], w[keep]
    half = (v * np.sqrt(w)) @ v.T  # the symmetric square root: predictors on their orthogonal twins
    beta = (v / np.sqrt(w)) @ (v.T @ rxy)  # the outcome on the orthogonal twins
    eps = (half * half) @ (beta * beta)
    where = {c: i for i, c in enumerate(cols)}
    return np.array([float(sum(eps[where[c]] for c in g)) for g in groups])


def importance(corr: np.ndarray, groups: list) -> tuple[np.ndarray, str]:
    """(each player's share of R^2 in R^2 units, the method: ``shapley`` or ``relative_weights``)."""
    if len(groups) <= MAX_PLAYERS:
        return shapley(corr, groups), "shapley"
    return relative_weights(corr, groups), "relative_weights"
