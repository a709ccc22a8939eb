"""Survey scores along the journey (``funnel.scores``): beside each funnel stage and channel, the
responses given at that stage on that channel, figured by hand from literal rows."""

from datetime import timedelta

import pytest
from helpers.journeys import STAGES, T0, build
from helpers.tiny import tiny_db

from cxdata import funnel
from cxdata.filters import Filters
from cxdata.funnel import scores

# 3 of 4 web starters consider, 1 of those 3 buys
JOURNEYS = {c: [(0, "web", "awareness")] + ([(1, "web", "consideration")] if c != "dee" else [])
            + ([(2, "web", "purchase")] if c == "ann" else []) for c in ("ann", "bo", "cy", "dee")}


def responses(con):
    # on the web: at awareness 30 promoters and 10 detractors (NPS +50), at consideration 10 and
    # 30 (NPS -50); at consideration in the store 5 promoters; nobody rated the purchase
    rows = [(stage, "web", 10 if i < promoters else 0) for stage, promoters in (("awareness", 30), ("consideration", 10))
            for i in range(40)] + [("consideration", "store", 9)] * 5
    return tiny_db("responses", ("response_id", "customer_id", "responded_at", "channel", "journey_stage", "nps"),
                   [(f"r{i}", f"x{i}", T0 + timedelta(hours=i), ch, st, nps) for i, (st, ch, nps) in enumerate(rows)],
                   con=con)


def test_scores_beside_the_stages_by_hand():
    con = responses(build(JOURNEYS, STAGES))
    along = scores.along_journey(funnel.funnel_steps(con, Filters()), scores.stage_scores(con, Filters()))
    web = along[along["channel"] == "web"].set_index("stage")
    assert web["customers"].tolist() == [4, 3, 1]
    assert web.loc["awareness", "lost_after"] == 25
    assert web.loc["consideration", "lost_after"] == pytest.approx(200 / 3)
    assert web["lost_after"].isna().tolist() == [False, False, True]  # nothing after the last stage
    assert (web.loc["awareness", "nps"], web.loc["awareness", "nps_n"]) == (50, 40)
    assert (web.loc["consideration", "nps"], web.loc["consideration", "nps_n"]) == (-50, 40)
    assert web.loc["purchase", "nps_n"] == 0 and web.loc["purchase", "nps_small"]
    # consideration against awareness: -100 points; each side's margin 1.96*sqrt(0.75/40)*100
    # = 26.8 points, the difference's 37.9: beyond the noise
    assert web.loc["consideration", "nps_vs_rest"] == -100
    assert web["rated_worse"].tolist() == [False, True, False]
    assert web["nps_differs"].tolist() == [True, True, False]
    # across channels the web's journeys, and every channel's responses at the stage
    across = along[along["channel"] == funnel.ALL_CHANNELS].set_index("stage")
    assert (across.loc["consideration", "nps_n"], across.loc["consideration", "promoters"]) == (45, 15)
    assert across.loc["consideration", "nps"] == pytest.approx((15 - 30) / 45 * 100)
    loss = scores.biggest_loss(along, min_customers=1)
    assert loss["stage"] == "consideration"
    assert scores.loss_words(loss) == ("67% of the 3 customers at consideration do not go on; NPS there is -33 "
                                       "(n = 45), 83 points below the other stages, beyond the noise.")
    assert scores.biggest_loss(along) is None  # no stage with 30 customers


def test_the_stage_filter_does_not_apply_and_no_responses_is_empty_scores():
    con = responses(build(JOURNEYS, STAGES))
    assert scores.stage_scores(con, Filters(stage=("awareness",))).equals(scores.stage_scores(con, Filters()))
    bare = build(JOURNEYS, STAGES)
    along = scores.along_journey(funnel.funnel_steps(bare, Filters()), scores.stage_scores(bare, Filters()))
    assert (along["nps_n"] == 0).all() and not along["rated_worse"].any()
    assert scores.loss_words(scores.biggest_loss(along, min_customers=1)).endswith(
        "no survey response was given at that stage.")
