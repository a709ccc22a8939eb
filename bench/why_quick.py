"""Key drivers and comment themes on the four filter sets of ``bench.run``, DuckDB only (the
baselines are ``bench.why`` and ``bench.themes_alerts``): medians of 3, for comparing two files.

    python -m bench.why_quick FILE [FILE ...]
"""

from __future__ import annotations

import statistics
import sys
import time

import duckdb

from bench.run import filter_combos
from cxdata.insight.drivers import key_drivers
from cxdata.insight.themes import themes


def median_ms(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(paths: list[str]) -> None:
    for path in paths:
        con = duckdb.connect(path, read_only=True)
        con.execute("set memory_limit = '1GB'")
        for name, f in filter_combos(con).items():
            drivers = median_ms(lambda f=f, con=con: key_drivers(con, f, "nps"))
            words = median_ms(lambda f=f, con=con: themes(con, f, "nps"))
            print(f"{path.split('/')[-1]:32} {name:30} drivers {drivers:7.0f} ms  themes {words:6.0f} ms", flush=True)
        con.close()


if __name__ == "__main__":
    main(sys.argv[1:])
