"""The canonical fields of each kind of import, and the roles some of them play: the time, the id,
the fields every row needs, the categories, those a constant may set, those free text never feeds."""

from __future__ import annotations

from ..schema import INTERACTION_FIELDS, RESPONSE_FIELDS, SCORE_RANGES
from .synonyms import VALUES

KINDS = ("responses", "interactions")
FIELDS = {"responses": RESPONSE_FIELDS, "interactions": INTERACTION_FIELDS}
TIME_FIELD = {"responses": "responded_at", "interactions": "occurred_at"}
ID_FIELD = {"responses": "response_id", "interactions": "event_id"}
REQUIRED = {"responses": ("responded_at",),
            "interactions": ("customer_id", "occurred_at", "channel", "stage")}
SCORE_FIELDS = set(SCORE_RANGES)
CATEGORY_FIELDS = tuple(VALUES)  # channel, segment, region, stage, journey_stage, touchpoint, product
SETTABLE = (*CATEGORY_FIELDS, "customer_id", "responded_at", "occurred_at")
# Free text (long answers, high cardinality) never feeds these.
NOT_FREE_TEXT = ("response_id", "event_id", "customer_id", "session_id", "channel", "segment",
                 "region", "product", "stage", "journey_stage")
