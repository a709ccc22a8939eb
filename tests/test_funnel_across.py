"""The funnel across two or more chosen channels: starts from ``journey_starts``, later steps
walked through those channels' events in ``journey_events``."""

import pandas as pd
from helpers.journeys import STAGES, build, counts, strategies

from cxdata import funnel
from cxdata.filters import Filters

JOURNEYS = {
    # discovers on social, considers on the web, buys in the store (not a chosen channel)
    "omni": [(0, "social", "awareness"), (1, "web", "consideration"), (2, "store", "purchase")],
    # starts on the web and goes on in the app (not a chosen channel)
    "duo": [(0, "web", "awareness"), (1, "app", "consideration"), (3, "app", "purchase")],
}
SOCIAL_AND_WEB = Filters(channel=("social", "web"))


def test_a_journey_across_the_chosen_channels_only():
    con = build(JOURNEYS, STAGES)
    assert strategies(con, SOCIAL_AND_WEB) == ["sum_first_reach", "walk_across"]
    f = funnel.funnel_steps(con, SOCIAL_AND_WEB)
    assert counts(f, funnel.ALL_CHANNELS) == [2, 1, 0]
    assert counts(f, "social") == [1, 0, 0]
    assert counts(f, "web") == [1, 0, 0]
    assert set(f["channel"]) == {funnel.ALL_CHANNELS, "social", "web"}
    pd.testing.assert_frame_equal(f, funnel.funnel_steps(con, SOCIAL_AND_WEB, source="events"))


def test_the_across_part_and_the_per_channel_part_make_the_whole():
    con = build(JOURNEYS, STAGES)
    assert funnel.split_across(SOCIAL_AND_WEB)
    assert strategies(con, SOCIAL_AND_WEB, per_channel=False) == ["walk_across"]
    assert strategies(con, SOCIAL_AND_WEB, across_channels=False) == ["sum_first_reach"]
    whole = funnel.funnel_steps(con, SOCIAL_AND_WEB)
    parts = pd.concat([funnel.funnel_steps(con, SOCIAL_AND_WEB, per_channel=False),
                       funnel.funnel_steps(con, SOCIAL_AND_WEB, across_channels=False)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)
