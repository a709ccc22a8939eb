"""Key drivers: which measured things go with an outcome (NPS's 0-10 score, CSAT, CES), and how much.

``key_drivers(con, filters, kpi)`` under the current ``Filters``:

1. Candidates (``candidates``): the other scores (``SCORE_DRIVERS``: csat, ces, needs_met,
   enjoyment, never the outcome; NPS is an outcome only), imported attributes whose values are
   numeric ratings (at most ``MAX_RATING_VALUES`` distinct numbers; codes declared "not applicable"
   are missing: the ``na_codes`` argument, else the data set's setting ``rating_na_codes``, a
   comma-separated list such as ``0``), and the categorical dimensions (``CATEGORY_DRIVERS`` and
   imported attributes of at most ``MAX_LEVELS`` values), each a group of dummies.
2. Missing values, listwise: the rows with the outcome and every numeric driver answered. A numeric
   driver answered in fewer than ``MIN_COVERAGE`` of the rows with the outcome is left out (said in
   ``left_out``) rather than cost most rows. A missing category is its own level ``(none)``; levels
   with fewer than ``SMALL_SAMPLE`` rows are merged into ``(other)``.
3. One SQL pass (``driver_cells.read_cells``): the rows grouped by their categories' values, with the count, the
   sums and the cross-products of the outcome and the numeric drivers. The moment matrix of every
   column, dummies included, follows in numpy (``_moments``): a 10M-row table is read once. When
   the filters keep more than ``SAMPLE_ABOVE`` answers with the outcome, the pass (and step 2)
   reads the fixed sample ``cube.SAMPLE_TABLE`` instead (1 response in ``cube.SAMPLE_EVERY``, kept
   by every import and undo; as few of its parts as hold about ``SAMPLE_ROWS`` such answers), and
   the result says so (``sample_every``, ``note``); without that table (an older file opened
   read-only) every pass reads ``responses``.
4. Importance (``dominance``): the Shapley decomposition of R^2 over the drivers (a categorical's
   dummies are one player), exact up to ``dominance.MAX_PLAYERS`` drivers, Johnson's relative
   weights beyond. ``share`` is a driver's importance in percent of R^2; ``correlation`` is
   Pearson's r for a score or rating and, for a category, the correlation ratio eta (which equals
   the multiple R of its dummies), on the same rows; ``n`` the rows where the driver has a value.

Importance is association, not cause (``CAVEAT``). Method and references: docs/why.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from .. import catalog
from ..filters import Filters
from ..lookups import attribute_values, filter_values
from ..settings import get_setting
from . import dominance, driver_cells

KPIS = ("nps", "csat", "ces")
SCORE_DRIVERS = ("csat", "ces", "needs_met", "enjoyment")
CATEGORY_DRIVERS = ("channel", "segment", "touchpoint", "region", "product")
KINDS = ("score", "rating", "category")
MAX_RATING_VALUES = 11  # 0-10 at most: more distinct numbers is a measure, not a rating
MAX_LEVELS = 50  # a categorical attribute with more values is an id or free text
MAX_ATTRIBUTES = 30  # the most answered imported attributes (an airline export has 14 ratings)
MIN_COVERAGE = 0.5
SAMPLE_ABOVE = 250_000  # answers with the outcome (estimated from the sample) above which it answers
SAMPLE_ROWS = 70_000  # about the most answers with the outcome a sampled pass reads
SMALL_SAMPLE = catalog.SMALL_SAMPLE
NA_SETTING = "rating_na_codes"
OTHER, NONE = "(other)", "(none)"
CAVEAT = ("Importance is association, not cause: it says how much of the differences in the outcome "
          "go together with each driver, not what changing it would do.")


@dataclass(frozen=True)
class Candidate:
    name: str  # "csat", "channel", or "attr:<key>" for an imported attribute
    kind: str  # score / rating / category
    expr: str  # SQL over responses (identifiers from allowlists, attribute keys bound)
    levels: tuple[str, ...] = ()  # a category's values: its expr gives 1.. for them, 0 for none


@dataclass(frozen=True)
class Driver:
    name: str
    kind: str
    importance: float  # in R^2 units
    share: float  # percent of R^2
    correlation: float | None
    n: int
    small_sample: bool


@dataclass(frozen=True)
class DriverResult:
    kpi: str
    n: int  # rows in the model
    n_outcome: int  # rows with the outcome answered under the filters
    r2: float | None
    method: str | None  # shapley / relative_weights
    drivers: list[Driver]
    left_out: list[dict] = field(default_factory=list)
    note: str | None = None
    sample_every: int | None = None  # the figures are from 1 response in this many (n, n_outcome too)

    def as_dict(self) -> dict:
        return {"kpi": self.kpi, "n": self.n, "r2": self.r2,
                "drivers": [asdict(d) for d in self.drivers], "n_outcome": self.n_outcome,
                "method": self.method, "left_out": self.left_out, "note": self.note,
                "sample_every": self.sample_every, "caveat": CAVEAT}


def na_codes_setting(con) -> tuple[float, ...]:
    """The data set's declared "not applicable" rating codes (setting ``rating_na_codes``)."""
    raw = get_setting(con, NA_SETTING) or ""
    return parse_na_codes(raw.split(","))


