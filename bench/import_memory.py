"""The import's peak memory and time, before and after a change, on the same machine in the same run.

    python -m bench.import_memory [--rows 1000000] [--caps 1GB,512MB] [--runs 3]
                                  [--before REV] [--after REV] [--keep DIR]

Writes two files of ``--rows`` rows: the canonical responses CSV of ``bench/load.py`` (16 columns,
about 115 bytes a row) and a narrow one (``id,date,nps``, about 20 bytes a row: the most rows per
byte a real export has). Exports the tree of ``--after`` (default HEAD) with ``git archive``, twice: once as it is and
once with ``cxdata/ingest`` of ``--before`` (default: the commit before issue 18 item 9), so that
only the importer differs; and runs, alternating the two trees,
``python -m cxdata import FILE --db NEW --memory-limit CAP`` once per run, file and cap. Each run's
peak resident memory is the child's VmHWM, which it prints as it exits; its time the wall clock. Prints,
per file and cap, the median of each tree, after/before, and the after peak minus the cap (the
margin the README states); a refused file (exit 2) is shown as refused with its sentence.
Figures, never asserts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "b2d20c1~1"  # the last commit before the bounded-memory import


def export(rev: str, into: Path, only: str | None = None) -> Path:
    """The tree of ``rev`` (or its folder ``only``) in ``into`` (git archive: the working tree is
    left alone)."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, *([only] if only else [])],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def trees(before: str, after: str, work: Path) -> dict[str, Path]:
    """The ``after`` tree, and the same tree with ``cxdata/ingest`` as it was at ``before``: only
    the importer differs, whatever else was committed in between (the CLI's alerts, say)."""
    out = {"before": export(after, work / "before"), "after": export(after, work / "after")}
    shutil.rmtree(out["before"] / "cxdata" / "ingest")
    export(before, out["before"], "cxdata/ingest")
    return out


def write_files(work: Path, rows: int) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT))
    from bench.load import write_csv

    canonical = work / f"responses_{rows}.csv"
    narrow = work / f"narrow_{rows}.csv"
    if canonical.exists() and narrow.exists():  # --keep: the files of an earlier run
        return {"canonical": canonical, "narrow": narrow}
    write_csv(canonical, rows, seed=1)
    with narrow.open("w") as f:
        f.write("id,date,nps\n")
        f.writelines(f"{i},2026-01-{1 + i % 28:02d},{i % 11}\n" for i in range(rows))
    return {"canonical": canonical, "narrow": narrow}


# The child reports its own peak (VmHWM starts afresh at exec; ru_maxrss would count the pages a
# forked child shares with this process before its exec).
CHILD = """import sys
from cxdata import cli
try:
    code = cli.main(sys.argv[1:])
finally:
    hwm = next(line for line in open('/proc/self/status') if line.startswith('VmHWM'))
    print('VmHWM', int(hwm.split()[1]) * 1024, file=sys.stderr)
sys.exit(code)
"""


def run_once(tree: Path, csv: Path, cap: str, work: Path) -> tuple[float, float, int, str]:
    """(peak MB, seconds, exit code, the last line before the peak on stderr) of one import into
    a new database."""
    db = work / f"run-{time.monotonic_ns()}.duckdb"
    env = {k: v for k, v in os.environ.items() if k not in ("CX_MAX_IMPORT_MB", "CX_MEMORY_LIMIT")}
    env["PYTHONPATH"] = str(tree)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, "import", str(csv), "--db", str(db),
                           "--memory-limit", cap], cwd=tree, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.perf_counter() - start
    for p in work.glob(db.name + "*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    lines = proc.stderr.strip().splitlines()
    peak = int(lines[-1].split()[1]) / 1e6 if lines and lines[-1].startswith("VmHWM") else float("nan")
    last = lines[-2] if len(lines) > 1 else ""
    return peak, seconds, proc.returncode, last


def cap_mb(cap: str) -> float:
    sys.path.insert(0, str(ROOT))
    from cxdata.ingest.source import size_bytes

    return (size_bytes(cap) or 0) / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--caps", default="1GB,512MB")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--after", default="HEAD")
    ap.add_argument("--keep", help="write the files and trees here and keep them")
    args = ap.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cx_import_memory_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        files = write_files(work, args.rows)
        tree = trees(args.before, args.after, work)
        print(f"{os.cpu_count()} cores; after = {args.after}, before = the same with cxdata/ingest of "
              f"{args.before}; {args.runs} runs each, alternating; peak = the child's VmHWM", flush=True)
        for label, csv in files.items():
            print(f"\n{label}: {csv.stat().st_size / 1e6:,.0f} MB, {args.rows:,} rows", flush=True)
            for cap in args.caps.split(","):
                report(label, csv, cap, tree, args.runs, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(label: str, csv: Path, cap: str, trees: dict[str, Path], runs: int, work: Path) -> None:
    seen: dict[str, list[tuple[float, float, int, str]]] = {k: [] for k in trees}
    for _ in range(runs):
        for name, tree in trees.items():
            seen[name].append(run_once(tree, csv, cap, work))
    med = {}
    for name, results in seen.items():
        if any(code != 0 for _, _, code, _ in results):
            print(f"  cap {cap:>6} {name:>6}: refused or failed (exit {results[0][2]}): {results[0][3]}")
            continue
        med[name] = (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results))
        peaks = ", ".join(f"{r[0]:,.0f}" for r in results)
        print(f"  cap {cap:>6} {name:>6}: peak {med[name][0]:,.0f} MB ({peaks}), "
              f"{med[name][1]:.1f} s, peak - cap {med[name][0] - cap_mb(cap):+,.0f} MB", flush=True)
    if len(med) == 2:
        print(f"  cap {cap:>6} after/before: peak x{med['after'][0] / med['before'][0]:.2f}, "
              f"time x{med['after'][1] / med['before'][1]:.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
