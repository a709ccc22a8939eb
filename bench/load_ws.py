"""Load test: concurrent viewers as websocket-level Streamlit sessions (no browser) while one big
import runs through the Upload page.

    python -m bench.load_ws [--viewers 20] [--seconds 120] [--rows 1000000] [--db PATH] [--seed 1]
                            [--timeout 90] [--out PATH]

``bench.load`` does the same with one headless-Chromium context per viewer; 20 Chromium renderers
overload a 2-core machine, so here each viewer is a ``bench.wsclient.Session``: the websocket and
the protobuf messages the Streamlit frontend exchanges, without rendering. The setup and the
uploader are ``bench.load``'s own functions:

1. A served database in a temporary folder (a 20k/50k demo set, seed 1, or a copy of ``--db``), a
   canonical responses CSV of ``--rows`` rows, and with the library on a shadow copy the Overview NPS
   n of the fixed link before and after importing that file. A copy of the served database is kept
   as the "before" state for step 5.
2. The dashboard (``tests/helpers/e2e.py``) with an import password, on 127.0.0.1.
3. ``--viewers`` viewers, each looping for ``--seconds`` (and on while the import runs, within a
   hard cap of ``2 * seconds + 600`` s): open a new session on a random page with a random valid
   deep link (``bench.load.random_link``), or one time in four the fixed Overview link (its NPS
   card's ``n = ...`` is read); then, in the same session, change a sidebar filter once or twice
   (channel, segment or region multiselect: one value added or removed), as the browser does: a
   ``rerun_script`` with the widget's new state, the page's hash and the link as the app wrote it.
   After each change the link the app writes and the "Filters: ..." caption must show the new
   selection. Every run's errors are recorded (exception element, error alert, bad finish, dropped
   socket, timeout).
4. One headless Chromium (``bench.load.uploader``), ``IMPORT_DELAY_S`` after the start, unlocks the
   Upload page, uploads the CSV, presses Import and waits for the Summary.
5. After the server stops, every Overview run's NPS n (sessions and widget reruns, any filters) is
   checked against ``queries.kpi_summary`` for the filters in the link the app wrote, on the
   "before" copy and on the served database (now after the import): it must equal one of the two.
6. Prints viewers, runs, errors, p50/p95/max page time (overall, during the import, per kind and
   page), the import's duration and counts, every NPS n seen on the fixed link; writes the same to
   ``docs/perf/load-ws-<date>.txt``. Exit 1 on any error, half-import or failed import.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs

from bench import load
from bench.load import FIXED_QUERY, IMPORT_DELAY_S, PASSWORD, Upload, log, pct
from bench.wsclient import Run, Session

ROOT = Path(__file__).resolve().parent.parent
MAX_VIEWERS = 50
FIELDS = {"channel": "Channel", "segment": "Customer segment", "region": "Region"}
PAGE_OF_PATH = {path: name for name, path in load.PAGES.items()}


@dataclass
class Rec:
    """One page run of one viewer."""

    viewer: int
    session: int
    kind: str  # "open" or "widget"
    page: str
    fixed: bool
    query_sent: str
    query_after: str
    start: float  # seconds since t0, when the rerun_script was sent
    end: float
    errors: list[str] = field(default_factory=list)
    nps_n: int | None = None  # Overview only (None when the page shows no data)
    change: str = ""  # widget runs: "channel: [..] -> [..]"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def seconds(self) -> float:
        return self.end - self.start


def toggle(rng: random.Random, current: list[str], options: list[str]) -> list[str]:
    """One value added to or removed from the selection, as a person would click it."""
    if current and (rng.random() < 0.5 or len(current) >= min(3, len(options))):
        drop = rng.choice(current)
        return [v for v in current if v != drop]
    return current + [rng.choice([o for o in options if o not in current])]


def caption_filter(run: Run, fld: str) -> list[str] | None:
    """The values of ``fld`` in the first "Filters: ..." caption ([] when not filtered), or None
    when the page shows no such caption (nothing to draw)."""
    for text in run.texts():
        if text.startswith("Filters: "):
            head = text[len("Filters: "):].split(" · ")[0]
            for part in head.split("; "):
                if part.startswith(fld + ": "):
                    return sorted(part[len(fld) + 2:].split(", "))
            return []
    return None


def h1(run: Run) -> str:
    return next((e.heading.body for _, e in run.of_type("heading") if e.heading.tag == "h1"), "")


async def viewer(i: int, base: str, values: dict, stop, recs: list[Rec], t0: float, timeout: float) -> None:
    rng = random.Random(1000 + i)
    n_session = 0

    def rec_of(run: Run, kind: str, page: str, fixed: bool) -> Rec:
        end = time.perf_counter() - t0
        r = Rec(i, n_session, kind, page, fixed, run.query_sent, run.query_after, end - run.seconds, end,
                list(run.errors))
        if run.ok and page == "Overview":
            r.nps_n = run.nps_n()
        recs.append(r)
        return r

    while not stop():
        n_session += 1
        fixed = rng.random() < 0.25
        name, link = ("Overview", "?" + FIXED_QUERY) if fixed else load.random_link(rng, values)
        path, _, query = link.partition("?")
        try:
            async with Session(base, timeout=timeout, connect_timeout=timeout) as s:
                run = await s.open(path, query)
                rec = rec_of(run, "open", name, fixed)
                if fixed and rec.ok and rec.nps_n is None:
                    rec.errors.append("no NPS card with 'n = ' on the fixed link")
                for k in range(rng.randint(1, 2)):  # at least one filter change per session
                    if not run.ok or (k and stop()):
                        break
                    await asyncio.sleep(rng.uniform(0.2, 1.2))  # a person reads, then changes a filter
                    fld = rng.choice(list(FIELDS))
                    box = run.multiselect(FIELDS[fld])
                    if box is None:
                        rec.errors.append(f"no {FIELDS[fld]!r} multiselect in the sidebar")
                        break
                    current = sorted(run.params().get(fld, []))
                    new = toggle(rng, current, list(box.multiselect.options))
                    title = h1(run)
                    after = await s.set_multiselect(FIELDS[fld], new, run)
                    w = rec_of(after, "widget", name, False)
                    w.change = f"{fld}: {current} -> {sorted(new)}"
                    if after.ok:
                        if h1(after) != title:
                            w.errors.append(f"the rerun drew another page: {h1(after)!r}, not {title!r}")
                        if sorted(after.params().get(fld, [])) != sorted(new):
                            w.errors.append(f"the link did not follow the widget ({w.change}): ?{after.query_after}")
                        shown = caption_filter(after, fld)
                        if shown is not None and shown != sorted(new):
                            w.errors.append(f"the caption did not follow the widget ({w.change}): {shown}")
                    run, rec = after, w
        except Exception as e:  # could not connect, or the client broke: an error of this session
            end = time.perf_counter() - t0
            recs.append(Rec(i, n_session, "open", name, fixed, query, query, end, end,
                            [f"session failed: {type(e).__name__}: {str(e)[:200]}"]))
        for r in recs:
            if r.viewer == i and r.session == n_session and not r.ok:
                log(f"  viewer {i} session {n_session} {r.kind} {r.change} {r.page} ?{r.query_sent}: ERROR {r.errors}")
        await asyncio.sleep(rng.uniform(0.2, 1.2))


async def drive(base: str, csv: Path, values: dict, n_viewers: int, seconds: float, cap: float,
                timeout: float):
    from playwright.async_api import async_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.e2e import CHROMIUM, CHROMIUM_ARGS

    recs: list[Rec] = []
    up = Upload()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        t0 = time.perf_counter()

        def stop() -> bool:
            now = time.perf_counter() - t0
            import_running = up.error == "" and up.finished is None
            return now >= cap or (now >= seconds and not import_running)

        up_task = asyncio.create_task(load.uploader(browser, base, csv, up, t0))
        tasks = [asyncio.create_task(viewer(i, base, values, stop, recs, t0, timeout))
                 for i in range(n_viewers)]

        async def ticker():
            while True:
                await asyncio.sleep(15)
                now = time.perf_counter() - t0
                state = ("import done" if up.finished else "importing" if up.started else
                         "previewing" if up.chosen else "waiting")
                log(f"  t={now:5.0f}s  runs {len(recs):4d}  errors {sum(not r.ok for r in recs)}  "
                    f"upload: {state}  load {os.getloadavg()[0]:.1f}")

        tick = asyncio.create_task(ticker())
        # the viewers stop by themselves; the cap (plus one page timeout) bounds them anyway
        done, pending = await asyncio.wait(tasks, timeout=cap + timeout + 30)
        for t in pending:
            t.cancel()
        for t in done:
            if t.exception():
                recs.append(Rec(-1, 0, "open", "?", False, "", "", 0, 0, [f"viewer crashed: {t.exception()!r}"]))
        try:
            await asyncio.wait_for(up_task, timeout=max(1.0, cap - (time.perf_counter() - t0)))
        except TimeoutError:
            up.error = up.error or "the import did not finish within the cap"
        tick.cancel()
        await browser.close()
    # After the import: the fixed link must now show the new data.
    final_n = None
    try:
        async with Session(base, timeout=timeout) as s:
            run = await s.open("", FIXED_QUERY)
            final_n = run.nps_n() if run.ok else None
            if not run.ok:
                log(f"  final check failed: {run.errors}")
    except Exception as e:
        log(f"  final check failed: {e}")
    return recs, up, final_n, time.perf_counter() - t0


def library_check(recs: list[Rec], before_db: Path, after_db: Path) -> dict[str, tuple[int, int]]:
    """For every link the app wrote on an Overview run: NPS n (before, after) with the library."""
    from cxdata import db, queries
    from cxdata.filters import Filters

    links = sorted({r.query_after for r in recs if r.ok and r.page == "Overview"})
    out: dict[str, list[int]] = {q: [] for q in links}
    for path in (before_db, after_db):
        con = db.connect(path)
        for q in links:
            filters, _ = Filters.from_query_params(parse_qs(q))
            out[q].append(int(queries.kpi_summary(con, filters).current.nps.n))
        con.close()
    return {q: (v[0], v[1]) for q, v in out.items()}


def import_record(served: Path, file_name: str) -> dict:
    """The import's row in ``imports`` (the library's own record), read after the server stopped."""
    from cxdata import db

    con = db.connect(served)
    row = con.execute(
        "select rows_read, loaded, duplicates, rejected, status, "
        "date_diff('millisecond', started_at, finished_at) / 1000.0 "
        "from imports where file_name = $f order by import_id desc limit 1", {"f": file_name}).fetchone()
    con.close()
    if row is None:
        return {}
    keys = ("Rows read", "Loaded", "Duplicates", "Rejected", "status", "started_at to finished_at, s")
    return dict(zip(keys, row, strict=True))


def keep_server_log(work: Path) -> tuple[Path | None, list[str]]:
    """Copy the dashboard's log out of the temporary folder; one line per uncaught exception in it
    (its last line and the last frame in the app's own files): viewers only see a redacted message."""
    log_path = work / "streamlit.log"
    if not log_path.exists():
        return None, []
    kept = Path(tempfile.gettempdir()) / f"cx-load-ws-server-{time.strftime('%Y%m%d-%H%M%S')}.log"
    shutil.copy(log_path, kept)
    found: dict[str, int] = {}
    block: list[str] = []
    for line in log_path.read_text(errors="replace").splitlines() + [""]:
        if "Uncaught app execution" in line or (block and line.startswith(("  ", "Traceback"))):
            block.append(line)
            continue
        if block:
            if line and not line[0].isspace():
                block.append(line)  # the exception's own line ends the traceback
            app = [b.strip() for b in block if b.strip().startswith("File ") and str(ROOT) in b]
            key = (block[-1].strip() if len(block) > 1 else "?")[:200] + (f"  [{app[-1]}]" if app else "")
            found[key] = found.get(key, 0) + 1
            block = []
    return kept, [f"{k}  x{n}" for k, n in found.items()]


# ---- report -------------------------------------------------------------------------------------

def code_version() -> str:
    """Which code the dashboard ran: the commit, and whether tracked files differ from it."""
    def git(*a: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *a], capture_output=True, text=True,
                              check=True, timeout=10).stdout.strip()
    try:
        head = git("log", "-1", "--format=%h %s")
        dirty = [ln for ln in git("status", "--porcelain", "--untracked-files=no").splitlines() if ln]
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    return f"git {head[:90]}" + (f" (plus uncommitted changes to {len(dirty)} tracked files)" if dirty else "")


