"""Load test: concurrent viewers in real browsers while one big import runs through the Upload page.

    python -m bench.load [--viewers 20] [--seconds 120] [--rows 1000000] [--db PATH] [--seed 1]

What it does, in order (everything on 127.0.0.1, bounded in count and time, stops by itself):

1. Builds a served database in a temporary folder: a small demo set (20k responses, 50k
   interactions, seed 1), or a copy of ``--db``. Writes a canonical responses CSV of ``--rows`` rows
   (the responses of a demo set generated with another seed, one year ending 2026-10-31, with new
   ids ``L...``; header = ``schema.RESPONSE_FIELDS``; ISO dates). On a shadow copy of the served
   database it computes, with the library, the Overview NPS n of a fixed link (``?from=...&to=...``
   covering the file's dates) before and after ``ingest.import_file`` of that file: the only two
   legal answers a viewer may see on that link.
2. Starts the dashboard (``tests/helpers/e2e.py``: ``streamlit run dashboard.py``) with an import
   password.
3. Opens ``--viewers`` contexts of ONE headless Chromium; each loops for ``--seconds`` (and on while
   the import is still running, within a hard cap): a deep link to a random page (Overview, Trends,
   Segments, Funnel, Pyramid) with random valid filters, or (one time in four) the fixed Overview
   link; waits until the page is ready (no ``stStatusWidget``, Plotly drawn or the page's
   "nothing matches" notice); records the page time, any ``stException`` or error alert, and on the
   fixed link the NPS card's ``n = ...``.
4. A further context, a few seconds after the start, unlocks the Upload page, uploads the CSV,
   presses Import and waits for the Summary; its start, end and counts are recorded.
5. Prints viewers, page loads, errors, p50/p95/max page time overall and during the import, the
   import's duration and counts, and every NPS n seen on the fixed link (each must be the before or
   the after value: anything else would be a half-import). Writes the same to
   ``docs/perf/load-<date>.txt``. Exit code 1 on any error, timeout, half-import or failed import.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-bench-password"
PAGES = {"Overview": "", "Trends": "Trends", "Segments": "Segments", "Funnel": "Funnel",
         "Pyramid": "Pyramid"}
FILE_END = date(2026, 10, 31)  # the imported file's responses: one year ending here
FIXED_FROM, FIXED_TO = date(2025, 11, 1), FILE_END
FIXED_QUERY = f"from={FIXED_FROM.isoformat()}&to={FIXED_TO.isoformat()}"
PAGE_TIMEOUT_MS = 90_000
IMPORT_DELAY_S = 5.0

READY_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !document.querySelector('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]'))
    return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]'))
    return true;
  if (document.querySelector('.js-plotly-plot .main-svg')) return true;
  return /match these filters/.test(main.innerText);
}"""


def log(msg: str) -> None:
    print(msg, flush=True)


# ---- 1. data ------------------------------------------------------------------------------------

def build_served(work: Path, source: str | None, seed: int) -> Path:
    from cxdata import db, demo

    served = work / "served.duckdb"
    if source:
        shutil.copy(source, served)
        return served
    con = db.connect(served)
    demo.generate_demo(con, responses=20_000, interactions=50_000, seed=seed)
    con.execute("checkpoint")
    con.close()
    return served


def write_csv(path: Path, rows: int, seed: int) -> None:
    """``rows`` demo responses of another seed, one year ending FILE_END, new ids, canonical header."""
    from cxdata import db, demo
    from cxdata.schema import RESPONSE_FIELDS

    mem = db.connect(":memory:")
    demo.generate_demo(mem, responses=rows, interactions=0, seed=seed + 1000, years=1, end=FILE_END)
    cols = []
    for f in RESPONSE_FIELDS:
        if f == "response_id":
            cols.append("'L' || response_id as response_id")
        elif f == "responded_at":
            cols.append("strftime(responded_at, '%Y-%m-%dT%H:%M:%S') as responded_at")
        else:
            cols.append(f)
    sql = "select " + ", ".join(cols) + " from responses order by responded_at"  # noqa: S608 - fixed names
    mem.sql(sql).write_csv(str(path), header=True)
    mem.close()


def fixed_n(con) -> int:
    from cxdata import queries
    from cxdata.filters import Filters

    filters, notices = Filters.from_query_params({"from": [FIXED_FROM.isoformat()],
                                                  "to": [FIXED_TO.isoformat()]})
    assert not notices, notices
    return int(queries.kpi_summary(con, filters).current.nps.n)


