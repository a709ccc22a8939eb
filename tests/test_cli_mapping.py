"""Issue 17 on the command line: every mapping choice has a flag, the summary shows the mapping
it used, funnel stages can be listed and set, and an import's rejects can be listed. Expected
figures are computed by hand from the literal files."""

from __future__ import annotations

import json

import pytest

from cxdata import cli, db


@pytest.fixture
def dbfile(tmp_path):
    return str(tmp_path / "cx.duckdb")


def write(tmp_path, name: str, *lines: str):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def main(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def kpis(capsys, dbfile) -> dict:
    code, out, _ = main(capsys, "kpis", "--db", dbfile, "--json")
    assert code == 0
    return json.loads(out)


def test_map_value_turns_a_binary_label_into_a_score(tmp_path, capsys, dbfile):
    f = write(tmp_path, "airline.csv", "id,date,satisfaction", "1,2026-01-02,satisfied",
              "2,2026-01-03,neutral or dissatisfied", "3,2026-01-04,neutral or dissatisfied",
              "4,2026-01-05,satisfied", "5,2026-01-06,neutral or dissatisfied")
    code, out, err = main(capsys, "import", f, "--db", dbfile, "--map", "csat=satisfaction",
                          "--map-value", "csat:satisfied=5", "--map-value", "csat:neutral or dissatisfied=2",
                          "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["loaded"], summary["rejected"]) == (5, 0)
    assert summary["mapping"]["csat"]["column"] == "satisfaction"
    # 2 satisfied of 5 -> 40%, not the 100% of the satisfied rows alone
    k = kpis(capsys, dbfile)["csat"]
    assert (k["n"], k["value"]) == (5, pytest.approx(40.0))


def test_set_gives_every_row_a_channel_and_unmap_removes_a_guess(tmp_path, capsys, dbfile):
    f = write(tmp_path, "email_survey.csv", "id,date,nps,product", "1,2026-01-02,10,Loan",
              "2,2026-01-03,0,Card")
    code, out, err = main(capsys, "import", f, "--db", dbfile, "--set", "channel=email", "--map", "product=")
    assert code == 0, err
    assert "map" in out and "'date'" in out  # the mapping used, one line per field
    con = db.connect(dbfile)
    rows = con.execute("select channel, product, attributes['product'] from responses order by response_id").fetchall()
    con.close()
    assert rows == [("email", None, "Loan"), ("email", None, "Card")]


def test_accept_rejects_and_imports_rejects(tmp_path, capsys, dbfile):
    f = write(tmp_path, "typos.csv", "id,date,nps", "1,2026-01-02,10", "2,2026-02-30,9", "3,2026-01-04,7",
              "4,2026-02-31,3")
    code, _, err = main(capsys, "import", f, "--db", dbfile)
    assert code == 2 and "typos.csv" in err  # two of four rows rejected for one reason: stops
    code, out, err = main(capsys, "import", f, "--db", dbfile, "--accept-rejects", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["loaded"], summary["rejected"]) == (2, 2)
    code, out, _ = main(capsys, "imports", str(summary["import_id"]), "--rejects", "--db", dbfile)
    assert code == 0
    assert [line.split(": ")[0] for line in out.splitlines()] == [
        "line 3, column 'date', value '2026-02-30'", "line 5, column 'date', value '2026-02-31'"]
    assert kpis(capsys, dbfile)["nps"]["n"] == 2


def test_keep_column_keeps_a_personal_column(tmp_path, capsys, dbfile):
    f = write(tmp_path, "contacts.csv", "id,date,nps,Email Address", "1,2026-01-02,10,a@example.com")
    code, out, _ = main(capsys, "import", f, "--db", dbfile, "--json")
    assert code == 0 and "Email Address" in json.loads(out)["left_out"]
    f2 = write(tmp_path, "contacts2.csv", "id,date,nps,Email Address", "2,2026-01-03,9,b@example.com")
    code, out, _ = main(capsys, "import", f2, "--db", dbfile, "--keep-column", "Email Address", "--json")
    assert code == 0 and json.loads(out)["left_out"] == []
    con = db.connect(dbfile)
    kept = con.execute("select attributes['Email Address'] from responses order by response_id").fetchall()
    con.close()
    assert kept == [(None,), ("b@example.com",)]


def test_unknown_stages_stop_the_import_and_stages_sets_the_order(tmp_path, capsys, dbfile):
    f = write(tmp_path, "events.csv", "event_id,customer_id,occurred_at,channel,stage",
              "e1,c1,2026-01-01 10:00,web,awareness", "e2,c1,2026-01-02 10:00,web,cart",
              "e3,c1,2026-01-03 10:00,web,purchase")
    code, _, err = main(capsys, "import", f, "--db", dbfile, "--kind", "interactions")
    assert code == 2 and "'cart' (1 rows)" in err and "--map-value" in err and "stages" in err
    con = db.connect(dbfile)
    assert con.execute("select count(*) from interactions").fetchone()[0] == 0
    con.close()
    code, out, _ = main(capsys, "stages", "--db", dbfile, "awareness", "cart", "purchase")
    assert code == 0
    code, out, _ = main(capsys, "stages", "--db", dbfile)
    assert out.strip() == "awareness -> cart -> purchase"
    code, _, err = main(capsys, "import", f, "--db", dbfile, "--kind", "interactions")
    assert code == 0, err
    con = db.connect(dbfile)
    # the one customer reached all three stages, in order: one journey start with both later steps
    assert con.execute("select count(*), count(t_2), count(t_3) from journey_starts "
                       "where channel = 'web'").fetchone() == (1, 1, 1)
    con.close()


def test_map_value_maps_an_unknown_stage(tmp_path, capsys, dbfile):
    f = write(tmp_path, "events.csv", "event_id,customer_id,occurred_at,channel,stage",
              "e1,c1,2026-01-01 10:00,web,awareness", "e2,c1,2026-01-02 10:00,web,cart")
    code, out, err = main(capsys, "import", f, "--db", dbfile, "--kind", "interactions",
                          "--map-value", "stage:cart=consideration", "--json")
    assert code == 0, err
    con = db.connect(dbfile)
    assert con.execute("select stage from interactions order by event_id").fetchall() == \
        [("awareness",), ("consideration",)]
    con.close()


def test_next_months_values_join_the_spelling_already_stored(tmp_path, capsys, dbfile):
    con = db.connect(dbfile)  # an older import stored 'Web Shop' and 'Privati' as they came
    con.execute("insert into responses (response_id, responded_at, channel, segment, nps, import_id) values "
                "('old1', '2025-12-01', 'Web Shop', 'Privati', 9, null)")
    from cxdata import upkeep
    upkeep.rebuild_all(con)
    con.close()
    f = write(tmp_path, "jan.csv", "id,date,channel,nps", "1,2026-01-02,web shop,10", "2,2026-01-03,WEB-SHOP,0")
    code, out, err = main(capsys, "import", f, "--db", dbfile, "--json")
    assert code == 0, err
    con = db.connect(dbfile)
    assert con.execute("select channel, count(*) from responses group by all").fetchall() == [("Web Shop", 3)]
    con.close()


def test_tidy_lists_then_merges_what_older_imports_stored_apart(tmp_path, capsys, dbfile):
    con = db.connect(dbfile)
    con.executemany("insert into responses (response_id, responded_at, channel, nps) values (?, ?, ?, ?)",
                    [("a", "2026-01-02", "Telefono", 10), ("b", "2026-01-03", "phone", 0),
                     ("c", "2026-01-04", "Phone", 9), ("d", "2026-01-05", "web", 9)])
    from cxdata import upkeep
    upkeep.rebuild_all(con)
    con.close()
    code, out, _ = main(capsys, "tidy", "--db", dbfile, "--json")
    listed = json.loads(out)
    assert code == 0 and not listed["applied"]
    assert {(m["value"], m["stored"], m["rows"]) for m in listed["merges"]} == \
        {("Telefono", "phone", 1), ("Phone", "phone", 1)}
    con = db.connect(dbfile)
    assert con.execute("select count(distinct channel) from responses").fetchone()[0] == 4  # unchanged
    con.close()
    code, out, _ = main(capsys, "tidy", "--db", dbfile, "--apply")
    assert code == 0 and "2 rows changed" in out
    con = db.connect(dbfile)
    assert con.execute("select channel, count(*) from responses group by all order by 1").fetchall() == \
        [("phone", 3), ("web", 1)]
    # the sidebar's values (a derived table) follow
    assert sorted(r[0] for r in con.execute("select distinct value from filter_values where field = 'channel'"
                                            ).fetchall()) == ["phone", "web"]
    con.close()


def test_personal_attributes_never_become_sidebar_filters(dbfile):
    from cxdata import queries, upkeep

    con = db.connect(dbfile)  # stored by an older import that kept every column
    con.execute("insert into responses (response_id, responded_at, nps, attributes) values "
                "('a', '2026-01-02', 9, map(['Email Address', 'Plan'], ['a@example.com', 'gold']))")
    upkeep.rebuild_all(con)
    assert queries.attribute_values(con) == {"Plan": ["gold"]}
    con.close()


def test_undo_says_which_rows_left_and_which_stayed(tmp_path, capsys, dbfile):
    """Trials: 'undo 18' printed '474 rows removed (... 474 rows removed, 474 rows kept ...)'."""
    a = write(tmp_path, "a.csv", "id,date,nps", *(f"{i},2026-01-{1 + i:02d},9" for i in range(6)))
    b = write(tmp_path, "b.csv", "id,date,nps", *(f"{i},2026-01-{1 + i:02d},9" for i in range(4, 10)))
    assert main(capsys, "import", a, "--db", dbfile, "--source", "s")[0] == 0
    assert main(capsys, "import", b, "--db", dbfile, "--source", "s")[0] == 0
    code, out, _ = main(capsys, "undo", "1", "--db", dbfile)
    # a's ids 0-5: 0-3 leave, 4 and 5 stay (b delivered them too)
    assert code == 0 and "4 of its 6 rows removed; the other 2 stay, delivered by import 2 (2) too" in out
    assert kpis(capsys, dbfile)["nps"]["n"] == 6


def test_a_stopped_import_shows_the_mapping_it_had(tmp_path, capsys, dbfile):
    f = write(tmp_path, "labels.csv", "id,date,satisfaction", "1,2026-01-02,satisfied",
              "2,2026-01-03,so-so", "3,2026-01-04,so-so")
    code, _, err = main(capsys, "import", f, "--db", dbfile, "--map", "csat=satisfaction")
    assert code == 2 and "The mapping as it stood:" in err and "map csat" in err and "'satisfaction'" in err


def test_kpis_says_when_a_filter_value_is_not_in_the_data(tmp_path, capsys, dbfile):
    """Trials: `kpis --channel Phone` gave n 0 without a word when the import had stored 'phone'."""
    f = write(tmp_path, "calls.csv", "id,date,channel,nps", "1,2026-01-02,Phone,9", "2,2026-01-03,web,3")
    assert main(capsys, "import", f, "--db", dbfile)[0] == 0
    code, out, err = main(capsys, "kpis", "--db", dbfile, "--channel", "Phone", "--json")
    assert code == 0 and json.loads(out)["nps"]["n"] == 0
    assert "no channel 'Phone' in the data (stored as 'phone')" in err
    code, out, err = main(capsys, "kpis", "--db", dbfile, "--channel", "phone", "--json")
    assert json.loads(out)["nps"]["n"] == 1 and "Note" not in err