def times_line(label: str, xs: list[float]) -> str:
    if not xs:
        return f"{label}: no runs"
    return (f"{label}: {len(xs)} runs, p50 {pct(xs, .5):.2f} s, p95 {pct(xs, .95):.2f} s, "
            f"max {max(xs):.2f} s, mean {statistics.mean(xs):.2f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--viewers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", help="copy this database as the served one (default: a 20k/50k demo set)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=90, help="seconds a page run may take (default 90)")
    ap.add_argument("--out", help="report file (default docs/perf/load-ws-<date>.txt)")
    args = ap.parse_args(argv)
    if not 1 <= args.viewers <= MAX_VIEWERS or not 10 <= args.seconds <= 1800:
        ap.error(f"--viewers must be 1..{MAX_VIEWERS} and --seconds 10..1800 (the run is bounded)")
    if not 1 <= args.timeout <= 600 or args.rows < 1:
        ap.error("--timeout must be 1..600 and --rows at least 1")
    cap = args.seconds * 2 + 600  # hard stop for viewers even if the import never ends

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import e2e

    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="cx-load-ws-"))
    try:
        t = time.perf_counter()
        served = load.build_served(work, args.db, args.seed)
        csv = work / f"load_responses_{args.rows}.csv"
        load.write_csv(csv, args.rows, args.seed)
        size_mb = csv.stat().st_size / 1e6
        log(f"Served database and a {args.rows:,}-row CSV ({size_mb:.0f} MB) in {time.perf_counter() - t:.0f} s")
        before, after, expected, values = load.legal_answers(served, csv)
        before_db = work / "before.duckdb"
        shutil.copy(served, before_db)
        log(f"Fixed link ?{FIXED_QUERY}: NPS n before {before:,}, after {after:,} "
            f"(library import {expected['library_s']:.1f} s)")

        with e2e.dashboard(served, CX_IMPORT_PASSWORD=PASSWORD) as base:
            log(f"Dashboard at {base}; {args.viewers} websocket viewers for {args.seconds:.0f} s, upload after "
                f"{IMPORT_DELAY_S:.0f} s")
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            recs, up, final_n, ran = asyncio.run(
                drive(base, csv, values, args.viewers, args.seconds, cap, args.timeout))
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu_s = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        lib = library_check(recs, before_db, served)
        recorded = import_record(served, csv.name)
    finally:
        server_log = keep_server_log(work)
        shutil.rmtree(work, ignore_errors=True)
    load_end = os.getloadavg()[0]

    # ---- figures
    errors = [r for r in recs if not r.ok]
    ok = [r for r in recs if r.ok]
    opens = [r for r in recs if r.kind == "open"]
    widgets = [r for r in recs if r.kind == "widget"]
    imp_end = up.finished if up.finished is not None else float("inf")
    during = ([r.seconds for r in ok if r.end > up.started and r.start < imp_end]
              if up.started is not None else [])
    seen: dict[int, int] = {}
    for r in recs:
        if r.fixed and r.nps_n is not None:
            seen[r.nps_n] = seen.get(r.nps_n, 0) + 1
    illegal_fixed = sorted(set(seen) - {before, after})

    # every Overview run against the library
    verdicts = {"before": 0, "after": 0, "both (same n)": 0}
    others: list[str] = []
    stale_after: list[Rec] = []
    for r in ok:
        if r.page != "Overview":
            continue
        b, a = lib[r.query_after]
        n = r.nps_n or 0  # no NPS card: the page shows "nothing matches" (every n is 0)
        if n == b == a:
            verdicts["both (same n)"] += 1
        elif n == b:
            verdicts["before"] += 1
            if up.finished is not None and r.start > up.finished:
                stale_after.append(r)
        elif n == a:
            verdicts["after"] += 1
        else:
            others.append(f"{r.kind} ?{r.query_after}: n {n:,}, library before {b:,} / after {a:,}")
    n_overview = sum(verdicts.values()) + len(others)

    checked_widgets = [r for r in widgets if r.ok]
    want_counts = {k: expected[k] for k in ("Rows read", "Loaded", "Duplicates", "Rejected")}
    # The import completed when the library's record says so with the expected counts; what the
    # Upload page showed must agree when it could be read.
    import_ok = (not up.error and up.finished is not None
                 and {k: recorded.get(k) for k in want_counts} == want_counts and recorded.get("status") == "done"
                 and (not up.counts or up.counts == want_counts))
    half = bool(illegal_fixed) or bool(others) or final_n != after
    per_page = {name: [r.seconds for r in ok if r.page == name] for name in load.PAGES}

    def uniq_errors(rs: list[Rec]) -> list[str]:
        out = []
        for r in rs[:20]:
            change = f" ({r.change})" if r.change else ""
            out.append(f"  - viewer {r.viewer} session {r.session} {r.kind}{change} {r.page} at {r.start:.0f} s "
                       f"?{r.query_sent}: {'; '.join(r.errors)[:400]}")
        return out

    lines = [
        f"bench.load_ws  {date.today().isoformat()}  {platform.node()}  {os.cpu_count()} cores  "
        f"python {platform.python_version()}",
        f"code: {code_version()}",
        f"command: python -m bench.load_ws --viewers {args.viewers} --seconds {args.seconds:.0f} "
        f"--rows {args.rows}" + (f" --db {args.db}" if args.db else ""),
        f"served database: {'copy of ' + args.db if args.db else f'demo 20,000 responses / 50,000 interactions, seed {args.seed}'}",
        f"imported file: {args.rows:,} responses, {size_mb:.0f} MB, dated {load.FIXED_FROM} to {load.FIXED_TO}",
        "",
        f"viewers: {args.viewers} websocket sessions at a time (bench.wsclient, no browser), "
        f"{args.seconds:.0f} s asked, ran {ran:.0f} s; the uploader: one headless Chromium",
        f"page runs: {len(recs)} (ok {len(ok)}): {len(opens)} sessions opened on a link "
        f"({sum(r.fixed for r in opens)} on the fixed Overview link), {len(widgets)} widget reruns "
        "(a sidebar filter changed in the open session)",
        f"errors: {len(errors)}", *uniq_errors(errors),
        f"server log: {server_log[0] or 'none'}; uncaught exceptions in it: {len(server_log[1]) or 'none'}",
        *(f"  - {line}" for line in server_log[1][:10]),
        times_line("page time, overall", [r.seconds for r in ok]),
        times_line("page time, during the import", during),
        times_line("  sessions opened", [r.seconds for r in ok if r.kind == "open"]),
        times_line("  widget reruns", [r.seconds for r in ok if r.kind == "widget"]),
        *(times_line(f"  {name}", xs) for name, xs in per_page.items()),
        "  (page time: rerun_script sent to script_finished received, server-side work only: no rendering)",
        "",
        load.upload_timeline(up),
        f"  counts shown on the page: {up.counts or 'not read (no metric found after the Summary)'}",
        "  recorded in the imports table: " + (", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                                                         for k, v in recorded.items()) or "nothing"),
        f"  counts expected (library on a copy): {want_counts}; library alone took {expected['library_s']:.1f} s",
        f"  upload error: {up.error}" if up.error else "  upload error: none",
        "",
        f"fixed link ?{FIXED_QUERY}: legal NPS n = {before:,} (before) or {after:,} (after)",
        load.seen_line(seen, before, after, "OTHER: half-import"),
        f"  after the run: {final_n:,}" if final_n is not None else "  after the run: not read",
        f"every Overview run ({n_overview}, any filters) against kpi_summary on the before copy and "
        f"the served database after the run: " + ", ".join(f"{k} {v}" for k, v in verdicts.items())
        + f", other {len(others)}",
        *(f"  - OTHER {o}" for o in others[:10]),
        f"  old data on a run that started after the Summary: {len(stale_after)}",
        f"widget reruns checked (link and 'Filters:' caption follow the new selection, same page): "
        f"{len(checked_widgets)} ok of {len(widgets)}",
        f"half-import seen: {'YES' if illegal_fixed or others else 'no'}; new data visible after the import: "
        f"{'yes' if final_n == after else 'NO'}",
        "",
        f"load average (1 min) at start {load_start:.1f}, at end {load_end:.1f} on {os.cpu_count()} cores; "
        f"the viewers' process (all websocket clients) used {client_cpu_s:.1f} s CPU while they ran",
    ]
    return load.write_report(lines, not errors and import_ok and not half, args.out, "load-ws")


if __name__ == "__main__":
    sys.exit(main())