def legal_answers(served: Path, csv: Path) -> tuple[int, int, dict, dict]:
    """(before, after, expected import counts, filter values) from a shadow copy, with the library."""
    from cxdata import db, ingest

    shadow = served.parent / "shadow.duckdb"
    shutil.copy(served, shadow)
    con = db.connect(shadow)
    values = {k: [r[0] for r in con.execute(
        f"select distinct {k} from responses where {k} is not null order by 1").fetchall()]  # noqa: S608
        for k in ("channel", "segment", "region")}
    span = con.execute("select min(responded_at)::date, max(responded_at)::date from responses").fetchone()
    values["dates"] = span
    before = fixed_n(con)
    began = time.perf_counter()
    res = ingest.import_file(con, csv)
    lib_s = time.perf_counter() - began
    after = fixed_n(con)
    con.close()
    shadow.unlink()
    counts = {"Rows read": res.rows_read, "Loaded": res.loaded, "Duplicates": res.duplicates,
              "Rejected": res.rejected, "library_s": lib_s}
    return before, after, counts, values


# ---- 2-4. browsers ------------------------------------------------------------------------------

@dataclass
class Load:
    viewer: int
    page: str
    url: str
    start: float
    end: float
    ok: bool
    error: str = ""
    nps_n: int | None = None


@dataclass
class Upload:
    unlocked: float | None = None
    chosen: float | None = None
    previewed: float | None = None
    started: float | None = None
    finished: float | None = None
    counts: dict = field(default_factory=dict)
    error: str = ""


def random_link(rng: random.Random, values: dict) -> tuple[str, str]:
    name = rng.choice(list(PAGES))
    lo, hi = values["dates"]
    span_days = (hi - lo).days
    length = rng.choice([30, 91, 182, 365, 730])
    start = lo + timedelta(days=rng.randrange(max(1, span_days - length)))
    end = min(hi, start + timedelta(days=length))
    params = [f"from={start.isoformat()}", f"to={end.isoformat()}"]
    for key in ("channel", "segment", "region"):
        if rng.random() < 0.5:
            for v in rng.sample(values[key], rng.randint(1, min(2, len(values[key])))):
                params.append(f"{key}={v}")
    from urllib.parse import quote

    return name, PAGES[name] + "?" + "&".join(p.split("=", 1)[0] + "=" + quote(p.split("=", 1)[1])
                                              for p in params)


async def wait_ready(pg) -> None:
    """Ready = the condition holds twice 300 ms apart (a rerun cannot sneak in between)."""
    while True:
        await pg.wait_for_function(READY_JS, timeout=PAGE_TIMEOUT_MS, polling=100)
        await pg.wait_for_timeout(300)
        if await pg.evaluate(READY_JS):
            return


async def read_nps_n(pg) -> int:
    card = pg.locator('[data-testid="stColumn"]').filter(has_text="NPS").first
    text = await card.inner_text()
    m = re.search(r"n = ([\d,]+)", text)
    if not m:
        raise RuntimeError(f"no 'n = ' on the NPS card: {text[:200]!r}")
    return int(m.group(1).replace(",", ""))


async def viewer(i: int, browser, base: str, values: dict, stop, loads: list, t0: float) -> None:
    rng = random.Random(1000 + i)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    pg = await ctx.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        while not stop():
            fixed = rng.random() < 0.25
            name, link = ("Overview", "?" + FIXED_QUERY) if fixed else random_link(rng, values)
            start = time.perf_counter()
            rec = Load(i, name, link, start - t0, 0.0, True)
            try:
                await pg.goto(base + link)
                await wait_ready(pg)
                rec.end = time.perf_counter() - t0
                exc = await pg.locator('[data-testid="stException"]').count()
                alerts = pg.locator('[data-testid="stAlertContentError"]')
                if exc or await alerts.count():
                    rec.ok = False
                    rec.error = "exception" if exc else "error alert: " + (await alerts.first.inner_text())[:200]
                elif fixed:
                    rec.nps_n = await read_nps_n(pg)
            except Exception as e:  # a timeout or a lost page is an error of this load
                rec.end = time.perf_counter() - t0
                rec.ok = False
                rec.error = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
            loads.append(rec)
            if not rec.ok:
                log(f"  viewer {i}: ERROR on {link}: {rec.error}")
            await pg.wait_for_timeout(rng.randint(200, 1200))  # a person reads, then changes a filter
    finally:
        await ctx.close()


async def settle(pg) -> None:
    await pg.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    await pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    await pg.wait_for_timeout(400)


