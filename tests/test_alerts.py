"""Alerts and the Benjamini-Hochberg correction on literal rows; p-values computed by hand."""

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from helpers.tiny import tiny_db

import cxdata
from cxdata import queries, upkeep
from cxdata.cli import main
from cxdata.filters import Filters
from cxdata.insight import alerts
from cxdata.settings import set_setting

AS_OF = date(2025, 8, 1)  # July against June (July rows on the 31st: the data reach the end of July;
# the weeks 14-20 and 21-27 July hold no rows)
COLUMNS = ("response_id", "responded_at", "channel", "segment", "csat", "ces")


def csat_rows(day, channel, satisfied, unsatisfied, ces=None):
    """``satisfied`` answers of CSAT 5 and ``unsatisfied`` of CSAT 2 on ``day``."""
    scores = [5] * satisfied + [2] * unsatisfied
    return [(f"{channel}-{day}-{i}", day, channel, "A", s, ces) for i, s in enumerate(scores)]


def month_pair(phone_july=(100, 100)):
    """June: phone and web 160 of 200 satisfied; July: web the same, phone ``phone_july``."""
    return (csat_rows("2025-06-10", "phone", 160, 40) + csat_rows("2025-06-10", "web", 160, 40)
            + csat_rows("2025-07-31", "phone", *phone_july) + csat_rows("2025-07-31", "web", 160, 40))


def p_two_sided(delta, se):
    return math.erfc(abs(delta) / se / math.sqrt(2))


def se_share(k, n):  # in points
    p = k / n
    return math.sqrt(p * (1 - p) / n) * 100


def test_periods_are_the_last_complete_week_and_month():
    week, month = alerts.periods(alerts.reference_end(AS_OF, date(2026, 1, 1)))
    assert (week.current, week.previous) == ((date(2025, 7, 21), date(2025, 7, 27)),
                                             (date(2025, 7, 14), date(2025, 7, 20)))
    assert (month.current, month.previous) == ((date(2025, 7, 1), date(2025, 7, 31)),
                                               (date(2025, 6, 1), date(2025, 6, 30)))
    # data ending on Wednesday 16 July: the week to Sunday 13 July, and June (July is not complete)
    week, month = alerts.periods(alerts.reference_end(AS_OF, date(2025, 7, 16)))
    assert week.current == (date(2025, 7, 7), date(2025, 7, 13))
    assert (month.current, month.previous) == ((date(2025, 6, 1), date(2025, 6, 30)),
                                               (date(2025, 5, 1), date(2025, 5, 31)))
    # a Sunday's week is complete on that Sunday
    assert alerts.periods(date(2025, 7, 27))[0].current == (date(2025, 7, 21), date(2025, 7, 27))


def test_a_planted_drop_fires_with_its_figures_by_hand():
    con = tiny_db("responses", COLUMNS, month_pair())
    out = alerts.evaluate(con, AS_OF)
    # CSAT only: overall, channel phone, channel web, segment A, July against June = 4 comparisons;
    # NPS and CES have no answers and the weeks no rows: 4 x 3 + 4 x 2 skipped... every (scope, kpi)
    assert out["comparisons"] == 4
    by_scope = {a["scope"]: a for a in out["alerts"]}
    assert set(by_scope) == {"channel phone", "overall", "segment A"}
    phone = by_scope["channel phone"]
    # phone: 80% of 200 -> 50% of 200
    p_phone = p_two_sided(30, math.hypot(se_share(100, 200), se_share(160, 200)))
    # overall (and segment A, the same rows): 320 of 400 -> 260 of 400
    p_all = p_two_sided(15, math.hypot(se_share(260, 400), se_share(320, 400)))
    assert (phone["kpi"], phone["period"], phone["previous"], phone["current"]) == ("csat", "month", 80, 50)
    assert (phone["n"], phone["previous_n"], phone["change"]) == (200, 200, pytest.approx(-30))
    assert phone["p"] == pytest.approx(p_phone)
    # BH over 4 p-values (phone, overall, segment A, web = 1): p_(1) * 4, p_(2) = p_(3) -> * 4 / 3
    assert phone["p_adjusted"] == pytest.approx(4 * p_phone)
    assert by_scope["overall"]["p_adjusted"] == pytest.approx(p_all * 4 / 3)
    assert phone["link"] == "Trends?kpi=csat&grain=month&from=2025-06-01&to=2025-07-31&channel=phone"
    assert "fell" in phone["reason"]


def test_no_alert_without_a_drop_and_a_rise_is_no_alert():
    assert alerts.evaluate(tiny_db("responses", COLUMNS, month_pair((160, 40))), AS_OF)["alerts"] == []
    rise = alerts.evaluate(tiny_db("responses", COLUMNS, month_pair((195, 5))), AS_OF)
    assert rise["comparisons"] == 4 and rise["alerts"] == []


