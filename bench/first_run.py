"""Where the server's share of a cold start goes, step by step, in a fresh process.

    python -m bench.first_run [--db /tmp/cx-bench-10M.duckdb]

Prints milliseconds for what the dashboard's first Overview run does on a server that has just
started: Streamlit's scan of the installed packages for components (done by Streamlit's runtime
before the server answers), the imports of the first run, opening the database, the Overview's
queries for its default link (the last 90 days) and its first Plotly figures. A single run in a
fresh process: run it a few times, the machine is shared.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M.duckdb")
    args = ap.parse_args()
    laps: list[tuple[str, float]] = []
    t = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal t
        now = time.perf_counter()
        laps.append((what, now - t))
        t = now

    import streamlit  # noqa: F401 - the server has it before the first run
    lap("import streamlit (before the server answers)")
    from streamlit.components.v2.manifest_scanner import scan_component_manifests
    scan_component_manifests()
    lap("Streamlit's scan of installed packages for components (before the server answers)")
    import duckdb  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    lap("first run: import pandas, Plotly, DuckDB")
    from cxdata.ui import charts, figures, state  # noqa: F401
    lap("first run: import cxdata.ui")
    from cxdata import db, demo, queries
    from cxdata.filters import Filters
    demo.ensure_database(args.db, memory_limit=state.DEFAULT_MEMORY_LIMIT)
    con = db.connect(args.db, memory_limit=state.DEFAULT_MEMORY_LIMIT)
    cur = con.cursor()
    db.data_version(cur)
    lap("first run: open the database (schema check, connect)")
    _, hi = queries.date_bounds(cur)
    queries.filter_values(cur)
    db.last_import(cur)
    f = Filters(date_from=hi.date() - timedelta(days=89), date_to=hi.date())
    queries.kpi_summary(cur, f)
    trend = queries.kpi_trend(cur, f, grain="week")
    queries.biggest_movers(cur, f)
    lap("first run: the sidebar's and the Overview's queries")
    for kpi in ("nps", "csat", "ces"):
        figures.sparkline(trend, kpi, kpi).to_json()
    lap("first run: the first three Plotly figures")
    for what, seconds in laps:
        print(f"{seconds * 1000:7.0f} ms  {what}")


if __name__ == "__main__":
    main()
