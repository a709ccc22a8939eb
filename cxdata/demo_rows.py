"""The demo's rows, chunk by chunk: customers, the calendar, each batch of responses and of
journey events as a pyarrow table, and the SQL that inserts a batch. ``cxdata.demo`` drives them;
the model behind the scores is described there."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from .demo_params import (
    _THRESHOLDS,
    AFFINITY_IN_BUYING,
    AFFINITY_IN_REVENUE,
    AFFINITY_IN_SCORES,
    APP_CHECKOUT_BROKEN,
    APP_REDESIGN_EFFECT,
    BUY_BY_CHANNEL,
    CHANNEL_EFFECT,
    CHANNELS,
    CHAT_EFFORT_PENALTY,
    CHAT_NEEDS_BOOST,
    COMMENT_RATE,
    COMMENTS,
    CSAT_OUTSOURCING,
    EXTRA_EVENTS,
    GAP_DAYS,
    GO_ON,
    LOADING,
    LOWEST,
    LOYALTY_EFFECT,
    LOYALTY_MIX,
    LOYALTY_TIERS,
    MARGINALS,
    OUTSOURCING_EFFECT,
    PRODUCT_EFFECT,
    PRODUCT_MIX,
    PRODUCTS,
    REGIONS,
    RESPONSE_CHANNEL_MIX,
    RESPONSE_STAGE_MIX,
    REVENUE_EUR,
    SEGMENT_EFFECT,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    SOCIAL_TO_STORE_BUY,
    STAGE_CHANNEL_MIX,
    STAGES,
    STAY_ON_CHANNEL,
    TOUCHPOINTS,
    WAIT_BANDS,
    WAIT_EFFECT,
    WAIT_MIX,
    _month_start,
)


# --- building blocks -----------------------------------------------------------------------------
class Calendar:
    """Days from ``end - years`` to ``end``, weighted by growth, season and weekday."""

    def __init__(self, end: date, years: int):
        self.start = _month_start(end, 12 * years - 1)
        self.end = end
        days = np.arange(np.datetime64(self.start), np.datetime64(end + timedelta(days=1)))
        self.days = days
        t = np.linspace(0, 1, len(days))
        month = days.astype("datetime64[M]").astype(int) % 12 + 1
        season = np.select([month == 12, month == 8, month == 11], [1.25, 0.7, 1.15], 1.0)
        weekday = (days.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday
        w = (1 + 0.3 * t) * season * np.where(weekday == 6, 0.45, np.where(weekday == 5, 0.8, 1.0))
        self.cdf = _cdf(w)
        hours = np.array([0, 0, 0, 0, 0, 0, 1, 2, 5, 8, 9, 9, 8, 7, 8, 8, 8, 8, 9, 8, 6, 4, 2, 1], float)
        self.hour_cdf = _cdf(hours)
        self.end_us = (np.datetime64(end + timedelta(days=1)) - np.datetime64(0, "D")).astype(
            "timedelta64[us]").astype(np.int64)

    def sample_us(self, rng, n) -> np.ndarray:
        """Epoch microseconds of ``n`` random moments, busier in daytime and in December."""
        day = np.searchsorted(self.cdf, rng.random(n), side="right")
        hour = np.searchsorted(self.hour_cdf, rng.random(n), side="right")
        secs = hour * 3600 + rng.integers(0, 3600, n)
        return (self.days[day].astype("datetime64[s]").astype(np.int64) + secs) * 1_000_000


def _us(d: date) -> int:
    return int((np.datetime64(d) - np.datetime64(0, "D")).astype("timedelta64[us]").astype(np.int64))


def _cdf(weights) -> np.ndarray:
    """Cumulative probabilities of ``weights`` (per row), the last exactly 1."""
    w = np.asarray(weights, float)
    c = np.cumsum(w, axis=-1) / w.sum(axis=-1, keepdims=True)
    c[..., -1] = 1.0
    return c


def _draw(rng, weights, n: int) -> np.ndarray:
    """``n`` category indexes drawn with probabilities proportional to ``weights``."""
    return np.searchsorted(_cdf(weights), rng.random(n), side="right").astype(np.int8)


def _pick(rng, weights_rows: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One category per element, drawn from the weights ``weights_rows[row]``."""
    u = rng.random(len(row))
    return (u[:, None] >= _cdf(weights_rows)[row]).sum(axis=1).astype(np.int8)


