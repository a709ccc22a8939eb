"""Key drivers and comment themes on the four filter sets of ``bench.run``, with a numpy baseline
for the drivers in the same run: medians, for comparing files or settings.

    python -m bench.why_quick FILE [FILE ...] [--repeat 3] [--exact] [--no-baseline]

Per file (opened read-only, 1 GB memory limit like the dashboard) and filter set:

- ``drivers``: ``key_drivers(con, f, "nps")`` as the page calls it (the fixed sample of
  ``cube.SAMPLE_TABLE`` above ``drivers.SAMPLE_ABOVE`` answers; ``1 in 16`` says it did);
- ``numpy``: the same model from the same rows in numpy (``bench.why.base_drivers``: row mask,
  listwise rows, one-hot moment matrix, the same Shapley), the rows loaded once untimed; ``x``
  the ratio numpy / drivers, ``R2 ok`` that both give the same R^2 (1e-9);
- with ``--exact``: the pass over every row (``sample_above=None``) and how far the sampled
  figures are from it: the largest difference of an importance, in R^2 units, and whether the
  order of the drivers is the same;
- ``themes``: ``themes(con, f, "nps")`` (its own baseline is ``bench.themes_alerts``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import duckdb

from bench.run import filter_combos
from bench.why import base_drivers, load
from cxdata import cube
from cxdata.insight import driver_cells
from cxdata.insight.drivers import key_drivers
from cxdata.insight.themes import themes


def median_ms(run, repeat: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, out


def _versus_exact(con, f, res, repeat: int) -> str:
    ms, exact = median_ms(lambda: key_drivers(con, f, "nps", sample_above=None), repeat)
    full = {d.name: d.importance for d in exact.drivers}
    gap = max((abs(d.importance - full.get(d.name, 0.0)) for d in res.drivers), default=0.0)
    same = [d.name for d in res.drivers] == [d.name for d in exact.drivers]
    return f"  every row {ms:6.0f} ms n={exact.n:>9,} R2 {exact.r2:.4f}  max |d importance| {gap:.4f} same order {same}"


def _baseline(bases: dict, f, res, lib_ms: float) -> str:
    base = bases.get("sample" if res.sample_every else "responses")
    if base is None:
        return "  numpy      -"
    ms, r2 = median_ms(lambda: base_drivers(base, f, "nps", res.sample_every), 1)
    same = res.r2 is not None and abs(res.r2 - r2) < 1e-9
    return f"  numpy {ms:7.0f} ms x{ms / lib_ms:5.1f} R2 ok {same}"


def run_file(path: str, args) -> None:
    con = duckdb.connect(path, read_only=True)
    con.execute("set memory_limit = '1GB'")
    bases = {}
    if not args.no_baseline:
        t0 = time.perf_counter()
        if driver_cells.has_sample(con):
            bases["sample"] = load(con, cube.SAMPLE_TABLE)
        else:  # an older file: the library reads every row, so does the baseline
            bases["responses"] = load(con)
        print(f"{path}: baseline rows loaded in {time.perf_counter() - t0:.1f} s (not timed); "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
    for name, f in filter_combos(con).items():
        ms, res = median_ms(lambda f=f: key_drivers(con, f, "nps"), args.repeat)
        line = (f"{path.split('/')[-1]:30} {name:26} drivers {ms:6.0f} ms n={res.n:>9,} "
                f"(1 in {res.sample_every or 1:>2}) R2 {res.r2:.4f}")
        if not args.no_baseline:
            line += _baseline(bases, f, res, ms)
        if args.exact:
            line += _versus_exact(con, f, res, args.repeat)
        words, _ = median_ms(lambda f=f: themes(con, f, "nps"), args.repeat)
        print(f"{line}  themes {words:5.0f} ms", flush=True)
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--exact", action="store_true", help="also time the pass over every row and compare")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    for path in args.files:
        run_file(path, args)


if __name__ == "__main__":
    main()
