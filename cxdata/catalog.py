"""The catalogue: the one place for the facts the rest of the library reads. Pure data.

Tables and their time and id columns, the filter fields and the column each is stored in per
table (the stage is one filter field, ``stage``, stored as ``journey_stage`` in responses and as
``stage`` in interactions), the dimensions of the count tables, the breakdown dimensions, grains,
the KPI scales and thresholds, which direction is better, and the labels people read. Modules
take identifiers for SQL only from here (or from ``schema`` for the DDL).
"""

from __future__ import annotations

from cxdata.i18n import N_  # labels are translated where shown: _(FIELD_LABELS[f])

# ---- tables ----------------------------------------------------------------------------------
KINDS = ("responses", "interactions")
TIME_COLUMN = {"responses": "responded_at", "interactions": "occurred_at"}
ID_COLUMN = {"responses": "response_id", "interactions": "event_id"}
HELD_TABLE = {"responses": "responses_held", "interactions": "interactions_held"}

# ---- filters ---------------------------------------------------------------------------------
# filter field -> the column it is stored in, per table ("journeys": cxdata/journeys.py's starts).
FILTER_COLUMNS: dict[str, dict[str, str]] = {
    "channel": {"responses": "channel", "interactions": "channel", "journeys": "channel"},
    "segment": {"responses": "segment", "interactions": "segment", "journeys": "segment"},
    "region": {"responses": "region", "interactions": "region", "journeys": "region"},
    "product": {"responses": "product", "interactions": "product", "journeys": "product"},
    "touchpoint": {"responses": "touchpoint", "interactions": "touchpoint"},
    "stage": {"responses": "journey_stage", "interactions": "stage"},
}
JOURNEYS_TIME_COLUMN = "anchor"  # a journey start is dated by its first event

# ---- count tables (cxdata/cube.py) ------------------------------------------------------------
# Smallest first (region, with its 20 values in the demo, multiplies the cells the most); each
# holds, per import, day (or month) and combination of these filter fields, the additive counts
# behind every KPI. The monthly one answers only whole months grouped by month, quarter or not
# by time.
MONTHLY = "kpi_monthly"
COUNT_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (MONTHLY, ("channel", "segment", "region", "product")),
    ("kpi_daily_core", ("channel", "segment", "product")),
    ("kpi_daily_touch", ("channel", "segment", "product", "touchpoint", "stage")),
    ("kpi_daily", ("channel", "segment", "region", "product")),
    ("kpi_daily_detail", ("channel", "segment", "region", "product", "touchpoint", "stage")),
)
COUNT_TIME_COLUMN = {name: ("month" if name == MONTHLY else "day") for name, _ in COUNT_TABLES}

# ---- breakdowns and time ---------------------------------------------------------------------
BREAKDOWN_DIMENSIONS = {  # name a page or link uses -> column of responses
    "channel": "channel", "segment": "segment", "region": "region", "product": "product",
    "touchpoint": "touchpoint", "journey_stage": "journey_stage",
}
GRAINS = ("day", "week", "month", "quarter")

# ---- KPI scales and thresholds (domain: NPS 0-10, CSAT 1-5, CES 1-7) --------------------------
SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "needs_met": (1, 5),
                "enjoyment": (1, 5), "cx_level": (0, 6)}
PROMOTER_MIN = 9  # NPS 9-10
DETRACTOR_MAX = 6  # NPS 0-6; 7-8 are passives
SATISFIED_MIN = 4  # CSAT 4-5 counts as satisfied
AGREE_MIN = 4  # needs_met / enjoyment 4-5: the level holds (3-level pyramid)
CES_DIRECTIONS = ("effort", "ease")  # effort: 1 = least effort; ease: 7 = easiest
LOW_EFFORT = {"effort": (1, 2), "ease": (6, 7)}  # the "low effort" band of each direction
SMALL_SAMPLE = 30  # a figure from fewer answers is flagged


def higher_is_better(kpi: str, direction: str = "effort") -> bool:
    """NPS, CSAT and the pyramid: higher is better; CES's mean: lower, unless the data set's CES
    runs the other way (``ease``)."""
    return not (kpi == "ces" and direction == "effort")


# ---- labels people read ----------------------------------------------------------------------
FIELD_LABELS = {
    "response_id": N_("Response ID"), "event_id": N_("Event ID"), "customer_id": N_("Customer ID"),
    "responded_at": N_("Answered at"), "occurred_at": N_("Happened at"), "channel": N_("Channel"),
    "touchpoint": N_("Touchpoint"), "journey_stage": N_("Journey stage"), "stage": N_("Journey stage"),
    "segment": N_("Customer segment"), "region": N_("Region"), "product": N_("Product"), "nps": N_("NPS (0-10)"),
    "csat": N_("CSAT (1-5)"), "ces": N_("CES (1-7)"), "needs_met": N_("Needs met (1-5)"),
    "enjoyment": N_("Enjoyment (1-5)"), "cx_level": N_("CX pyramid level (0-6)"), "comment": N_("Comment"),
    "session_id": N_("Session ID"), "revenue": N_("Revenue"),
}
# A field or dimension inside a sentence ("segment: SME", "segment SME moved")
FIELD_WORDS = {"channel": N_("channel"), "touchpoint": N_("touchpoint"), "segment": N_("segment"),
               "region": N_("region"), "product": N_("product"), "stage": N_("stage"),
               "journey_stage": N_("stage")}
