"""The CLI contract: `python -m cxdata kpis --json`, and one clear sentence when the DB is held."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import old_schema  # tests/ is on sys.path under pytest
from helpers.busy import held

import cxdata
from cxdata import cli, cube, db

ROOT = Path(__file__).resolve().parent.parent


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "cxdata", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, **kw)


@pytest.fixture
def small_db(tmp_path):
    path = tmp_path / "cx.duckdb"
    con = cxdata.connect(path)
    rows = [
        ("r1", "2024-01-05", "web", "SME", 10, 5, 1),
        ("r2", "2024-01-06", "web", "SME", 9, 4, 2),
        ("r3", "2024-01-07", "app", "Consumer", 3, 2, 6),
        ("r4", "2024-02-07", "app", "Consumer", 0, 1, 7),
        ("r5", "2024-02-08", "web", "Consumer", 8, None, None),
    ]
    con.executemany("insert into responses (response_id, responded_at, channel, segment, nps, csat, ces) "
                    "values (?, ?, ?, ?, ?, ?, ?)", rows)
    cube.rebuild(con)  # rows inserted outside an import: refresh the derived tables
    con.close()
    return path


def test_kpis_json_contract(small_db):
    out = run("kpis", "--db", str(small_db), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # exactly one JSON object
    # NPS: 10, 9, 3, 0, 8 -> P 2, passives 1, D 2, n 5 -> 0
    assert (data["nps"]["n"], data["nps"]["promoters"], data["nps"]["passives"], data["nps"]["detractors"]) \
        == (5, 2, 1, 2)
    assert data["nps"]["value"] == pytest.approx(0.0)
    assert data["nps"]["moe"] == pytest.approx(1.96 * ((0.4 + 0.4 - 0) / 5) ** 0.5 * 100)
    assert data["csat"]["n"] == 4 and data["csat"]["value"] == pytest.approx(50.0)
    assert data["csat"]["low"] < 50 < data["csat"]["high"]
    assert data["ces"]["n"] == 4 and data["ces"]["mean"] == pytest.approx(16 / 4)
    assert data["ces"]["low_effort_pct"] == pytest.approx(50.0)


def test_kpis_filters_inclusive_dates_and_repeatable_channel(small_db):
    out = run("kpis", "--db", str(small_db), "--from", "2024-01-06", "--to", "2024-02-07",
              "--channel", "app", "--channel", "web", "--json")
    data = json.loads(out.stdout)
    assert data["nps"]["n"] == 3  # r2, r3, r4: both ends inclusive
    out = run("kpis", "--db", str(small_db), "--segment", "SME", "--json")
    assert json.loads(out.stdout)["nps"]["value"] == pytest.approx(100.0)


def test_kpis_takes_every_filter_a_link_takes(tmp_path):
    path = tmp_path / "cx.duckdb"
    con = cxdata.connect(path)
    rows = [  # id, channel, region, product, touchpoint, stage, tier, nps
        ("a", "phone", "Lazio", "Fibra", "ivr", "purchase", "Gold", 10),
        ("b", "phone", "Lazio", "Fibra", "ivr", "purchase", "Bronze", 0),
        ("c", "phone", "Lazio", "Mobile", "ivr", "purchase", "Gold", 9),
        ("d", "phone", "Sicilia", "Fibra", "ivr", "purchase", "Gold", 2),
        ("e", "phone", "Lazio", "Fibra", "agent", "purchase", "Gold", 3),
        ("f", "phone", "Lazio", "Fibra", "ivr", "awareness", "Gold", 4),
        ("g", "phone", "Lazio", "Fibra", "ivr", "purchase", "Gold", 7),
    ]
    con.executemany("insert into responses (response_id, responded_at, channel, region, product, touchpoint, "
                    "journey_stage, attributes, nps) values (?, '2024-01-05', ?, ?, ?, ?, ?, map(['tier'], [?]), ?)",
                    rows)
    cube.rebuild(con)
    con.close()
    out = run("kpis", "--db", str(path), "--region", "Lazio", "--product", "Fibra", "--touchpoint", "ivr",
              "--stage", "purchase", "--attr", "tier:Gold", "--json")
    assert out.returncode == 0, out.stderr
    nps = json.loads(out.stdout)["nps"]
    # a (10, promoter) and g (7, passive) pass every filter: (1 - 0) / 2 = +50
    assert (nps["n"], nps["promoters"], nps["passives"], nps["detractors"]) == (2, 1, 1, 0)
    assert nps["value"] == pytest.approx(50.0)
    out = run("kpis", "--db", str(path), "--attr", "tier:Gold", "--attr", "tier:Bronze", "--json")
    assert json.loads(out.stdout)["nps"]["n"] == 7  # repeated values of one key: any of them
    out = run("kpis", "--db", str(path), "--region", "lazio")
    assert out.returncode == 0 and "no region 'lazio' in the data (stored as 'Lazio')" in out.stderr
    out = run("kpis", "--db", str(path), "--attr", "tier")
    assert out.returncode == 2 and "KEY:VALUE" in out.stderr


def test_kpis_text_output_shows_n_and_small_sample(small_db):
    out = run("kpis", "--db", str(small_db))
    assert out.returncode == 0
    assert "n=5" in out.stdout and "small sample" in out.stdout


def test_bad_date_is_a_usage_error(small_db):
    out = run("kpis", "--db", str(small_db), "--from", "2024-02-30")
    assert out.returncode == 2 and "not a date" in out.stderr


def test_database_held_by_another_process_gives_one_sentence(small_db):
    with held(small_db):
        out = run("kpis", "--db", str(small_db), "--json")
        assert out.returncode == 3
        assert "Traceback" not in out.stderr
        assert out.stderr.strip().count("\n") == 0  # one sentence
        assert "in use by another process" in out.stderr
    # the data is untouched and readable again
    assert json.loads(run("kpis", "--db", str(small_db), "--json").stdout)["nps"]["n"] == 5


DATA = ROOT / "tests" / "data"


def test_import_json_undo_round_trip(small_db):
    out = run("import", str(DATA / "bad_rows.csv"), "--db", str(small_db), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert {"rows_read", "loaded", "duplicates", "rejected", "import_id"} <= summary.keys()
    assert summary["rows_read"] == summary["loaded"] + summary["duplicates"] + summary["rejected"]
    assert (summary["loaded"], summary["rejected"]) == (2, 9)
    # the same file again is refused with the earlier import named (issue 16), then --replace swaps it
    refused = run("import", str(DATA / "bad_rows.csv"), "--db", str(small_db), "--json")
    assert refused.returncode == 2
    assert f"imported as import {summary['import_id']}" in json.loads(refused.stdout)["error"]
    again = json.loads(run("import", str(DATA / "bad_rows.csv"), "--db", str(small_db), "--json",
                           "--replace").stdout)
    assert (again["loaded"], again["duplicates"], again["replaced"]) == (2, 0, [summary["import_id"]])
    listed = json.loads(run("imports", "--db", str(small_db), "--json").stdout)
    assert [i["import_id"] for i in listed][:2] == [again["import_id"], summary["import_id"]]
    assert [i["status"] for i in listed][:2] == ["done", "undone"]
    assert listed[0]["source"] == again["source"] and listed[0]["key"] == again["key"]
    before = json.loads(run("kpis", "--db", str(small_db), "--json").stdout)["nps"]["n"]
    out = run("undo", str(again["import_id"]), "--db", str(small_db))
    assert out.returncode == 0 and "2 rows removed" in out.stdout
    assert json.loads(run("kpis", "--db", str(small_db), "--json").stdout)["nps"]["n"] == before - 2


def test_import_of_unreadable_file_is_one_clear_message(small_db):
    out = run("import", str(DATA / "not_csv.xlsx"), "--db", str(small_db))
    assert out.returncode == 2
    assert "not_csv.xlsx" in out.stderr and "Traceback" not in out.stderr


def test_import_while_dashboard_holds_the_db(small_db):
    with held(small_db):
        out = run("import", str(DATA / "clean.csv"), "--db", str(small_db), "--json")
        assert out.returncode == 3 and "in use by another process" in out.stderr
        assert "Traceback" not in out.stderr
    assert json.loads(run("kpis", "--db", str(small_db), "--json").stdout)["nps"]["n"] == 5


def test_memory_limit_is_checked_and_applied(tmp_path):
    con = cxdata.connect(tmp_path / "m.duckdb", memory_limit="512MB")
    limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "488.2 MiB"  # 512 MB, as DuckDB shows it
    con.close()
    for bad in ("1GB'; drop table responses; --", "lots", "-1GB", ""):
        with pytest.raises(ValueError, match="memory limit"):
            cxdata.connect(tmp_path / "m.duckdb", memory_limit=bad)


def test_cli_runs_under_a_memory_limit_and_says_when_it_runs_out(small_db, tmp_path):
    big = tmp_path / "big.csv"
    lines = ["response_id,responded_at,channel,nps,comment"]
    lines += [f"b{i},2024-03-{1 + i % 28:02d},web,{i % 11},{'words ' * (i % 40)}" for i in range(60_000)]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # within a roomy cap the import works (from the flag, or from CX_MEMORY_LIMIT like the dashboard)
    out = run("kpis", "--db", str(small_db), "--json", "--memory-limit", "256MB")
    assert out.returncode == 0 and json.loads(out.stdout)["nps"]["n"] == 5
    # a cap too small for the file: refused before it is read, naming the cap that would do
    out = run("import", str(big), "--db", str(small_db), "--memory-limit", "5MB")
    assert out.returncode == 2 and "more than an import can read within a memory limit" in out.stderr
    # past that check (a fixed size limit), DuckDB running out is one sentence, exit 1, nothing kept
    out = run("import", str(big), "--db", str(small_db), "--memory-limit", "5MB",
              env=os.environ | {"CX_MAX_IMPORT_MB": "100"})
    assert out.returncode == 1, out.stderr
    assert "ran out of memory (limit: 5MB)" in out.stderr and "Traceback" not in out.stderr
    assert json.loads(run("kpis", "--db", str(small_db), "--json").stdout)["nps"]["n"] == 5
    assert json.loads(run("imports", "--db", str(small_db), "--json").stdout) == []
    out = run("import", str(big), "--db", str(small_db), "--json", env=os.environ | {"CX_MEMORY_LIMIT": "512MB"})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["loaded"] == 60_000
    # a malformed size is refused before anything is opened, from the flag or the variable
    out = run("kpis", "--db", str(small_db), "--memory-limit", "1GB'; drop table responses; --")
    assert out.returncode == 2 and "is not a size" in out.stderr
    out = run("kpis", "--db", str(small_db), env=os.environ | {"CX_MEMORY_LIMIT": "lots"})
    assert out.returncode == 2 and "CX_MEMORY_LIMIT='lots' is not a size" in out.stderr


_UNITS = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


def _shown_bytes(shown: str) -> float:
    number, unit = shown.split()  # "5.8 GiB", as DuckDB shows a memory limit
    return float(number) * _UNITS[unit]


def test_with_no_cap_given_the_cli_takes_a_quarter_of_the_machine(small_db, monkeypatch):
    # DuckDB's own default (80% of RAM) let the 10M/50M demo generation be killed by the kernel
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 < db.available_memory() <= machine
    for variable, flag, expected in ((None, [], db.available_memory() / 4),
                                     (None, ["--memory-limit", "300MB"], 300e6),
                                     ("700MB", [], 700e6)):
        if variable:
            monkeypatch.setenv("CX_MEMORY_LIMIT", variable)
        else:
            monkeypatch.delenv("CX_MEMORY_LIMIT", raising=False)
        con = cli._connect(cli.build_parser().parse_args(["kpis", "--db", str(small_db), *flag]))
        shown = con.execute("select current_setting('memory_limit')").fetchone()[0]
        con.close()
        assert abs(_shown_bytes(shown) - expected) / expected < 0.02, (variable, flag, shown)  # shown to 1 decimal


def test_an_older_file_is_upgraded_with_one_line_first(small_db):
    """A file of an earlier schema is upgraded on first open: the CLI says so before the silence
    (a minute or more at tens of millions of rows), then answers; a current file gets no line."""
    con = cxdata.connect(small_db)
    old_schema.before_v7(con)
    old_schema.as_version(con, 6)
    con.close()
    out = run("kpis", "--db", str(small_db), "--json")
    assert out.returncode == 0, out.stderr
    assert f"Upgrading {small_db} from schema v6 to v" in out.stderr
    assert json.loads(out.stdout)["nps"]["n"] == 5
    out = run("kpis", "--db", str(small_db), "--json")
    assert out.returncode == 0 and "Upgrading" not in out.stderr