def noise_db(seed, segments=50, per_month=60):
    """NPS answers of 50 segments drawn from one distribution in June and July: no real change."""
    rng = np.random.default_rng(seed)
    n = segments * per_month * 2
    frame = pd.DataFrame({
        "response_id": [f"r{i}" for i in range(n)],
        "responded_at": pd.to_datetime(np.where(np.arange(n) // segments % 2 == 0, "2025-06-05", "2025-07-31")),
        "channel": "web", "segment": [f"S{i % segments:02d}" for i in range(n)],
        "nps": rng.integers(0, 11, n).astype("int8"),
    })
    con = cxdata.connect(":memory:")
    con.register("noise", frame)
    con.execute("insert into responses (response_id, responded_at, channel, segment, nps) "
                "select response_id, responded_at, channel, segment, nps from noise")
    upkeep.rebuild_all(con)
    return con


def test_fifty_noise_segments_rarely_fire_after_the_correction():
    fired = raw_fired = 0
    for seed in range(40):
        con = noise_db(seed)
        out = alerts.evaluate(con, AS_OF)
        assert out["comparisons"] == 52  # overall, channel web, 50 segments; NPS, July against June
        fired += bool(out["alerts"])
        period = alerts.periods(date(2025, 7, 31))[1]
        rows, _ = alerts.comparisons(con, period, "effort", {})
        raw_fired += any(r["worse"] and r["p"] < 0.05 for r in rows)
    assert fired <= 4  # at most 10% of the seeds
    assert raw_fired >= 20  # without the correction most seeds would fire: the test can tell


def test_a_target_alert_and_the_ces_direction():
    con = tiny_db("responses", COLUMNS, month_pair((160, 40)))
    assert alerts.evaluate(con, AS_OF)["alerts"] == []
    set_setting(con, "target_csat", "90")
    out = alerts.evaluate(con, AS_OF)
    # every scope: 80% against 90; phone and web: se of 160/200 = 2.828, z = 3.54
    reasons = {(a["scope"], a["test"]) for a in out["alerts"]}
    assert reasons == {("overall", "target"), ("channel phone", "target"), ("channel web", "target"),
                       ("segment A", "target")}
    web = next(a for a in out["alerts"] if a["scope"] == "channel web")
    assert web["p"] == pytest.approx(p_two_sided(10, se_share(160, 200)))
    assert web["target"] == 90 and "below its target of 90" in web["reason"]
    set_setting(con, "target_csat", "75")
    assert alerts.evaluate(con, AS_OF)["alerts"] == []

    rows = [(f"c{i}", day, "web", "A", 4, 3 + i % 2) for day in ("2025-06-10", "2025-07-31") for i in range(100)]
    con = tiny_db("responses", COLUMNS, rows)  # CES mean 3.5 both months
    set_setting(con, "target_ces", "3")
    assert {a["kpi"] for a in alerts.evaluate(con, AS_OF)["alerts"]} == {"ces"}  # effort: 3.5 > 3 is worse
    set_setting(con, "ces_direction", "ease")
    assert alerts.evaluate(con, AS_OF)["alerts"] == []  # ease: 3.5 > 3 is better


def test_target_settings_are_validated():
    con = cxdata.connect(":memory:")
    for bad in ("abc", "101", "nan", "-101"):
        with pytest.raises(ValueError):
            set_setting(con, "target_nps", bad)
    with pytest.raises(ValueError):
        set_setting(con, "target_ces", "0.5")
    set_setting(con, "target_nps", "30")
    assert cxdata.db.get_setting(con, "target_nps") == "30.0"
    set_setting(con, "target_nps", "none")
    assert cxdata.db.get_setting(con, "target_nps") is None


def test_cli_exit_codes(tmp_path, capsys):
    drop, steady = str(tmp_path / "drop.duckdb"), str(tmp_path / "steady.duckdb")
    tiny_db("responses", COLUMNS, month_pair(), con=cxdata.connect(drop)).close()
    tiny_db("responses", COLUMNS, month_pair((160, 40)), con=cxdata.connect(steady)).close()
    assert main(["alerts", "--db", drop, "--as-of", "2025-08-01", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert len(out["alerts"]) == 3 and out["end"] == "2025-07-31"
    assert main(["alerts", "--db", steady, "--as-of", "2025-08-01"]) == 0
    assert "No alerts." in capsys.readouterr().out
    assert main(["setting", "--db", steady, "target_csat", "95"]) == 0
    assert main(["alerts", "--db", steady, "--as-of", "2025-08-01"]) == 1
    assert main(["setting", "--db", steady, "target_csat", "high"]) == 2


def test_after_import_lists_only_the_new_alerts():
    con = tiny_db("responses", COLUMNS, month_pair((160, 40)))
    before = alerts.evaluate(con, AS_OF)["alerts"]
    assert before == []
    con.executemany("insert into responses (response_id, responded_at, channel, segment, csat) values (?, ?, ?, ?, ?)",
                    [r[:5] for r in csat_rows("2025-07-06", "phone", 0, 150)])
    upkeep.rebuild_all(con)
    new = alerts.after_import(con, before, AS_OF)
    assert {a["scope"] for a in new} >= {"channel phone"}
    assert alerts.after_import(con, new, AS_OF) == []


# ---- the same correction in segment_breakdown -------------------------------------------------
def test_segment_breakdown_corrects_a_borderline_difference():
    # G1: 51 promoters, 20 passives, 29 detractors; G2..G5: 40, 20, 40 each
    counts = {"G1": (51, 20, 29), **{f"G{i}": (40, 20, 40) for i in range(2, 6)}}
    rows = []
    for seg, (p, m, d) in counts.items():
        scores = [10] * p + [8] * m + [3] * d
        rows += [(f"{seg}-{i}", "2025-03-01", "web", seg, s) for i, s in enumerate(scores)]
    con = tiny_db("responses", ("response_id", "responded_at", "channel", "segment", "nps"), rows)
    frame = queries.segment_breakdown(con, Filters(), "segment").set_index("value")

    def nps_se(p, m, d):  # domain.md: sqrt((pP + pD - (pP - pD)^2) / n) * 100
        n = p + m + d
        return math.sqrt((p / n + d / n - (p / n - d / n) ** 2) / n) * 100

    # G1 NPS 22 against the rest's 0 (160, 80, 160): z = 22 / sqrt(se1^2 + se2^2) = 2.255
    p_g1 = p_two_sided(22, math.hypot(nps_se(51, 20, 29), nps_se(160, 80, 160)))
    assert frame.loc["G1", "nps_p"] == pytest.approx(p_g1)
    assert p_g1 < 0.05  # beyond the noise alone...
    # ...but the smallest of 5 p-values (CSAT and CES have no answers) passes only if p * 5 <= 0.05
    assert frame.loc["G1", "nps_p_adjusted"] == pytest.approx(5 * p_g1) and 5 * p_g1 > 0.05
    assert not frame["nps_differs"].any()
    assert frame["csat_p"].isna().all()


def test_import_json_lists_the_new_alerts(tmp_path, capsys):
    path = str(tmp_path / "a.duckdb")
    tiny_db("responses", COLUMNS, month_pair((160, 40)), con=cxdata.connect(path)).close()
    csv = tmp_path / "drop.csv"
    csv.write_text("response_id,responded_at,channel,segment,csat\n"
                   + "".join(f"x{i},2025-07-06,phone,A,2\n" for i in range(150)))
    assert main(["import", str(csv), "--db", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # July phone: 160 of 350 satisfied against June's 160 of 200 (the data end on 31 July 2025)
    assert {a["scope"] for a in out["new_alerts"]} == {"channel phone", "overall", "segment A"}
    assert all(a["kpi"] == "csat" and a["period"] == "month" for a in out["new_alerts"])
    again = tmp_path / "more.csv"
    again.write_text("response_id,responded_at,channel,segment,csat\ny1,2025-07-07,web,A,5\n")
    assert main(["import", str(again), "--db", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_alerts"] == []  # the same alerts are not new


@pytest.mark.parametrize("seed", [1, 3])
def test_the_demo_outsourcing_shows_as_a_phone_csat_alert_and_waits_as_a_theme(seed):
    from cxdata import demo
    from cxdata.insight import themes

    con = cxdata.connect(":memory:")
    demo.generate_demo(con, responses=60_000, interactions=2_000, seed=seed)
    out = alerts.evaluate(con, AS_OF)
    phone = [a for a in out["alerts"] if (a["kpi"], a["scope"], a["period"]) == ("csat", "channel phone", "month")]
    assert phone and phone[0]["change"] < -10  # July against June, the 2025-Q3 outsourcing
    low = themes.themes(con, Filters(channel=("phone",)), "nps")["low"]
    assert low[0]["term"] == "attesa"  # phone detractors: long waits


def test_biggest_movers_corrects_a_borderline_move():
    def nps_rows(seg, day, p, m, d):
        return [(f"{seg}-{day}-{i}", day, "web", seg, s) for i, s in enumerate([10] * p + [8] * m + [3] * d)]

    # G1: NPS 0 in June (80, 40, 80) -> 22 in July (102, 40, 58); G2..G5 do not move
    rows = nps_rows("G1", "2025-06-15", 80, 40, 80) + nps_rows("G1", "2025-07-15", 102, 40, 58)
    still = [r for g in ("G2", "G3", "G4", "G5") for day in ("2025-06-15", "2025-07-15")
             for r in nps_rows(g, day, 80, 40, 80)]
    f = Filters(date_from=date(2025, 7, 1), date_to=date(2025, 7, 31))
    cols = ("response_id", "responded_at", "channel", "segment", "nps")
    se_june, se_july = math.sqrt(0.8 / 200) * 100, math.sqrt((0.51 + 0.29 - 0.22**2) / 200) * 100
    p = p_two_sided(22, math.hypot(se_june, se_july))  # z = 2.50, p = 0.0125
    alone = queries.biggest_movers(tiny_db("responses", cols, rows), f, dimensions=("segment",), limit=10)
    assert list(alone["value"]) == ["G1"] and alone.loc[0, "p_adjusted"] == pytest.approx(p)
    among = queries.biggest_movers(tiny_db("responses", cols, rows + still), f, dimensions=("segment",), limit=10)
    assert among.empty  # 5 groups compared: p * 5 = 0.062 > 0.05
