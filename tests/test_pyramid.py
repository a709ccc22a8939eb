"""Pyramid levels and shares from literal rows."""

import pytest
from helpers.tiny import tiny_db

from cxdata import db, pyramid
from cxdata.filters import Filters

# (id, channel, needs_met, ces, enjoyment, cx_level)
ROWS = [
    ("a", "web", 5, 1, 5, 6),  # level 3: needs, easy, enjoyable
    ("b", "web", 4, 2, 2, 3),  # level 2: needs, easy, not enjoyable
    ("c", "web", 4, 5, 5, 2),  # level 1: needs met but effortful (enjoyment does not lift it)
    ("d", "app", 2, 1, 5, 0),  # level 0: needs not met (the rest does not matter)
    ("e", "app", 5, 1, 4, 5),  # level 3
    ("f", "app", 5, None, 5, None),  # not counted in 3-level (no CES) nor 6-level
]


@pytest.fixture
def con(response_source):
    return tiny_db("responses", ("response_id", "responded_at", "channel", "needs_met", "ces", "enjoyment",
                                 "cx_level"), ROWS, values="(?, '2024-05-01', ?, ?, ?, ?, ?)")


def test_three_level_distribution(con):
    p = pyramid.pyramid_distribution(con, Filters()).set_index("level")
    assert list(p["n"]) == [1, 1, 1, 2]
    assert (p["total"] == 5).all()
    assert p.loc[3, "share"] == pytest.approx(40)
    assert p.loc[1, "reached"] == pytest.approx(80)  # at level 1 or above: 4 of 5
    assert p.loc[3, "level_name"] == "Enjoyable"


def test_by_channel_keeps_every_level(con):
    p = pyramid.pyramid_distribution(con, Filters(), by="channel")
    app = p[p["group"] == "app"].set_index("level")
    assert list(app["n"]) == [1, 0, 0, 1]
    assert app.loc[0, "share"] == pytest.approx(50)


def test_ease_direction_changes_what_is_easy(con):
    db.set_setting(con, "ces_direction", "ease")  # now 6-7 is easy, so 1-2 is hard
    p = pyramid.pyramid_distribution(con, Filters()).set_index("level")
    assert list(p["n"]) == [1, 4, 0, 0]


def test_six_level_model(con):
    p = pyramid.pyramid_distribution(con, Filters(), model=6).set_index("level")
    assert p["n"].sum() == 5
    assert p.loc[6, "n"] == 1 and p.loc[0, "n"] == 1
    assert p.loc[5, "reached"] == pytest.approx(40)  # levels 5 and 6


def test_over_time_and_empty(con):
    t = pyramid.pyramid_distribution(con, Filters(), grain="month")
    assert set(t["period"].dt.month) == {5}
    assert pyramid.pyramid_distribution(con, Filters(channel=("none",))).empty
    with pytest.raises(ValueError):
        pyramid.pyramid_distribution(con, Filters(), model=4)
