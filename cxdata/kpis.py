"""KPI formulas on plain counts (``domain.md``), their uncertainty, and the small-sample flag.

All figures are in the units a manager reads: NPS from -100 to +100, CSAT and shares in percent,
CES as a mean on its 1-7 scale. Every result carries its sample size ``n``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from . import catalog, i18n

Z95 = 1.96

# Below this many answers a figure is flagged "small sample". 30 is where the normal
# approximations behind the margins start to hold; at n = 30 an NPS margin is still around
# +/-30 points, so the flag is a warning, not a licence: the margin is always shown too.
SMALL_SAMPLE = catalog.SMALL_SAMPLE


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion, as percentages (0-100). ``(None, None)`` if n = 0."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


@dataclass(frozen=True)
class NPS:
    value: float | None  # -100..100
    n: int
    moe: float | None  # 95% margin of error, NPS points
    promoters: int
    passives: int
    detractors: int

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE

    @property
    def se(self) -> float | None:
        return None if self.moe is None else self.moe / Z95

    def as_dict(self) -> dict:
        return asdict(self) | {"small_sample": self.small}


def nps(promoters: int, passives: int, detractors: int) -> NPS:
    """NPS = %promoters (9-10) - %detractors (0-6), -100..100; n = all answered 0-10 scores.

    Margin at 95%: ``1.96 * sqrt((pP + pD - (pP - pD)^2) / n) * 100``.
    """
    n = promoters + passives + detractors
    if n == 0:
        return NPS(None, 0, None, 0, 0, 0)
    p_p, p_d = promoters / n, detractors / n
    value = (p_p - p_d) * 100
    var = max(0.0, p_p + p_d - (p_p - p_d) ** 2)
    return NPS(value, n, Z95 * math.sqrt(var / n) * 100, promoters, passives, detractors)


@dataclass(frozen=True)
class CSAT:
    value: float | None  # % satisfied (4-5 on 1-5)
    n: int
    low: float | None  # Wilson 95% interval, percent
    high: float | None
    satisfied: int

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE

    @property
    def se(self) -> float | None:
        if not self.n:
            return None
        p = self.satisfied / self.n
        return math.sqrt(p * (1 - p) / self.n) * 100

    def as_dict(self) -> dict:
        return asdict(self) | {"small_sample": self.small}


def csat(satisfied: int, n: int) -> CSAT:
    """CSAT = share of answers that are 4 or 5 on the 1-5 scale, in percent, with a Wilson interval."""
    if n == 0:
        return CSAT(None, 0, None, None, 0)
    low, high = wilson_interval(satisfied, n)
    return CSAT(satisfied / n * 100, n, low, high, satisfied)


@dataclass(frozen=True)
class CES:
    mean: float | None  # on the 1-7 scale, in the data set's direction
    n: int
    low_effort_pct: float | None  # % answering 1-2 (effort scale) or 6-7 (ease scale)
    low_effort_low: float | None  # Wilson 95% interval of that share
    low_effort_high: float | None
    sd: float | None
    direction: str  # "effort": 1 = least effort, lower is better; "ease": 7 = easiest
    low_effort: int = 0

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE

    @property
    def se(self) -> float | None:
        return None if self.sd is None or self.n < 2 else self.sd / math.sqrt(self.n)

    @property
    def mean_moe(self) -> float | None:
        return None if self.se is None else Z95 * self.se

    def as_dict(self) -> dict:
        return asdict(self) | {"small_sample": self.small}


def ces(total: float, total_sq: float, n: int, low_effort: int, direction: str = "effort") -> CES:
    """CES mean = total / n on 1-7; "% low effort" = share of 1-2 on the effort scale (1 = least
    effort) or of 6-7 on the ease scale (7 = easiest), with a Wilson interval. ``total_sq`` is the
    sum of squared scores, for the sample standard deviation."""
    if direction not in catalog.CES_DIRECTIONS:
        raise ValueError("direction is 'effort' or 'ease'")
    if n == 0:
        return CES(None, 0, None, None, None, None, direction, 0)
    mean = total / n
    sd = math.sqrt(max(0.0, (total_sq - n * mean * mean) / (n - 1))) if n > 1 else None
    low, high = wilson_interval(low_effort, n)
    return CES(mean, n, low_effort / n * 100, low, high, sd, direction, low_effort)


@dataclass(frozen=True)
class Change:
    """A period-over-period (or group vs rest) difference and whether it exceeds the noise."""

    delta: float | None
    margin: float | None  # 95% margin of the difference
    significant: bool

    @property
    def words(self) -> str:
        if self.delta is None:
            return i18n._("no comparison")
        if not self.significant:
            return i18n._("within the noise")
        return i18n._("up beyond the noise") if self.delta > 0 else i18n._("down beyond the noise")


def change(current: float | None, current_se: float | None, previous: float | None,
           previous_se: float | None, n_current: int = 0, n_previous: int = 0) -> Change:
    """Difference of two independent estimates; significant when |delta| > 1.96 * sqrt(se1² + se2²).

    When both standard errors are 0 (every answer alike on both sides, e.g. all promoters) the
    margin is 0: the difference is then called real only if both sides have at least
    ``SMALL_SAMPLE`` answers."""
    if current is None or previous is None or current_se is None or previous_se is None:
        return Change(None if current is None or previous is None else current - previous, None, False)
    delta = current - previous
    margin = Z95 * math.sqrt(current_se**2 + previous_se**2)
    if margin > 0:
        return Change(delta, margin, abs(delta) > margin)
    enough = min(n_current, n_previous) >= SMALL_SAMPLE
    return Change(delta, margin, enough and delta != 0)


# ---- the same figures for many groups at once ---------------------------------------------------
# A trend by day over three years has thousands of groups: one Python object per group cost more
# than the query. These compute column by column, in the same order of operations as the scalar
# functions above (so the same floats: tests/test_kpis.py checks them against each other), with
# NaN where the scalar function gives None.

def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


def wilson_arrays(successes: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """``wilson_interval`` for arrays of counts: (low, high) in percent, NaN where n = 0."""
    s, n = successes.astype("float64"), n.astype("float64")
    ok = n > 0
    nn = np.where(ok, n, 1.0)
    p = s / nn
    denom = 1 + z * z / nn
    centre = (p + z * z / (2 * nn)) / denom
    half = z * np.sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom
    low = np.maximum(0.0, centre - half) * 100
    high = np.minimum(1.0, centre + half) * 100
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def kpi_arrays(c: dict[str, np.ndarray], direction: str = "effort") -> dict[str, np.ndarray]:
    """Every figure of ``nps``, ``csat`` and ``ces`` for arrays of counts (``promoters``,
    ``passives``, ``detractors``, ``csat_sat``, ``csat_n``, ``ces_sum``, ``ces_sumsq``, ``ces_n``,
    ``ces_low``; missing counts as 0): nps, nps_moe, nps_se, nps_n, csat, csat_low, csat_high,
    csat_se, csat_n, ces, ces_moe, ces_se, ces_n, ces_low_effort_pct."""
    if direction not in catalog.CES_DIRECTIONS:
        raise ValueError("direction is 'effort' or 'ease'")
    prom, pas, det = (c[k].astype("int64") for k in ("promoters", "passives", "detractors"))
    n = prom + pas + det
    has = n > 0
    nn = np.where(has, n, 1).astype("float64")
    p_p, p_d = prom / nn, det / nn
    value = (p_p - p_d) * 100
    var = np.maximum(0.0, p_p + p_d - (p_p - p_d) ** 2)
    moe = Z95 * np.sqrt(var / nn) * 100
    out = {"nps": np.where(has, value, np.nan), "nps_moe": np.where(has, moe, np.nan)}
    out["nps_se"] = out["nps_moe"] / Z95
    out["nps_n"] = n

    sat, cn = c["csat_sat"].astype("int64"), c["csat_n"].astype("int64")
    p = _div(sat * 1.0, cn)
    out["csat"] = p * 100
    out["csat_low"], out["csat_high"] = wilson_arrays(sat, cn)
    out["csat_se"] = np.sqrt(p * (1 - p) / np.where(cn > 0, cn, 1)) * 100
    out["csat_n"] = cn

    total, total_sq = c["ces_sum"].astype("float64"), c["ces_sumsq"].astype("float64")
    en, low = c["ces_n"].astype("int64"), c["ces_low"].astype("int64")
    mean = _div(total, en)
    many = en > 1
    enf = np.where(many, en, 2).astype("float64")
    with np.errstate(invalid="ignore"):
        sd = np.where(many, np.sqrt(np.maximum(0.0, (total_sq - en * mean * mean) / (enf - 1))), np.nan)
    se = sd / np.sqrt(enf)
    out["ces"], out["ces_moe"], out["ces_se"], out["ces_n"] = mean, Z95 * se, se, en
    out["ces_low_effort_pct"] = _div(low * 1.0, en) * 100
    return out
