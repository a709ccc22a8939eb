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
WIDE, SPLIT = 4, 4  # subset_r2 partials out up to SPLIT players of at least WIDE columns


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


def _plan(groups: list) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every non-empty subset of ``groups`` as (bit masks, stacked columns), one pair per number
    of columns, to solve each width in one stacked call."""
    arrays = [np.asarray(g, dtype=int) for g in groups]
    by_width: dict[int, list[tuple[int, np.ndarray]]] = {}
    for mask in range(1, 1 << len(groups)):
        cols = np.concatenate([arrays[j] for j in range(len(groups)) if mask >> j & 1])
        by_width.setdefault(len(cols), []).append((mask, cols))
    return [(np.array([m for m, _ in items]), np.stack([c for _, c in items]))
            for width, items in by_width.items() if width]


def _solve_plan(mat: np.ndarray, plan: list, size: int) -> np.ndarray:
    """``r_S' (M_SS + ridge)^-1 r_S`` of every subset of the plan, ``M`` = ``mat`` (row and
    column 0 the outcome), indexed by bit mask (0 for the empty one)."""
    out = np.zeros(size)
    for masks, idx in plan:
        mats = mat[idx[:, :, None], idx[:, None, :]] + _RIDGE * np.eye(idx.shape[1])
        vecs = mat[idx, 0]
        out[masks] = np.sum(vecs * np.linalg.solve(mats, vecs[:, :, None])[:, :, 0], axis=1)
    return out


def _partialled(corr: np.ndarray, cols: list[int]) -> tuple[np.ndarray, float]:
    """(``corr`` with ``cols`` partialled out of every column: the Schur complement of their
    ridged block; the outcome's variance they explain). A subset's quadratic form on the result,
    plus that share, is the form of the subset with ``cols`` added (block elimination: exact,
    ridge included)."""
    if not cols:
        return corr, 0.0
    block = corr[np.ix_(cols, cols)] + _RIDGE * np.eye(len(cols))
    side = corr[:, cols]
    return corr - side @ np.linalg.solve(block, side.T), float(corr[cols, 0] @ np.linalg.solve(block, corr[cols, 0]))


def _masks(players: list[int]) -> np.ndarray:
    """For each bit mask over ``players`` (bit i: ``players[i]``), the mask of the same players
    among all (bit j: player j)."""
    index = np.arange(1 << len(players))
    out = np.zeros(len(index), dtype=np.int64)
    for i, j in enumerate(players):
        out[(index >> i & 1) == 1] |= 1 << j
    return out


def subset_r2(corr: np.ndarray, groups: list) -> np.ndarray:
    """R^2 of every subset of the players, indexed by bit mask (bit j: player j is in). The
    widest players (up to ``SPLIT`` of at least ``WIDE`` columns, such as touchpoints and regions)
    are partialled out once per subset of them, and the other players' subsets solved on each
    partialled matrix in stacked calls per width: the same figures as one regression per subset,
    at a fraction of the arithmetic (the widest blocks are never solved again)."""
    p = len(groups)
    wide = sorted((j for j in range(p) if len(groups[j]) >= WIDE), key=lambda j: -len(groups[j]))[:SPLIT]
    rest = [j for j in range(p) if j not in wide]
    plan, spread = _plan([groups[j] for j in rest]), _masks(rest)
    out = np.zeros(1 << p)
    for sub, chosen in zip(_masks(wide), _subsets(wide), strict=True):
        mat, base = _partialled(corr, [c for j in chosen for c in groups[j]])
        out[spread | sub] = base + _solve_plan(mat, plan, 1 << len(rest))
    return np.clip(out, 0.0, 1.0)


def _subsets(players: list[int]) -> list[list[int]]:
    """Every subset of ``players``, in the order of their bit masks."""
    return [[j for i, j in enumerate(players) if sub >> i & 1] for sub in range(1 << len(players))]


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