def parse_na_codes(values) -> tuple[float, ...]:
    out = []
    for v in values:
        v = str(v).strip()
        if v:
            try:
                out.append(float(v))
            except ValueError:
                raise ValueError(f"a 'not applicable' rating code is a number, got {v!r}") from None
    return tuple(sorted(set(out)))


def _attribute_kinds(con, na: tuple[float, ...]) -> dict[str, tuple[str, list[str]]]:
    """Imported attribute key -> (``rating`` or ``category``, its values); others left out. From
    the per-import value table, not a scan of the rows."""
    out: dict[str, tuple[str, list[str]]] = {}
    for key, values in attribute_values(con, max_keys=MAX_ATTRIBUTES, max_values=MAX_LEVELS).items():
        numbers = []
        for v in values:
            try:
                numbers.append(float(v))
            except ValueError:
                break
        if len(numbers) == len(values):
            if 3 <= len({x for x in numbers if x not in na}) <= MAX_RATING_VALUES:
                out[key] = ("rating", values)
        elif len(values) >= 2:
            out[key] = ("category", values)
    return out


def _category(name: str, column: str, levels: list[str], params: dict) -> Candidate:
    """A category whose SQL gives the position of its value in ``levels`` (bound), 0 for none: the
    rows group on small integers, not strings (``filter_values`` and ``attribute_counts`` hold
    every stored value)."""
    p = f"lv{len([k for k in params if k.startswith('lv')])}"
    params[p] = list(levels)
    return Candidate(name, "category", f"coalesce(list_position(${p}, {column}), 0)", tuple(levels))


def candidates(con, kpi: str, na: tuple[float, ...], kinds=KINDS, params: dict | None = None) -> list[Candidate]:
    """Every candidate driver of ``kpi``; attribute keys and level lists go into ``params``."""
    params = {} if params is None else params
    out = [Candidate(s, "score", f"cast({s} as double)") for s in SCORE_DRIVERS if s != kpi and "score" in kinds]
    if "category" in kinds:
        stored = filter_values(con)
        out += [_category(c, c, stored[c], params) for c in CATEGORY_DRIVERS]
    params["na"] = list(na)
    for i, (key, (kind, values)) in enumerate(sorted(_attribute_kinds(con, na).items())):
        if kind not in kinds:
            continue
        params[f"ak{i}"] = key
        if kind == "rating":
            num = f"try_cast(attributes[$ak{i}] as double)"
            out.append(Candidate(f"attr:{key}", kind, f"case when list_contains($na, {num}) then null else {num} end"))
        else:
            out.append(_category(f"attr:{key}", f"attributes[$ak{i}]", values, params))
    return out


def _codes(codes: np.ndarray, n: np.ndarray, levels: tuple[str, ...]) -> tuple[np.ndarray, list[str]]:
    """Level codes per cell renumbered by size (0, the largest, is the reference), levels without
    rows dropped, rare ones merged into ``OTHER``; and the levels' names in that order."""
    names_all = [NONE, *levels]
    codes = np.asarray(codes, dtype=np.int64)
    sizes = np.bincount(codes, weights=n, minlength=len(names_all))
    order = [i for i in np.argsort(-sizes, kind="stable") if sizes[i] > 0]
    rank = np.zeros(len(names_all), dtype=np.int64)
    rank[order] = np.arange(len(order))
    names = [names_all[i] for i in order]
    rare = [k for k, i in enumerate(order) if sizes[i] < SMALL_SAMPLE]
    if len(rare) > 1:  # one rare level alone stays itself
        rank = np.where(np.isin(rank, rare), rare[0], rank)
        names = names[:rare[0]] + [OTHER]
    return rank[codes], names