def _cut(x: np.ndarray, score: str) -> np.ndarray:
    return (np.searchsorted(_THRESHOLDS[score], x) + LOWEST[score]).astype(np.int8)


def _dict_array(idx: np.ndarray, names, mask=None) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32), mask=mask), pa.array(list(names)))


class Customers:
    """Fixed per customer: segment, region, loyalty tier, main product (used in both tables)."""

    def __init__(self, n: int, seed: int):
        rng = np.random.default_rng([seed, 0])
        region_w = np.array(list(REGIONS.values()))
        self.n = n
        self.segment = _draw(rng, SEGMENT_WEIGHTS, n)
        self.region = _draw(rng, region_w, n)
        self.tier = _draw(rng, LOYALTY_MIX, n)
        self.product = _pick(rng, PRODUCT_MIX, self.segment)
        # How much the customer likes the brand, for good: it lifts both their scores and their
        # spending (the "promoters spend more" story); drawn last so the draws above stay as they were.
        self.affinity = rng.standard_normal(n)


def _touchpoint_tables():
    names: list[str] = []
    offset = np.zeros((len(CHANNELS), len(STAGES)), int)
    count = np.zeros_like(offset)
    for c, ch in enumerate(CHANNELS):
        for s, options in enumerate(TOUCHPOINTS[ch]):
            offset[c, s], count[c, s] = len(names), len(options)
            names.extend(options)
    return names, offset, count


TOUCHPOINT_NAMES, _TP_OFFSET, _TP_COUNT = _touchpoint_tables()


def _touchpoint(rng, ch: np.ndarray, st: np.ndarray) -> np.ndarray:
    return _TP_OFFSET[ch, st] + (rng.random(len(ch)) * _TP_COUNT[ch, st]).astype(int)


# --- responses -------------------------------------------------------------------------------------
def response_batch(rng, n: int, first_id: int, cust: Customers, cal: Calendar, d: dict) -> pa.Table:
    c = rng.integers(0, cust.n, n)
    seg, tier, prod = cust.segment[c], cust.tier[c], cust.product[c]
    ts = cal.sample_us(rng, n)
    ch = _draw(rng, RESPONSE_CHANNEL_MIX, n)
    st = _pick(rng, RESPONSE_STAGE_MIX, ch)
    on = {name: ch == CHANNELS.index(name) for name in ("phone", "chat", "app")}
    on["outsourced"] = on["phone"] & (ts >= _us(d["outsourcing_from"])) & (ts < _us(d["outsourcing_to"]))
    on["recovering"] = on["phone"] & (ts >= _us(d["outsourcing_to"])) & (ts < _us(d["recovery_to"]))
    on["redesigned"] = on["app"] & (ts >= _us(d["app_redesign"]))
    wait, z = _latent(rng, n, ch, seg, prod, tier, on, cust.affinity[c])
    scores = _scores(rng, n, z, on)
    missing = _unasked(rng, n)
    comment, no_comment, pools = _comments(rng, n, scores, on, wait)
    return pa.table({
        "rid": pa.array(np.arange(first_id, first_id + n, dtype=np.int64)),
        "cust": pa.array(c + 1),
        "responded_at": pa.array(ts.astype("datetime64[us]")),
        "channel": _dict_array(ch, CHANNELS),
        "touchpoint": _dict_array(_touchpoint(rng, ch, st), TOUCHPOINT_NAMES),
        "journey_stage": _dict_array(st, STAGES),
        "segment": _dict_array(seg, SEGMENTS),
        "region": _dict_array(cust.region[c], REGIONS),
        "product": _dict_array(prod, PRODUCTS),
        **{k: pa.array(scores[k], mask=missing[k]) for k in MARGINALS},
        "comment": _dict_array(comment, [s for p in pools for s in p], mask=no_comment),
        "tier": _dict_array(tier, LOYALTY_TIERS),
        "wait_band": _dict_array(np.maximum(wait, 0), WAIT_BANDS, mask=wait < 0),
    })


