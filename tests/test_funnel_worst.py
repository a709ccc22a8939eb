"""The weakest step: where one channel converts worse than the others, beyond the noise."""

import pytest
from helpers.journeys import STAGES, build

from cxdata import funnel
from cxdata.filters import Filters


def test_worst_step_named_in_words():
    journeys = {}
    for i in range(40):
        journeys[f"w{i}"] = [(0, "web", "awareness"), (1, "web", "consideration")] + (
            [(2, "web", "purchase")] if i < 30 else [])
        journeys[f"a{i}"] = [(0, "app", "awareness"), (1, "app", "consideration")] + (
            [(2, "app", "purchase")] if i < 8 else [])
    f = funnel.funnel_steps(build(journeys, STAGES), Filters())
    worst = funnel.worst_step(f, min_customers=30)
    assert (worst.channel, worst.from_stage, worst.to_stage) == ("app", "consideration", "purchase")
    assert worst.drop_off == pytest.approx(80) and worst.lost == 32
    assert worst.others_drop_off == pytest.approx(25)  # web: 10 of 40 lost
    assert "app, from consideration to purchase: 80%" in worst.words
    assert funnel.worst_step(f, min_customers=41) is None  # too few customers to name anything


def test_worst_step_is_relative_to_the_other_channels():
    # Everyone loses 90% from purchase to retention (that is the business, not a problem);
    # the app alone loses 60% between consideration and purchase where the web loses 10%.
    journeys = {}
    for ch, buyers in (("web", 90), ("app", 40)):
        for i in range(100):
            ev = [(0, ch, "awareness"), (1, ch, "consideration")]
            if i < buyers:
                ev.append((2, ch, "purchase"))
                if i < buyers // 10:
                    ev.append((3, ch, "retention"))
            journeys[f"{ch}{i}"] = ev
    f = funnel.funnel_steps(build(journeys, STAGES + ["retention"]), Filters())
    worst = funnel.worst_step(f, min_customers=30)
    assert (worst.channel, worst.to_stage) == ("app", "purchase")
    assert worst.drop_off == pytest.approx(60) and worst.others_drop_off == pytest.approx(10)