async def uploader(browser, base: str, csv: Path, up: Upload, t0: float) -> None:
    await asyncio.sleep(IMPORT_DELAY_S)
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    pg = await ctx.new_page()
    pg.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        await pg.goto(base + "Upload")
        await settle(pg)
        await pg.get_by_label("Import password").fill(PASSWORD)
        await pg.get_by_role("button", name="Unlock").click()
        await settle(pg)
        await pg.locator('[data-testid="stFileUploader"] input[type="file"]').wait_for(state="attached")
        up.unlocked = time.perf_counter() - t0
        await pg.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        up.chosen = time.perf_counter() - t0
        button = pg.locator('[data-testid="stButton"] button').filter(has_text=re.compile(r"Import [\d,]+ rows"))
        await button.wait_for(timeout=900_000)
        await pg.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=900_000)
        up.previewed = time.perf_counter() - t0
        up.started = time.perf_counter() - t0
        await button.click()
        await pg.wait_for_selector("text=Summary", timeout=1_800_000)
        up.finished = time.perf_counter() - t0
        # The summary's metrics may arrive in a later delta than its heading (seen under 20 viewers).
        await pg.wait_for_selector('[data-testid="stMetricLabel"]:has-text("Loaded")', timeout=300_000)
        await pg.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)
        for m in await pg.locator('[data-testid="stMetric"]').all():
            label = (await m.locator('[data-testid="stMetricLabel"]').inner_text()).strip()
            up.counts[label] = int((await m.locator('[data-testid="stMetricValue"]').inner_text()).replace(",", ""))
        if await pg.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
            up.error = "the Upload page shows an error"
    except Exception as e:
        up.error = f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"
        try:
            await pg.screenshot(path=str(csv.parent.parent / "cx-load-upload-failure.png"), full_page=True)
        except Exception as shot:
            log(f"  no screenshot of the failed upload: {shot}")
    finally:
        await ctx.close()


async def drive(base: str, csv: Path, values: dict, n_viewers: int, seconds: float, cap: float):
    from playwright.async_api import async_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.e2e import CHROMIUM, CHROMIUM_ARGS

    loads: list[Load] = []
    up = Upload()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        t0 = time.perf_counter()

        def stop() -> bool:
            now = time.perf_counter() - t0
            import_running = up.error == "" and up.finished is None
            return now >= cap or (now >= seconds and not import_running)

        up_task = asyncio.create_task(uploader(browser, base, csv, up, t0))
        tasks = [asyncio.create_task(viewer(i, browser, base, values, stop, loads, t0))
                 for i in range(n_viewers)]

        async def ticker():
            while not all(t.done() for t in tasks):
                await asyncio.sleep(15)
                now = time.perf_counter() - t0
                state = ("import done" if up.finished else "importing" if up.started else
                         "previewing" if up.chosen else "waiting")
                log(f"  t={now:5.0f}s  page loads {len(loads):4d}  errors "
                    f"{sum(not r.ok for r in loads)}  upload: {state}")

        tick = asyncio.create_task(ticker())
        await asyncio.gather(*tasks)
        try:
            await asyncio.wait_for(up_task, timeout=max(1.0, cap - (time.perf_counter() - t0)))
        except TimeoutError:
            up.error = up.error or "the import did not finish within the cap"
        tick.cancel()
        # After the import: the fixed link must now show the new data.
        ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
        pg = await ctx.new_page()
        final_n = None
        try:
            await pg.goto(base + "?" + FIXED_QUERY)
            await wait_ready(pg)
            final_n = await read_nps_n(pg)
        except Exception as e:
            log(f"  final check failed: {e}")
        await ctx.close()
        await browser.close()
    return loads, up, final_n


# ---- 5. report ----------------------------------------------------------------------------------

