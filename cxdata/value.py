"""The value of experience: revenue per customer after a response, by NPS group and by CSAT.

The definition (issue 21), exactly:

- For each response with an NPS score and a customer_id that passes the filters, the **revenue**
  is the sum of ``interactions.revenue`` of that customer with
  ``responded_at < occurred_at <= responded_at + N days`` (default N 365). A customer with several
  responses in the period counts once, with their latest response in the period (two at the same
  instant: the higher score); a customer with no such events counts with revenue 0.
- The customer **came back** when one of those events (same window) is of a stage named
  ``purchase`` or ``retention``; ``return_share`` is the share of customers who came back.
- The same by CSAT, satisfied (4-5) or not (1-3), over the responses with a CSAT score (each
  customer's latest such response).
- The filters select the responses (date, channel, segment, touchpoint, stage, attributes...);
  the revenue is every event of the customer, on any channel.

Uncertainty: a normal interval on each mean, ``mean ± 1.96 · sd / √n`` (sample sd); the difference
promoters - detractors ``± 1.96 · √(se_p² + se_d²)`` (two independent means, unequal variances).
Revenue is skewed (many zeros, a few large sales), but these are means over hundreds or thousands
of customers, where the normal approximation holds; below ``kpis.SMALL_SAMPLE`` customers a group
is flagged as a small sample.

The **value of a point**: if one customer in a hundred moved from detractor to promoter (NPS +2
points), expected revenue per customer would change by ``(mean_p - mean_d) / 100``, with the
difference's interval scaled the same way. It is an association seen in the data, not an effect:
promoters may spend more for reasons that also make them promoters.

How the query works. ``latest``: per kind (nps, csat) and customer, the latest response in the
period passing the filters and its score, in one scan and one ``max`` of an integer per kind: the
time in epoch microseconds times 16 plus the score (0-10 fits in the low four bits; ``>> 4`` and
``& 15`` read them back, right before 1970 too). Twice as fast at 2M responses as an ``arg_max``
over (time, id), which it replaced. ``ev``: the events that
matter (with revenue, or of a return stage). ``per``: each latest response left-joined to its
customer's events inside the window (a hash join on customer_id with the time range as a residual
condition), revenue summed, coming back or-ed. Then per kind and group: n, mean, sample sd, share
that came back. Placeholder: ``where`` (``Filters.where_sql('responses')``). Binds ``$days``,
``$return_stages``, ``$promoter_min``, ``$detractor_max``, ``$satisfied_min`` and the filters'
values.
"""

from __future__ import annotations

import math
from datetime import timedelta

from . import catalog, kpis
from .filters import Filters
from .funnel.sql import fill

DEFAULT_DAYS = 365
MAX_DAYS = 3650
RETURN_STAGES = ("purchase", "retention")
Z95 = 1.96
NPS_GROUPS = ("promoter", "passive", "detractor")
CSAT_GROUPS = ("satisfied", "not_satisfied")

VALUE_SQL = """\
with latest_keys as (
  select customer_id, max(epoch_us(responded_at) * 16 + nps) filter (where nps is not null) as nps_key,
         max(epoch_us(responded_at) * 16 + csat) filter (where csat is not null) as csat_key
  from responses where ({where}) and customer_id is not null and (nps is not null or csat is not null)
  group by customer_id),
latest as (
  select 'nps' as kind, customer_id, make_timestamp(nps_key >> 4) as at, nps_key & 15 as score
  from latest_keys where nps_key is not null
  union all
  select 'csat', customer_id, make_timestamp(csat_key >> 4), csat_key & 15
  from latest_keys where csat_key is not null),
ev as (select customer_id, occurred_at, coalesce(revenue, 0) as revenue,
    list_contains($return_stages, stage) as back
  from interactions where revenue is not null or list_contains($return_stages, stage)),
per as (
  select l.kind, l.customer_id, l.score, coalesce(sum(e.revenue), 0) as revenue,
         coalesce(bool_or(e.back), false) as came_back,
         l.at + $days > (select max(occurred_at) from interactions) as cut_short
  from latest l left join ev e on e.customer_id = l.customer_id and e.occurred_at > l.at
    and e.occurred_at <= l.at + $days
  group by l.kind, l.customer_id, l.score, l.at)
select kind,
  case when kind = 'nps' then (case when score >= $promoter_min then 'promoter'
                                    when score > $detractor_max then 'passive' else 'detractor' end)
       else (case when score >= $satisfied_min then 'satisfied' else 'not_satisfied' end) end as grp,
  count(*) as customers, avg(cast(revenue as double)) as mean, stddev_samp(cast(revenue as double)) as sd,
  avg(cast(came_back as integer)) as return_share, avg(cast(cut_short as integer)) as cut_short
from per group by all"""