def _latent(rng, n: int, ch, seg, prod, tier, on: dict, affinity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(wait band, latent experience z) of each response: the effects of its channel, segment,
    product, loyalty, wait, the outsourcing and the app redesign, and the customer's affinity
    (a share ``AFFINITY_IN_SCORES`` of the noise, so z keeps its spread)."""
    wait = np.full(n, -1, np.int8)
    for mask, mix in ((on["phone"] & ~on["outsourced"], "phone"), (on["outsourced"], "phone_outsourced"),
                      (on["chat"], "chat")):
        wait[mask] = _draw(rng, WAIT_MIX[mix], int(mask.sum()))
    z = (CHANNEL_EFFECT[ch] + SEGMENT_EFFECT[seg] + PRODUCT_EFFECT[prod] + LOYALTY_EFFECT[tier]
         + np.sqrt(1 - AFFINITY_IN_SCORES ** 2) * rng.standard_normal(n) + AFFINITY_IN_SCORES * affinity)
    z[on["phone"]] += WAIT_EFFECT["phone"][wait[on["phone"]]]
    z[on["chat"]] += WAIT_EFFECT["chat"][wait[on["chat"]]]
    z[on["outsourced"]] += OUTSOURCING_EFFECT
    z[on["recovering"]] += OUTSOURCING_EFFECT / 2
    z[on["redesigned"]] += APP_REDESIGN_EFFECT
    return wait, z


def _scores(rng, n: int, z: np.ndarray, on: dict) -> dict[str, np.ndarray]:
    """Each score: z mixed with its own noise and one story's shift, cut at its thresholds."""
    shift = {k: np.zeros(n) for k in MARGINALS}
    shift["csat"][on["outsourced"]] += CSAT_OUTSOURCING
    shift["csat"][on["recovering"]] += CSAT_OUTSOURCING / 2
    shift["needs_met"][on["chat"]] += CHAT_NEEDS_BOOST
    shift["ces"][on["chat"]] += CHAT_EFFORT_PENALTY
    return {k: _cut(a * z + np.sqrt(1 - a * a) * rng.standard_normal(n) + shift[k], k)
            for k, a in LOADING.items()}


def _unasked(rng, n: int) -> dict[str, np.ndarray]:
    """Which questions each survey did not ask: 10% are CSAT-only transactional surveys; of the
    rest 5% skip NPS, 15% have no CES, 30% skip the pyramid questions, half do not code the
    6-level cx_level."""
    u = rng.random((5, n))
    csat_only = u[0] < 0.10
    missing = {"nps": csat_only | (u[1] < 0.05), "csat": np.zeros(n, bool), "ces": csat_only | (u[2] < 0.15),
               "needs_met": csat_only | (u[3] < 0.30), "cx_level": csat_only | (u[4] < 0.50)}
    missing["enjoyment"] = missing["needs_met"]
    return missing


def _comments(rng, n: int, scores: dict, on: dict, wait: np.ndarray):
    """(comment index, no-comment mask, the comment pools): a comment from the pool that fits the
    response (praise, complaint, a long wait, chat effort, the redesigned app)."""
    nps, csat = scores["nps"], scores["csat"]
    kind = np.where((nps >= 9) & (csat >= 4), 0, np.where((nps <= 6) | (csat <= 2), 2, 1))
    kind[(kind == 2) & on["phone"] & (wait >= 2)] = 3
    kind[on["chat"] & (scores["ces"] >= 4)] = 4
    kind[on["redesigned"] & (kind == 0) & (rng.random(n) < 0.5)] = 5
    pools = list(COMMENTS.values())
    sizes = np.array([len(p) for p in pools])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    comment = offsets[kind] + (rng.random(n) * sizes[kind]).astype(int)
    return comment, rng.random(n) >= COMMENT_RATE, pools


INSERT_RESPONSES = """
insert into responses
select 'R' || lpad(cast(rid as varchar), 9, '0'), 'C' || lpad(cast(cust as varchar), 7, '0'),
       responded_at, channel, touchpoint, journey_stage, segment, region, product,
       nps, csat, ces, needs_met, enjoyment, cx_level, comment,
       case when wait_band is null then map(['loyalty_tier'], [tier])
            else map(['loyalty_tier', 'wait_band'], [tier, wait_band]) end,
       $import_id
from demo_batch
"""


# --- interactions ----------------------------------------------------------------------------------
def events_per_journey() -> float:
    reach, total = 1.0, 0.0
    for k in range(len(STAGES)):
        total += reach * (1 + EXTRA_EVENTS[k])
        reach *= GO_ON[k] if k < len(GO_ON) else 0
    return total


def journey_batch(rng, n_j: int, cust: Customers, cal: Calendar, d: dict):
    """Events of ``n_j`` journeys (numpy columns), each journey's events in time order."""
    n_st = len(STAGES)
    c = rng.integers(0, cust.n, n_j)
    ch = np.empty((n_j, n_st), np.int8)
    t = np.empty((n_j, n_st), np.int64)
    ch[:, 0] = _draw(rng, STAGE_CHANNEL_MIX[0], n_j)
    t[:, 0] = cal.sample_us(rng, n_j)
    for k in range(1, n_st):
        fresh = _draw(rng, STAGE_CHANNEL_MIX[k], n_j)
        ch[:, k] = np.where(rng.random(n_j) < STAY_ON_CHANNEL, ch[:, k - 1], fresh)
        t[:, k] = t[:, k - 1] + (rng.exponential(GAP_DAYS[k - 1] * 86400, n_j) + 600).astype(np.int64) * 1_000_000
    # How far each journey goes: consideration -> purchase depends on where the customer considered.
    p = np.tile(np.array(GO_ON), (n_j, 1))
    p[:, 1] = BUY_BY_CHANNEL[ch[:, 1]]
    social_to_store = (ch[:, 0] == CHANNELS.index("social")) & (ch[:, 2] == CHANNELS.index("store"))
    p[social_to_store, 1] = SOCIAL_TO_STORE_BUY
    affinity = cust.affinity[c]
    p[:, 1:3] = np.minimum(p[:, 1:3] * np.exp(AFFINITY_IN_BUYING * affinity)[:, None], 0.95)
    broken = (ch[:, 1] == CHANNELS.index("app")) & (t[:, 1] >= _us(d["app_release"]))
    p[broken, 1] = APP_CHECKOUT_BROKEN
    go_on = rng.random((n_j, n_st - 1)) < p
    depth = 1 + np.cumprod(go_on, axis=1).sum(axis=1)

    # One session per stage reached, 1 + Poisson events per session, minutes apart.
    sj = np.repeat(np.arange(n_j), depth)
    sk = np.arange(len(sj)) - np.repeat(np.cumsum(depth) - depth, depth)
    m = 1 + rng.poisson(np.array(EXTRA_EVENTS)[sk])
    es = np.repeat(np.arange(len(sj)), m)
    eo = np.arange(len(es)) - np.repeat(np.cumsum(m) - m, m)
    ej, ek = sj[es], sk[es]
    ech = ch[ej, ek]
    ets = t[ej, ek] + (eo * 180 + rng.integers(0, 170, len(es))) * 1_000_000
    prod = cust.product[c][ej]
    sale = (ek == STAGES.index("purchase")) & (eo == m[es] - 1)
    revenue = np.full(len(es), np.nan)
    revenue[sale] = np.round(np.array(REVENUE_EUR)[prod[sale]] * rng.lognormal(0, 0.35, sale.sum())
                             * np.exp(AFFINITY_IN_REVENUE * affinity[ej[sale]]), 2)
    keep = ets < cal.end_us  # journeys still under way at the end are cut there
    return {"cust": c[ej] + 1, "occurred_at": ets, "channel": ech, "stage": ek,
            "touchpoint": _touchpoint(rng, ech, ek), "session": es, "revenue": revenue,
            "prod": prod}, keep


def interaction_table(cols: dict, take: np.ndarray, first_event: int, first_session: int,
                       cust: Customers) -> pa.Table:
    n = len(take)
    c = cols["cust"][take]
    return pa.table({
        "eid": pa.array(np.arange(first_event, first_event + n, dtype=np.int64)),
        "cust": pa.array(c),
        "occurred_at": pa.array(cols["occurred_at"][take].astype("datetime64[us]")),
        "channel": _dict_array(cols["channel"][take], CHANNELS),
        "stage": _dict_array(cols["stage"][take], STAGES),
        "touchpoint": _dict_array(cols["touchpoint"][take], TOUCHPOINT_NAMES),
        "sid": pa.array(cols["session"][take] + first_session),
        "revenue": pa.array(cols["revenue"][take], from_pandas=True),
        "segment": _dict_array(cust.segment[c - 1], SEGMENTS),
        "region": _dict_array(cust.region[c - 1], REGIONS),
        "product": _dict_array(cols["prod"][take], PRODUCTS),
    })


INSERT_INTERACTIONS = """
insert into interactions
select 'E' || lpad(cast(eid as varchar), 10, '0'), 'C' || lpad(cast(cust as varchar), 7, '0'),
       occurred_at, channel, stage, touchpoint, 'S' || lpad(cast(sid as varchar), 10, '0'),
       cast(revenue as decimal(14, 2)), segment, region, product, null, $import_id
from demo_batch
"""


# --- public API -------------------------------------------------------------------------------------
