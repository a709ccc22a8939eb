"""The journey tables' full rebuild in each form of the chain: time and peak memory under a cap.

    python -m bench.journeys_rebuild COPY.duckdb [--form lists|asof] [--memory-limit 1GB]

Runs ``journeys.rebuild`` (starts, later-stage events, first reach) on every customer of ``COPY``
in one transaction with its commit, with the journey chain in the ``--form`` asked for (``lists``:
what imports, the demo load and the builders run; ``asof``: one ASOF join per stage, the same
rows). It rewrites the file's journey tables (with the same rows): give it a copy. Run one form
per process, so that the peak resident memory printed (``ru_maxrss``) is that form's. Prints the
seconds, the peak, and the starts with how many reached steps 2 and 3 (equal for both forms).
Figures, never asserts.
"""

from __future__ import annotations

import argparse
import resource
import time

from cxdata import db, journeys
from cxdata.settings import transaction


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a copy of a dashboard file: its journey tables are rewritten")
    ap.add_argument("--form", choices=("lists", "asof"), default="lists")
    ap.add_argument("--memory-limit", default="1GB")
    args = ap.parse_args()
    starts_sql = journeys.starts_sql
    journeys.starts_sql = lambda n, where, asof=False: starts_sql(n, where, asof=args.form == "asof")
    con = db.connect(args.db, memory_limit=args.memory_limit)
    events = con.execute("select count(*) from interactions").fetchone()[0]
    began = time.perf_counter()
    with transaction(con):
        journeys.rebuild(con)
    seconds = time.perf_counter() - began
    starts, step2, step3 = con.execute(
        "select count(*), count(t_2), count(t_3) from journey_starts").fetchone()
    con.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{args.form}: {events:,} events, {seconds:.1f} s, peak resident {peak:,} MB "
          f"(cap {args.memory_limit}); {starts:,} starts, {step2:,} reached step 2, {step3:,} step 3")


if __name__ == "__main__":
    main()