@dataclass
class _Moments:
    cov: np.ndarray  # covariance of [outcome, numeric drivers..., dummies...]
    groups: list[list[int]]  # columns of each driver (numeric first, then categories), from 1
    known: list[int]  # rows where each driver has a value
    n: int


def _numeric_block(cells: dict, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(sums per cell, m x cells; the summed cross-products, m x m) of [outcome, numeric drivers]."""
    sums = np.array([cells[f"s{i}"].astype(float) for i in range(m)])
    prod = np.zeros((m, m))
    for i in range(m):
        for j in range(i, m):
            prod[i, j] = prod[j, i] = float(cells[f"p{i}_{j}"].astype(float).sum())
    return sums, prod


def _dummy_block(mom: np.ndarray, mean: np.ndarray, a: int, layout: tuple, n: np.ndarray,
                 sums: np.ndarray) -> None:
    """Fill category ``a``'s rows of the moment matrix: its means, its products with the numeric
    columns, and its joint counts with itself and every later category."""
    codes, sizes, starts = layout
    m = sums.shape[0]
    total = float(n.sum())
    sa = slice(starts[a], starts[a + 1])
    mean[sa] = np.bincount(codes[a], weights=n, minlength=sizes[a])[1:] / total
    mom[sa, :m] = np.array([np.bincount(codes[a], weights=row, minlength=sizes[a])[1:] for row in sums]).T
    mom[:m, sa] = mom[sa, :m].T
    for b in range(a, len(codes)):
        sb = slice(starts[b], starts[b + 1])
        joint = np.bincount(codes[a] * sizes[b] + codes[b], weights=n, minlength=sizes[a] * sizes[b])
        mom[sa, sb] = joint.reshape(sizes[a], sizes[b])[1:, 1:]
        mom[sb, sa] = mom[sa, sb].T


def _moments(cells: dict, q: int, cats: list[Candidate]) -> _Moments:
    """Moment matrix of every column from the cells: the numeric block from the summed products,
    dummy columns by ``bincount`` over the cells' level codes (no dense dummy matrix). A
    category's first level (its largest) is the reference, without a column."""
    n = cells["n"].astype(float)
    total, m = float(n.sum()), q + 1
    sums, prod = _numeric_block(cells, m)
    n_cats = len(cats)
    coded = [_codes(cells[f"c{j}"], n, c.levels) for j, c in enumerate(cats)]
    codes, sizes = [c for c, _ in coded], [len(names) for _, names in coded]
    starts = np.cumsum([m] + [s - 1 for s in sizes])
    width = int(starts[-1])
    mom, mean = np.zeros((width, width)), np.zeros(width)
    mom[:m, :m], mean[:m] = prod, sums.sum(axis=1) / total
    for a in range(n_cats):
        _dummy_block(mom, mean, a, (codes, sizes, starts), n, sums)
    groups = [[i] for i in range(1, m)] + [list(range(starts[a], starts[a + 1])) for a in range(n_cats)]
    known = [int(total)] * q + [int(n[np.asarray(cells[f"c{j}"]) != 0].sum()) for j in range(n_cats)]
    return _Moments(mom / total - np.outer(mean, mean), groups, known, int(total))


def _correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    ok = sd > 1e-12 * max(float(sd.max()), 1e-300)
    corr = np.zeros_like(cov)
    corr[np.ix_(ok, ok)] = cov[np.ix_(ok, ok)] / np.outer(sd[ok], sd[ok])
    np.fill_diagonal(corr, np.where(ok, 1.0, 0.0))
    return corr


def _enough(numeric: list[Candidate], answered: list[int], n_outcome: int) -> tuple[list[Candidate], list[dict]]:
    """(the numeric drivers answered in at least ``MIN_COVERAGE`` of the outcome's rows, the others
    with the reason they are left out)."""
    keep, left = [], []
    for c, a in zip(numeric, answered, strict=True):
        if a >= MIN_COVERAGE * n_outcome:
            keep.append(c)
        else:
            left.append({"name": c.name, "reason": f"answered in {a:,} of the {n_outcome:,} rows with "
                                                   f"the outcome (under {MIN_COVERAGE:.0%})"})
    return keep, left


def key_drivers(con, filters: Filters, kpi: str = "nps", na_codes=None, kinds=KINDS,
                sample_above: int | None = SAMPLE_ABOVE) -> DriverResult:
    """The drivers of ``kpi`` under ``filters``, most important first (see the module's doc).
    ``na_codes``: rating values that mean "not applicable" (default: the setting
    ``rating_na_codes``); ``kinds``: which kinds of driver to consider; ``sample_above``: the
    answers with the outcome above which the fixed sample answers (None: always every row)."""
    if kpi not in KPIS:
        raise ValueError(f"kpi is one of {KPIS}")
    na = na_codes_setting(con) if na_codes is None else parse_na_codes(na_codes)
    params: dict = {}
    cands = candidates(con, kpi, na, kinds, params)
    numeric = [c for c in cands if c.kind != "category"]
    cats = [c for c in cands if c.kind == "category"]
    rows = driver_cells.source(con, filters, kpi, numeric, params, sample_above, SAMPLE_ROWS)
    n_outcome, every = rows.n_outcome, rows.every
    numeric, left_out = _enough(numeric, rows.answered, n_outcome)
    cells = driver_cells.read_cells(con, filters, kpi, numeric, cats, params, rows)
    total = int(cells["n"].sum())
    if total < SMALL_SAMPLE:
        return DriverResult(kpi, total, n_outcome, None, None, [], left_out,
                            f"Too few answers ({total:,}) with the outcome and every driver: at least "
                            f"{SMALL_SAMPLE} are needed.")
    result = _rank(kpi, n_outcome, _moments(cells, len(numeric), cats), numeric + cats, left_out)
    return _sampled(result, every) if every else result


def sample_sentence(n: int, n_outcome: int, every: int) -> str:
    """What a sampled result says of itself (the page and the CLI show it with the figures); the
    filters' answers with the outcome, estimated, to two significant digits."""
    about = float(f"{n_outcome * every:.2g}")
    return (f"From a fixed sample of 1 answer in {every} (the same answers on every view): {n:,} with every "
            f"driver, {n_outcome:,} with the outcome, of about {about:,.0f} under these filters.")


def _sampled(result: DriverResult, every: int) -> DriverResult:
    said = sample_sentence(result.n, result.n_outcome, every)
    note = f"{said} {result.note}" if result.note else said
    return replace(result, note=note, sample_every=every)


def _drivers(drivers: list[Candidate], mom: _Moments, corr: np.ndarray, keep: list[int],
             weights: np.ndarray, r2: float) -> list[Driver]:
    out = []
    for j, w in zip(keep, weights, strict=True):
        d, g = drivers[j], mom.groups[j]
        r = float(np.sqrt(dominance.r2(corr, g))) if d.kind == "category" else float(corr[g[0], 0])
        share = float(w / r2 * 100) if r2 > 0 else 0.0
        out.append(Driver(d.name, d.kind, float(w), share, r, mom.known[j], mom.known[j] < SMALL_SAMPLE))
    return sorted(out, key=lambda d: -d.importance)


def _usable(mom: _Moments, corr: np.ndarray, drivers: list[Candidate], left_out: list[dict]
            ) -> tuple[list[int], list[list[int]]]:
    """(the drivers with some variance here, the columns of each that vary); the others are added
    to ``left_out``."""
    keep = [j for j, g in enumerate(mom.groups) if np.any(np.diag(corr)[g] > 0)]
    left_out += [{"name": d.name, "reason": "one value only under these filters"}
                 for j, d in enumerate(drivers) if j not in keep]
    return keep, [[c for c in mom.groups[j] if corr[c, c] > 0] for j in keep]


def _rank(kpi: str, n_outcome: int, mom: _Moments, drivers: list[Candidate], left_out: list[dict]) -> DriverResult:
    corr = _correlation(mom.cov)
    if corr[0, 0] == 0:
        return DriverResult(kpi, mom.n, n_outcome, None, None, [], left_out,
                            "Every answer has the same outcome here: nothing to explain.")
    keep, groups = _usable(mom, corr, drivers, left_out)
    r2 = dominance.r2(corr, [c for g in groups for c in g])
    weights, method = dominance.importance(corr, groups) if groups else (np.zeros(0), None)
    note = None
    if mom.n < 10 * corr.shape[0]:
        note = (f"{mom.n:,} answers for {corr.shape[0] - 1} model terms (fewer than 10 a term): the "
                "ranking is unstable; widen the filters.")
    return DriverResult(kpi, mom.n, n_outcome, r2, method, _drivers(drivers, mom, corr, keep, weights, r2),
                        left_out, note)
