"""Ordered journey funnels per channel, from the ``interactions`` table.

How a funnel counts. Stages come in their stored order (table ``stages``). For every customer and
channel, the journey from the customer's first entry (first-stage event) in the period counts;
step k is reached at the earliest event of stage k no earlier than step k-1, within the
conversion window from the entry and inside the period. Taking the earliest time at every step is
what lets the most customers through, so a customer counts at a stage only after reaching all the
previous ones, in order, within the window. A journey's segment, region and product are those of
its first event.

In any order (``mode="any"``) the journeys are the same and step k counts when every stage 2..k
has an event within the window after the entry, whatever their order. Time to convert
(``days_to_step``) reads each journey's step times in either order (``step_times``, ``timing``);
``scores`` puts the survey scores of each stage and channel beside the funnel's stages.

Per-channel funnels count only events on that channel; the ``(all channels)`` funnel lets a journey
cross channels (discover on social, buy in the store).

Where the numbers come from. ``journey_starts`` (``cxdata/journeys.py``) holds every entry's step
times, kept exact by every import, undo and demo load: date, segment, region and product filters
and any window are a ``where`` and a comparison on it. Filters that select events (channel,
touchpoint, an imported attribute) need the journeys of just those events, so then each
customer's events are walked in time order on the fly (``walk``: slower, same definition). The
funnel across two or more chosen channels takes each customer's first start from the table and
walks the later steps through ``journey_events`` (integers, by channel and in time order). Over
all dates (no date filter) the per-channel funnels are sums over ``journey_first_reach``.

The package, one concern per module:

- ``query``: the arguments checked, the journey filter and the parameters every strategy binds;
- ``sql``: the SQL fragments the strategies share and the one place templates are filled;
- one module per strategy, each with its statements as named constants: ``walk`` (every funnel
  from the filtered events, walked in time order), ``per_customer`` (first
  entry by customer: over ``journey_starts`` or over the filtered events), ``first_entry``
  (``journey_starts`` without a group-by), ``all_dates`` (``journey_first_reach``), ``across``
  (two or more chosen channels, through ``journey_events``);
- ``choice``: which strategies answer a query;
- ``results``: the strategies' wide counts reshaped into the steps a page draws;
- ``worst``: the weakest step and its statistics;
- ``step_times``: each journey's step times, in strict or any order;
- ``timing``: time to convert (``days_to_step``) and the any-order counts, from those times;
- ``runner``: ``funnel_steps`` and ``days_to_step``, the parts put together.
"""

from ..journeys import ALL_CHANNELS
from .choice import reads_events, split_across, uses_journey_table
from .query import DEFAULT_WINDOW_DAYS
from .runner import days_to_step, funnel_steps
from .sql import steps_list
from .step_times import MODES
from .worst import WorstStep, worst_step

__all__ = [
    "ALL_CHANNELS",
    "DEFAULT_WINDOW_DAYS",
    "MODES",
    "WorstStep",
    "days_to_step",
    "funnel_steps",
    "reads_events",
    "split_across",
    "steps_list",
    "uses_journey_table",
    "worst_step",
]
