"""Pain points: the touchpoints, and journey stage x channel cells, whose gap to the rest of the
answers costs the overall KPI the most, counted only where the gap is beyond the noise.

For a group g with a share s = n_g / n of the answers (n: answers to the KPI under the filters):

- ``gap``    = KPI(g) - KPI(rest), the rest being every other answer (the Segments page's "vs the
  rest"), in KPI units: NPS points, CSAT percentage points, CES scale points;
- ``margin`` = 1.96 * sqrt(se_g^2 + se_rest^2), the project's test of a difference
  (``kpis.change``): the gap counts only when |gap| > margin;
- ``impact`` = s * gap = KPI(all) - KPI(rest): how far the group moves the overall figure, i.e.
  what the overall figure would gain if the group answered like the rest (exact for NPS, CSAT
  and the CES mean, which are means over answers).

A pain point is a group whose gap is beyond the noise in the worse direction (for CES: higher on
the ``effort`` scale, lower on ``ease``; ``catalog.higher_is_better``), ranked by the points it
costs, largest first. Groups with fewer than ``SMALL_SAMPLE`` answers are flagged in ``small``,
never ranked. The counts come from the same count tables as every page (``queries.source``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from .. import catalog, fdr, kpis
from ..filters import Filters
from ..i18n import _
from ..queries import COUNT_COLUMNS, KpiSet, source

KPIS = ("nps", "csat", "ces")
SMALL_SAMPLE = catalog.SMALL_SAMPLE
LEVELS = {  # level -> the response columns it groups by (identifiers from code)
    "touchpoint": ("touchpoint",),
    "stage x channel": ("journey_stage", "channel"),
}


@dataclass(frozen=True)
class PainPoint:
    level: str  # touchpoint / stage x channel
    name: str  # "support call", or "retention · chat"
    stage: str | None
    channel: str | None
    n: int
    value: float | None  # the group's KPI
    rest: float | None  # the KPI of every other answer
    gap: float | None
    margin: float | None
    share: float  # percent of the answers
    impact: float | None  # share x gap, in KPI units (points of the overall figure)
    beyond_noise: bool  # after the Benjamini-Hochberg correction over every group compared
    p: float | None = None  # two-sided p of the gap
    p_adjusted: float | None = None  # Benjamini-Hochberg over every group of both levels


@dataclass(frozen=True)
class PainPoints:
    kpi: str
    n: int
    value: float | None  # the overall KPI
    higher_is_better: bool
    painpoints: list[PainPoint]  # ranked, the costliest first
    small: list[PainPoint] = field(default_factory=list)  # flagged, not ranked
    within_noise: int = 0  # groups whose gap is within the noise (or better than the rest)

    def as_dict(self) -> dict:
        return {"kpi": self.kpi, "n": self.n, "value": self.value, "higher_is_better": self.higher_is_better,
                "painpoints": [asdict(p) for p in self.painpoints], "small": [asdict(p) for p in self.small],
                "within_noise": self.within_noise}


def _group_counts(con, filters: Filters, columns: tuple[str, ...]) -> tuple[list[tuple], str]:
    """(rows of (group values..., counts of ``COUNT_COLUMNS``...), the CES direction)."""
    src = source(con, filters, list(columns))
    where, params = filters.where_sql(src.table)
    keys = ", ".join(columns)
    sql = (f"select {keys}, {src.counts} from {src.table} "  # noqa: S608 - columns from LEVELS
           f"where {where} group by all")
    return con.execute(sql, params | src.params).fetchall(), src.direction


def _assess(level: str, keys: tuple, counts: dict, totals: dict, kpi: str, direction: str) -> PainPoint:
    group = KpiSet.from_counts(counts, direction)
    rest = KpiSet.from_counts({k: totals[k] - counts[k] for k in COUNT_COLUMNS}, direction)
    change = group.compare(rest, kpi)
    n, n_all = group.n(kpi), KpiSet.from_counts(totals, direction).n(kpi)
    share = n / n_all if n_all else 0.0
    stage, channel = (keys[0], keys[1]) if level == "stage x channel" else (None, None)
    name = f"{stage} · {channel}" if stage is not None else str(keys[0])
    impact = None if change.delta is None else share * change.delta
    return PainPoint(level, name, stage, channel, n, group.headline(kpi)[0], rest.headline(kpi)[0],
                     change.delta, change.margin, share * 100, impact, change.significant)


def _level(con, filters: Filters, kpi: str, level: str) -> tuple[list[PainPoint], str, dict]:
    rows, direction = _group_counts(con, filters, LEVELS[level])
    width = len(LEVELS[level])
    by_group = [(r[:width], dict(zip(COUNT_COLUMNS, (v or 0 for v in r[width:]), strict=True))) for r in rows]
    totals = {k: sum(c[k] for _, c in by_group) for k in COUNT_COLUMNS}
    # a group without a touchpoint (or stage, channel) recorded is not a place to fix
    points = [_assess(level, keys, c, totals, kpi, direction) for keys, c in by_group if None not in keys]
    return [p for p in points if p.n > 0], direction, totals


def _is_pain(p: PainPoint, better_up: bool) -> bool:
    """Beyond the noise, and on the worse side of the rest."""
    return p.beyond_noise and bool(p.gap) and (p.gap < 0) == better_up


def _corrected(points: list[PainPoint], n_all: int) -> list[PainPoint]:
    """The points with their p, and beyond the noise only when they pass Benjamini-Hochberg at 5%
    over every group compared (touchpoints and cells together): dozens of comparisons per view
    would otherwise flag a few by chance."""
    ps = [fdr.p_value(kpis.Change(p.gap, p.margin, p.beyond_noise), p.n, n_all - p.n) for p in points]
    passes, adjusted = fdr.bh(ps)
    return [replace(p, p=pv, p_adjusted=adj, beyond_noise=ok)
            for p, pv, adj, ok in zip(points, ps, adjusted, passes, strict=True)]


def pain_points(con, filters: Filters, kpi: str = "nps") -> PainPoints:
    """Touchpoints and stage x channel cells ranked by the points of ``kpi`` their gap costs."""
    if kpi not in KPIS:
        raise ValueError(f"kpi is one of {KPIS}")
    found: list[PainPoint] = []
    for level in LEVELS:
        points, direction, totals = _level(con, filters, kpi, level)
        found += points
    overall = KpiSet.from_counts(totals, direction)
    better_up = catalog.higher_is_better(kpi, direction)
    small = sorted((p for p in found if p.n < SMALL_SAMPLE), key=lambda p: (p.level, p.name))
    big = _corrected([p for p in found if p.n >= SMALL_SAMPLE], overall.n(kpi))
    worse = sorted((p for p in big if _is_pain(p, better_up)), key=lambda p: -abs(p.impact))
    return PainPoints(kpi, overall.n(kpi), overall.headline(kpi)[0], better_up, worse, small,
                      len(big) - len(worse))


def margin_words(kpi: str) -> str:
    """The unit of a gap and its impact, for captions (in the current language)."""
    return _("CES points") if kpi == "ces" else _("points")


__all__ = ["KPIS", "PainPoint", "PainPoints", "kpis", "margin_words", "pain_points"]