def value_of_experience(con, filters: Filters, days: int = DEFAULT_DAYS) -> dict:
    """``{"days", "customers", "cut_short_share", "groups": {promoter, passive, detractor}, "csat":
    {satisfied, not_satisfied}, "difference", "value_of_a_point", "filters"}``; each group
    ``{"customers", "revenue_per_customer", "low", "high", "se", "return_share", "small_sample"}``
    (module docstring). ``cut_short_share``: the share of the NPS customers whose N days run past
    the last event in the database (their revenue is not all in yet)."""
    if not 0 <= int(days) <= MAX_DAYS:
        raise ValueError(f"days must be 0 to {MAX_DAYS}")
    where, params = filters.where_sql("responses")
    params |= {"days": timedelta(days=int(days)), "return_stages": list(RETURN_STAGES),
               "promoter_min": catalog.PROMOTER_MIN, "detractor_max": catalog.DETRACTOR_MAX,
               "satisfied_min": catalog.SATISFIED_MIN}
    rows = con.execute(fill(VALUE_SQL, where=where), params).fetchall()
    found = {(kind, grp): (n, mean, sd, back) for kind, grp, n, mean, sd, back, _ in rows}
    cut = sum(n * (c or 0) for kind, _, n, *_, c in rows if kind == "nps")
    groups = {g: group_figures(*found.get(("nps", g), (0, None, None, None))) for g in NPS_GROUPS}
    csat = {g: group_figures(*found.get(("csat", g), (0, None, None, None))) for g in CSAT_GROUPS}
    diff = difference(groups["promoter"], groups["detractor"])
    customers = sum(g["customers"] for g in groups.values())
    return {"days": int(days), "customers": customers,
            "cut_short_share": cut / customers if customers else None,
            "groups": groups, "csat": csat, "difference": diff,
            "value_of_a_point": value_of_a_point(diff), "filters": filters.describe()}


def group_figures(n: int, mean: float | None, sd: float | None, back: float | None) -> dict:
    """One group's figures: mean revenue per customer with its normal 95% interval."""
    n = int(n)
    se = standard_error(sd, n)
    half = Z95 * se if se is not None else None
    return {"customers": n, "revenue_per_customer": mean,
            "low": mean - half if half is not None else None, "high": mean + half if half is not None else None,
            "se": se, "return_share": back, "small_sample": n < kpis.SMALL_SAMPLE}


def standard_error(sd: float | None, n: int) -> float | None:
    """``sd / √n`` (None below two customers, where a sample sd does not exist)."""
    if n < 2 or sd is None or math.isnan(sd):
        return None
    return sd / math.sqrt(n)


def difference(a: dict, b: dict) -> dict:
    """``a - b`` of two groups' means, ``± 1.96 · √(se_a² + se_b²)``, and whether it is beyond the
    noise (the interval excludes 0)."""
    if a["revenue_per_customer"] is None or b["revenue_per_customer"] is None:
        return {"value": None, "low": None, "high": None, "significant": False}
    value = a["revenue_per_customer"] - b["revenue_per_customer"]
    if a["se"] is None or b["se"] is None:
        return {"value": value, "low": None, "high": None, "significant": False}
    half = Z95 * math.sqrt(a["se"] ** 2 + b["se"] ** 2)
    return {"value": value, "low": value - half, "high": value + half, "significant": abs(value) > half}


def value_of_a_point(diff: dict, moved: float = 0.01) -> dict:
    """Expected revenue per customer gained if ``moved`` (one in a hundred) of the customers went
    from detractor to promoter: ``moved × (mean_p - mean_d)``; NPS would rise ``200 × moved``
    points. An association, not an effect."""
    def scale(v):
        return None if v is None else v * moved
    return {"value": scale(diff["value"]), "low": scale(diff["low"]), "high": scale(diff["high"]),
            "moved_share": moved, "nps_points": 200 * moved, "association": True}