def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def times_line(label: str, xs: list[float]) -> str:
    if not xs:
        return f"{label}: no page loads"
    return (f"{label}: {len(xs)} loads, p50 {pct(xs, .5):.2f} s, p95 {pct(xs, .95):.2f} s, "
            f"max {max(xs):.2f} s, mean {statistics.mean(xs):.2f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--viewers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", help="copy this database as the served one (default: a 20k/50k demo set)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="report file (default docs/perf/load-<date>.txt)")
    args = ap.parse_args(argv)
    if not 1 <= args.viewers <= 50 or not 10 <= args.seconds <= 1800:
        ap.error("--viewers must be 1..50 and --seconds 10..1800 (the run is bounded)")
    cap = args.seconds * 2 + 600  # hard stop for viewers even if the import never ends

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import e2e

    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="cx-load-"))
    try:
        t = time.perf_counter()
        served = build_served(work, args.db, args.seed)
        csv = work / f"load_responses_{args.rows}.csv"
        write_csv(csv, args.rows, args.seed)
        size_mb = csv.stat().st_size / 1e6
        log(f"Served database and a {args.rows:,}-row CSV ({size_mb:.0f} MB) in {time.perf_counter() - t:.0f} s")
        before, after, expected, values = legal_answers(served, csv)
        log(f"Fixed link ?{FIXED_QUERY}: NPS n before {before:,}, after {after:,} "
            f"(library import {expected['library_s']:.1f} s)")

        with e2e.dashboard(served, CX_IMPORT_PASSWORD=PASSWORD) as base:
            log(f"Dashboard at {base}; {args.viewers} viewers for {args.seconds:.0f} s, upload after "
                f"{IMPORT_DELAY_S:.0f} s")
            loads, up, final_n = asyncio.run(drive(base, csv, values, args.viewers, args.seconds, cap))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # ---- figures
    errors = [r for r in loads if not r.ok]
    times = [r.end - r.start for r in loads if r.ok]
    if up.started is not None:
        imp_end = up.finished if up.finished is not None else float("inf")
        during = [r.end - r.start for r in loads if r.ok and r.end > up.started and r.start < imp_end]
    else:
        during = []
    seen: dict[int, int] = {}
    for r in loads:
        if r.nps_n is not None:
            seen[r.nps_n] = seen.get(r.nps_n, 0) + 1
    illegal = sorted(set(seen) - {before, after})
    want_counts = {k: expected[k] for k in ("Rows read", "Loaded", "Duplicates", "Rejected")}
    import_ok = not up.error and up.finished is not None and up.counts == want_counts
    half = bool(illegal) or final_n != after
    per_page = {name: [r.end - r.start for r in loads if r.ok and r.page == name] for name in PAGES}

    lines = [
        f"bench.load  {date.today().isoformat()}  {platform.node()}  {os.cpu_count()} cores  "
        f"python {platform.python_version()}",
        f"command: python -m bench.load --viewers {args.viewers} --seconds {args.seconds:.0f} "
        f"--rows {args.rows}" + (f" --db {args.db}" if args.db else ""),
        f"served database: {'copy of ' + args.db if args.db else f'demo 20,000 responses / 50,000 interactions, seed {args.seed}'}",
        f"imported file: {args.rows:,} responses, {size_mb:.0f} MB, dated {FIXED_FROM} to {FIXED_TO}",
        "",
        f"viewers: {args.viewers} browser contexts in one headless Chromium, {args.seconds:.0f} s "
        f"(ran {max((r.end for r in loads), default=0):.0f} s)",
        f"page loads done: {len(loads)}  (ok {len(times)})",
        f"errors: {len(errors)}" + "".join(f"\n  - viewer {r.viewer} {r.url}: {r.error}" for r in errors[:20]),
        times_line("page time, overall", times),
        times_line("page time, during the import", during),
        *(times_line(f"  {name}", xs) for name, xs in per_page.items()),
        "",
        upload_timeline(up),
        f"  counts shown: {up.counts}",
        f"  counts expected (library on a copy): {want_counts}; library alone took {expected['library_s']:.1f} s",
        f"  upload error: {up.error}" if up.error else "  upload error: none",
        "",
        f"fixed link ?{FIXED_QUERY}: legal NPS n = {before:,} (before) or {after:,} (after)",
        seen_line(seen, before, after, "ILLEGAL"),
        f"  after the run: {final_n:,}" if final_n is not None else "  after the run: not read",
        f"half-import seen: {'YES' if illegal else 'no'}; new data visible after the import: "
        f"{'yes' if final_n == after else 'NO'}",
    ]
    return write_report(lines, not errors and import_ok and not half, args.out, "load")


def upload_timeline(up: Upload) -> str:
    """The report's line on the upload: when each step of the Upload page happened."""
    return ("import through the Upload page: "
            + (f"unlocked at {up.unlocked:.1f} s, file chosen at {up.chosen:.1f} s, " if up.chosen is not None else "")
            + (f"preview ready at {up.previewed:.1f} s, " if up.previewed is not None else "")
            + (f"Import pressed at {up.started:.1f} s, " if up.started is not None else "")
            + (f"Summary at {up.finished:.1f} s -> import {up.finished - up.started:.1f} s"
               if up.finished is not None and up.started is not None else "not finished"))


def seen_line(seen: dict[int, int], before: int, after: int, other: str) -> str:
    """The NPS n values seen on the fixed link, each marked before, after or ``other``."""
    return "  seen: " + (", ".join(f"{n:,} x{c}" + (" (before)" if n == before else " (after)" if n == after
                                                   else f" ({other})") for n, c in sorted(seen.items()))
                         or "nothing")


def write_report(lines: list[str], passed: bool, out_arg: str | None, stem: str) -> int:
    """Add the verdict, print the report and write it to ``out_arg`` or docs/perf/<stem>-<date>.txt;
    the exit code (0 PASS, 1 FAIL)."""
    verdict = "PASS" if passed else "FAIL"
    report = "\n".join([*lines, f"verdict: {verdict}"])
    print("\n" + report, flush=True)
    out = Path(out_arg) if out_arg else ROOT / "docs" / "perf" / f"{stem}-{date.today().isoformat()}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + "\n")
    log(f"written to {out}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
