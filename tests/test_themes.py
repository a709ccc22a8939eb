"""Comment themes on literal comments; the log-odds computed by hand (Monroe et al. 2008, eq. 22)."""

import json
import math

import pytest
from helpers.tiny import tiny_db

import cxdata
from cxdata.cli import main
from cxdata.filters import Filters
from cxdata.insight import themes, words

# (comment, nps, how many): detractors say "attesa" (and the stop words "ma", "perché"); both groups
# say "prezzo" at the same rate (10 of 25 terms, 14 of 35); promoters say "personale"; passives
# (7-8) and responses without a comment or an NPS are not compared.
CORPUS = [
    ("L'attesa, ma perché?", 3, 15),
    ("Il prezzo.", 2, 10),
    ("Il prezzo.", 10, 14),
    ("Il personale.", 9, 21),
    ("Il personale.", 8, 30),
    (None, 0, 5),
    ("   ", 1, 5),
]


def rows(corpus, channel="web"):
    out = []
    for comment, score, k in corpus:
        out += [(f"{channel}{len(out)}", "2025-03-01", channel, score, comment) for _ in range(k)]
    return out


COLUMNS = ("response_id", "responded_at", "channel", "nps", "comment")


@pytest.fixture
def con():
    return tiny_db("responses", COLUMNS, rows(CORPUS))


def z_by_hand(yi, yj, n_i, n_j, share=0.1):
    n = n_i + n_j
    a0 = share * n
    a = a0 * (yi + yj) / n
    delta = math.log((yi + a) / (n_i + a0 - yi - a)) - math.log((yj + a) / (n_j + a0 - yj - a))
    return delta / math.sqrt(1 / (yi + a) + 1 / (yj + a))


def test_a_planted_detractor_word_leads_and_an_equal_word_is_absent(con):
    out = themes.themes(con, Filters(), "nps")
    # detractors: 15 comments with "attesa" + 10 with "prezzo" = 25 terms; promoters: 14 + 21 = 35
    assert (out["n_comments"], out["n_low"], out["n_high"]) == (60, 25, 35)
    assert [t["term"] for t in out["low"]] == ["attesa"]
    assert out["low"][0]["count"] == 15
    # a = 0.1 * 60 * 15 / 60 = 1.5: log(16.5 / 14.5) - log(1.5 / 39.5), var 1/16.5 + 1/1.5
    expected = (math.log(16.5 / 14.5) - math.log(1.5 / 39.5)) / math.sqrt(1 / 16.5 + 1 / 1.5)
    assert out["low"][0]["z"] == pytest.approx(expected) == pytest.approx(z_by_hand(15, 0, 25, 35))
    assert [t["term"] for t in out["high"]] == ["personale"]
    assert out["high"][0]["count"] == 21
    assert out["high"][0]["z"] == pytest.approx(z_by_hand(0, 21, 25, 35))
    assert out["high"][0]["z"] < -1.96
    # "prezzo": a = 2.4, log(12.4 / 18.6) - log(16.4 / 24.6) = 0: the same rate is no theme
    assert z_by_hand(10, 14, 25, 35) == pytest.approx(0)
    assert "prezzo" not in {t["term"] for side in ("low", "high") for t in out[side]}


def test_stop_words_never_appear(con):
    out = themes.themes(con, Filters(), "nps")
    stop = words.stop_words()
    assert {"ma", "perché", "il", "l"} <= stop
    for side in ("low", "high"):
        for t in out[side]:
            assert not set(t["term"].split()) & stop, t


def test_fewer_than_ten_comments_is_no_theme():
    con = tiny_db("responses", COLUMNS, rows([("Il rimborso.", 2, 9), ("Il personale.", 10, 40)]))
    out = themes.themes(con, Filters(), "nps")
    assert out["low"] == []  # "rimborso": 9 detractor comments, one short of MIN_COMMENTS
    con = tiny_db("responses", COLUMNS, rows([("Il rimborso.", 2, 10), ("Il personale.", 10, 40)]))
    assert [t["term"] for t in themes.themes(con, Filters(), "nps")["low"]] == ["rimborso"]


def test_examples_are_the_shortest_readable_comments_and_phrases_count():
    corpus = [("Attesa lunga.", 2, 4),  # two words: not readable, no example
              ("Una attesa di venti minuti.", 2, 3),
              ("Attesa di venti minuti al telefono ieri sera.", 2, 3),
              ("Attesa infinita, poi hanno chiuso.", 2, 3),
              ("Non risolto dopo una lunga attesa.", 1, 2),
              ("Tutto bene, grazie mille.", 10, 40)]
    out = themes.themes(tiny_db("responses", COLUMNS, rows(corpus)), Filters(), "nps")
    first = out["low"][0]
    assert (first["term"], first["count"]) == ("attesa", 15)
    # readable (3 to 40 words) comments with "attesa", shortest first
    assert first["examples"] == ["Una attesa di venti minuti.", "Attesa infinita, poi hanno chiuso.",
                                 "Non risolto dopo una lunga attesa."]
    assert "non" not in {t["term"] for t in out["low"]}  # a negation is no theme alone


def test_terms_phrases_and_negations():
    assert words.terms("Problema ancora non risolto.") == {"problema", "non risolto", "risolto"}
    assert words.terms("Attesa al telefono troppo lunga") >= {"attesa", "telefono", "troppo lunga"}
    assert "attesa telefono" not in words.terms("Attesa al telefono")  # not consecutive
    assert words.terms("I don't like the long wait") >= {"long wait", "long", "wait"}
    assert words.terms("Dall'app trovo subito le bollette") >= {"app", "bollette"}
    assert words.terms("Più città, più qualità") >= {"città", "qualità"}  # accents kept


def test_csat_groups_one_to_three_against_four_and_five():
    corpus = [("Il ritardo.", 3, 12), ("Il corriere.", 1, 6), ("Il corriere.", 5, 18)]
    con = tiny_db("responses", ("response_id", "responded_at", "channel", "csat", "comment"), rows(corpus))
    out = themes.themes(con, Filters(), "csat")
    assert (out["n_low"], out["n_high"]) == (18, 18)
    assert [t["term"] for t in out["low"]] == ["ritardo"]
    assert out["low"][0]["z"] == pytest.approx(z_by_hand(12, 0, 18, 18))


def test_cli_json_and_filters(tmp_path, capsys):
    path = str(tmp_path / "t.duckdb")
    tiny_db("responses", COLUMNS, rows(CORPUS) + rows([("Il rimborso.", 2, 12)], channel="phone"),
            con=cxdata.connect(path)).close()
    assert main(["themes", "--db", path, "--kpi", "nps", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"n_comments", "low", "high"}
    assert out["n_comments"] == 72 and {t["term"] for t in out["low"]} == {"attesa", "rimborso"}
    assert set(out["low"][0]) >= {"term", "count", "z", "examples"}
    assert main(["themes", "--db", path, "--channel", "phone", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_comments"] == 12 and out["low"] == [] and out["high"] == []  # no promoter to compare with


@pytest.mark.parametrize("text", [
    "Problema ancora non risolto.", "I don't like the long wait, can't reach anyone, won't call",
    "Dall'app trovo subito le bollette", "Più città, più qualità: perché?", "Attesa di 20 minuti, n°5",
    "Über straße    große   Wartezeit", "NON  RISOLTO!!! Nessun rimborso", "l’attesa è stata lunga",
])
def test_duckdb_finds_the_terms_python_finds(text):
    con = tiny_db("responses", COLUMNS, [("r1", "2025-03-01", "web", 2, text)])
    rows, n_low, n_high = themes.term_table(con, Filters(), "nps")
    assert (n_low, n_high) == (1, 0)
    assert {r[0] for r in rows} == words.terms(text)
    assert all(r[1] == 1 and r[2] == 0 for r in rows)
