"""``python -m cxdata``: a thin command line over the library (it only parses arguments).

    python -m cxdata demo    [--db PATH] [--responses N] [--interactions N] [--seed N]
    python -m cxdata import  FILE [--db PATH] [--kind responses|interactions] [--map FIELD=COLUMN ...]
                             [--mapping NAME] [--save-mapping NAME] [--date-format FMT] [--dry-run] [--json]
                             [--source NAME] [--replace] [--min-date DATE] [--max-date DATE]
                             [--map-value FIELD:LABEL=VALUE ...] [--set FIELD=VALUE ...]
                             [--keep-column NAME ...] [--accept-rejects]
    python -m cxdata imports [IMPORT_ID --rejects] [--db PATH] [--json]
    python -m cxdata stages  [NAME ...] [--db PATH]
    python -m cxdata tidy    [--apply] [--db PATH] [--json]
    python -m cxdata undo    IMPORT_ID [--db PATH] [--json]
    python -m cxdata kpis    [--db PATH] [--from DATE] [--to DATE] [--channel X ...] [--segment X ...] [--json]
    python -m cxdata setting [--db PATH] KEY [VALUE]

Exit codes: 0 ok, 1 failed, 2 bad input (unreadable file, bad arguments), 3 database in use.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from datetime import date

import duckdb

from . import db
from .filters import Filters

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_BUSY = 0, 1, 2, 3


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _mapping(value: str) -> tuple[str, str]:
    field, sep, column = value.partition("=")
    if not sep or not field:
        raise argparse.ArgumentTypeError(f"--map takes FIELD=COLUMN (FIELD= to unmap a guess), got {value!r}")
    return field.strip(), column or None


def _set(value: str) -> tuple[str, str]:
    field, sep, constant = value.partition("=")
    if not sep or not field.strip():
        raise argparse.ArgumentTypeError(f"--set takes FIELD=VALUE, got {value!r}")
    return f"set:{field.strip()}", constant


def _map_value(value: str) -> tuple[str, str]:
    field, sep, rest = value.partition(":")
    label, eq, meaning = rest.rpartition("=")
    if not sep or not eq or not field.strip() or not label:
        raise argparse.ArgumentTypeError(f"--map-value takes FIELD:LABEL=VALUE (e.g. "
                                         f"'csat:Very satisfied=5' or 'channel:Telefono=phone'), got {value!r}")
    return f"{field.strip()}.value:{label}", meaning


def _clean(obj):
    """JSON-safe: NaN -> null, numpy scalars -> Python."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item"):
        obj = obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def _print_json(obj) -> None:
    print(json.dumps(_clean(obj), default=str, ensure_ascii=False))


def _memory_limit(value: str) -> str:
    if not db.MEMORY_LIMIT.match(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a size like 1GB or 512MB")
    return value


class _BadSetting(Exception):
    pass


def _connect(args):
    """The command's database, under ``_memory_limit_of(args)``."""
    return db.connect(args.db, memory_limit=_memory_limit_of(args),
                      on_upgrade=lambda old, new: _say_upgrade(args.db, old, new))


def _memory_limit_of(args) -> str | None:
    """``--memory-limit``, else ``$CX_MEMORY_LIMIT``, else a quarter of the machine's memory
    (``db.default_memory_limit``: under DuckDB's own 80% the 10M/50M demo was killed by the kernel)."""
    if args.memory_limit is not None:
        return args.memory_limit
    limit = os.environ.get("CX_MEMORY_LIMIT", "").strip()
    if limit and not db.MEMORY_LIMIT.match(limit):
        raise _BadSetting(f"CX_MEMORY_LIMIT={limit!r} is not a size like 1GB or 512MB.")
    return limit or db.default_memory_limit()


def _say_upgrade(path, old: int, new: int) -> None:
    """One line on stderr before a long silence: an older file is upgraded on first open."""
    print(f"Upgrading {path or db.default_db_path()} from schema v{old} to v{new}, once (a file of "
          "tens of millions of rows takes a minute or more)…", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cxdata", description="CX analytics on DuckDB")
    sub = p.add_subparsers(dest="command", required=True)

    def with_db(sp):
        sp.add_argument("--db", help="DuckDB file (default: $CX_DB or data/cx.duckdb)")
        sp.add_argument("--memory-limit", type=_memory_limit, metavar="SIZE",
                        help="cap DuckDB's memory, e.g. 1GB; bigger work spills to disk "
                             "(default: $CX_MEMORY_LIMIT, else a quarter of the machine's memory)")
        return sp

    d = with_db(sub.add_parser("demo", help="(re)create the demo data set"))
    d.add_argument("--responses", type=int, default=200_000)
    d.add_argument("--interactions", type=int, default=1_000_000)
    d.add_argument("--seed", type=int, default=42)

    i = with_db(sub.add_parser("import", help="import a CSV export"))
    i.add_argument("file")
    i.add_argument("--kind", choices=("responses", "interactions"))
    i.add_argument("--map", type=_mapping, action="append", default=[], metavar="FIELD=COLUMN",
                   help="the column that feeds FIELD; FIELD= unmaps a guess; SCORE.scale=0-5 states a "
                        "score's scale (converted by a stated rule)")
    i.add_argument("--map-value", type=_map_value, action="append", default=[], metavar="FIELD:LABEL=VALUE",
                   help="what a value means: 'csat:Neutral or dissatisfied=2', 'channel:Telefono=phone'; "
                        "VALUE empty: no answer")
    i.add_argument("--set", type=_set, action="append", default=[], metavar="FIELD=VALUE",
                   help="give every row this value (channel, stage, segment..., or the date of a one-off survey)")
    i.add_argument("--keep-column", action="append", default=[], metavar="NAME",
                   help="keep a personal-data column (e-mail, names, IP...) as an attribute")
    i.add_argument("--accept-rejects", action="store_true",
                   help="load the good rows even when more than 1%% would be rejected for one reason")
    i.add_argument("--mapping", help="a saved mapping to reuse")
    i.add_argument("--save-mapping", help="save the mapping used under this name")
    i.add_argument("--date-format", help="e.g. %%d/%%m/%%Y, dayfirst or monthfirst")
    i.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    i.add_argument("--by", help="who imports (recorded in the history)")
    i.add_argument("--source", help="the survey or export stream the file belongs to (default: the "
                                    "source of earlier files with the same columns, else a new one)")
    i.add_argument("--replace", action="store_true",
                   help="undo an earlier import of the same file and import it again, in one step")
    i.add_argument("--min-date", type=_date, help="accept rows dated from this day (default 1900-01-01)")
    i.add_argument("--max-date", type=_date, help="accept rows dated up to this day (default: tomorrow)")
    i.add_argument("--json", action="store_true")

    ls = with_db(sub.add_parser("imports", help="list imports, or one import's rejected rows"))
    ls.add_argument("import_id", type=int, nargs="?")
    ls.add_argument("--rejects", action="store_true", help="the rejected rows of IMPORT_ID")
    ls.add_argument("--json", action="store_true")

    td = with_db(sub.add_parser("tidy", help="merge category values an older import stored apart "
                                             "(Telefono/Phone/phone): list them, or --apply"))
    td.add_argument("--apply", action="store_true", help="rewrite them and rebuild the derived tables")
    td.add_argument("--json", action="store_true")

    st = with_db(sub.add_parser("stages", help="print the funnel's stage order, or set it"))
    st.add_argument("names", nargs="*", metavar="NAME")

    u = with_db(sub.add_parser("undo", help="undo one import"))
    u.add_argument("import_id", type=int)
    u.add_argument("--json", action="store_true")

    k = with_db(sub.add_parser("kpis", help="print NPS, CSAT and CES"))
    k.add_argument("--from", dest="date_from", type=_date)
    k.add_argument("--to", dest="date_to", type=_date)
    k.add_argument("--channel", action="append", default=[])
    k.add_argument("--segment", action="append", default=[])
    k.add_argument("--json", action="store_true")

    s = with_db(sub.add_parser("setting", help="show or set a data-set setting (e.g. ces_direction)"))
    s.add_argument("key")
    s.add_argument("value", nargs="?")
    return p


def cmd_demo(args) -> int:
    from .demo import generate_demo

    con = _connect(args)
    t0 = time.perf_counter()
    result = generate_demo(con, responses=args.responses, interactions=args.interactions, seed=args.seed)
    con.close()
    elapsed = time.perf_counter() - t0
    print(f"Demo data written to {args.db or db.default_db_path()}: {args.responses:,} responses, "
          f"{args.interactions:,} interactions in {elapsed:.1f} s.")
    if isinstance(result, dict) and result.get("stories"):
        print("Planted stories:", *result["stories"], sep="\n- ")
    return EXIT_OK


def cmd_import(args) -> int:
    from .ingest import IngestError, import_file

    con = _connect(args)
    try:
        result = import_file(
            con, args.file, kind=args.kind, mapping=_overrides(args) or None,
            mapping_name=args.mapping, save_mapping_as=args.save_mapping,
            date_format=args.date_format, dry_run=args.dry_run, imported_by=args.by,
            source=args.source, replace=args.replace, min_date=args.min_date, max_date=args.max_date,
        )
    except IngestError as exc:
        if args.json:
            _print_json({"error": str(exc)})
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    summary = result.as_dict()
    if args.json:
        _print_json(summary)
    else:
        _print_summary(result, args.dry_run)
    return EXIT_OK if result.status in ("done", "dry-run", "dry run") or args.dry_run else EXIT_FAIL


def _overrides(args) -> dict:
    """Every mapping choice of the command line as one overrides dict (``ingest.mapping``'s keys)."""
    out: dict = dict(args.map)
    out |= dict(args.map_value) | dict(args.set)
    out |= {f"keep:{name}": "yes" for name in args.keep_column}
    if args.accept_rejects:
        out["accept_rejects"] = "yes"
    return out


def _print_mapping(result) -> None:
    for field, column in result.mapping.items():
        how = result.mapping_how.get(field, "")
        print(f"  map {field:<13} <- {column!r}" + (f": {how}" if how else ""))
    for field, why in result.not_mapped.items():
        print(f"  not mapped {field}: {why}")
    for column, why in result.left_out.items():
        print(f"  left out {column!r}" + (f": {why}" if why else "") + " (--keep-column keeps it)")
    for change in result.value_changes[:30]:
        print(f"  value {change.get('field')}: {change.get('value')!r} stored as {change.get('stored')!r} "
              f"({change.get('rows', 0):,} rows)")


def _print_summary(result, dry_run: bool) -> None:
    what = "Checked (dry run, nothing written)" if dry_run else f"Import {result.import_id}"
    print(f"{what}: {result.file_name} as {result.kind}: {result.rows_read:,} rows read, "
          f"{result.loaded:,} loaded, {result.duplicates:,} duplicates, {result.rejected:,} rejected.")
    _print_mapping(result)
    print(f"  source: {result.source} ({result.source_reason})")
    print(f"  key: {result.key} ({result.key_reason})")
    if result.duplicates:
        print(f"  duplicates: {result.duplicates_in_source:,} already in this source, "
              f"{result.duplicates_in_file:,} repeated inside this file")
    for replaced in result.replaced:
        print(f"  replaced: import {replaced} (undone in the same transaction)")
    for sentence in getattr(result, "conversions", []) or []:
        print(f"  conversion: {sentence}")
    for rej in (result.rejects or [])[:20]:
        where = f"column {rej.column!r}" if rej.column else "the row"
        value = "" if rej.value is None else f", value {rej.value!r}"
        print(f"  line {rej.line}, {where}{value}: {rej.reason}")
    if result.rejected > 20:
        more = "" if dry_run else " (see `python -m cxdata imports`)"
        print(f"  ... and {result.rejected - 20:,} more rejected rows{more}.")


def cmd_imports(args) -> int:
    from .ingest import import_rejects, list_imports

    con = _connect(args)
    if args.rejects or args.import_id is not None:
        if args.import_id is None:
            print("--rejects needs an IMPORT_ID: python -m cxdata imports IMPORT_ID --rejects", file=sys.stderr)
            return EXIT_INPUT
        if not con.execute("select count(*) from imports where import_id = $i", {"i": args.import_id}).fetchone()[0]:
            print(f"There is no import {args.import_id}; list them with `python -m cxdata imports`.", file=sys.stderr)
            return EXIT_INPUT
        rejects = import_rejects(con, args.import_id)
        if args.json:
            _print_json(rejects.to_dict("records"))
        elif rejects.empty:
            print(f"Import {args.import_id} rejected no rows.")
        else:
            for r in rejects.itertuples(index=False):
                where = f"column {r.column!r}" if isinstance(r.column, str) else "the row"
                value = f", value {r.value!r}" if isinstance(r.value, str) else ""
                print(f"line {r.line}, {where}{value}: {r.reason}")
        return EXIT_OK
    frame = list_imports(con)
    if args.json:
        _print_json(frame.to_dict("records"))
    elif frame.empty:
        print("No imports yet.")
    else:
        for r in frame.itertuples(index=False):
            shared = (f"; shares {r.shared_rows:,} rows with import(s) {', '.join(map(str, r.shared_with))}"
                      if r.shared_with else "")
            print(f"{r.import_id:>5}  {r.status:<7} {r.kind:<12} {r.file_name}  source {r.source!r}, key "
                  f"{r.key}: {r.rows_read:,} read, {r.loaded:,} loaded, {r.duplicates:,} duplicates "
                  f"({r.duplicates_in_source:,} in source, {r.duplicates_in_file:,} in file), "
                  f"{r.rejected:,} rejected{shared}")
    return EXIT_OK


def cmd_tidy(args) -> int:
    from .ingest import tidy

    con = _connect(args)
    merges = tidy.proposals(con)
    changed = tidy.apply(con, merges) if args.apply and merges else 0
    if args.json:
        _print_json({"merges": merges, "applied": bool(args.apply), "rows_changed": changed})
        return EXIT_OK
    if not merges:
        print("Every category value is stored once: nothing to merge.")
        return EXIT_OK
    for m in merges:
        print(f"{m['field']}: {m['value']!r} -> {m['stored']!r} ({m['rows']:,} rows)")
    print(f"{changed:,} rows changed; derived tables rebuilt." if args.apply else
          "Nothing changed: run with --apply to merge them (every figure by these values changes).")
    return EXIT_OK


def cmd_stages(args) -> int:
    from . import upkeep

    con = _connect(args)
    if not args.names:
        print(" -> ".join(db.stages(con)))
        return EXIT_OK
    names = [n.strip() for n in args.names]
    if len(set(names)) != len(names) or not all(names):
        print("Give each stage once, in funnel order, e.g. awareness consideration purchase.", file=sys.stderr)
        return EXIT_INPUT
    con.execute("begin transaction")
    try:
        upkeep.set_stages(con, names)
        db.bump_data_version(con)
        con.execute("commit")
    except ValueError as exc:
        con.execute("rollback")
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except BaseException:
        con.execute("rollback")
        raise
    print("Funnel order: " + " -> ".join(names) + " (journeys recomputed).")
    return EXIT_OK


def cmd_undo(args) -> int:
    from .ingest import IngestError, undo_import

    con = _connect(args)
    try:
        removed = undo_import(con, args.import_id)
    except (IngestError, ValueError, KeyError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        _print_json({"import_id": args.import_id, "removed": removed})
    else:
        note = con.execute("select message from imports where import_id = $id",
                           {"id": args.import_id}).fetchone()[0].splitlines()[-1]
        print(f"Import {args.import_id} undone: {removed:,} rows removed ({note}).")
    return EXIT_OK


def kpis_json(con, filters: Filters) -> dict:
    """The ``kpis --json`` object (a contract other tools rely on)."""
    from .queries import kpi_set

    k = kpi_set(con, filters)
    return {
        "nps": {"value": k.nps.value, "n": k.nps.n, "moe": k.nps.moe, "promoters": k.nps.promoters,
                "passives": k.nps.passives, "detractors": k.nps.detractors,
                "small_sample": k.nps.small},
        "csat": {"value": k.csat.value, "n": k.csat.n, "low": k.csat.low, "high": k.csat.high,
                 "small_sample": k.csat.small},
        "ces": {"mean": k.ces.mean, "n": k.ces.n, "low_effort_pct": k.ces.low_effort_pct,
                "direction": k.ces.direction, "small_sample": k.ces.small},
        "filters": filters.describe(),
    }


def _fmt(v, spec: str) -> str:
    return "n/a" if v is None else format(v, spec)


def cmd_kpis(args) -> int:
    con = _connect(args)
    filters = Filters().replace(date_from=args.date_from, date_to=args.date_to,
                                channel=args.channel, segment=args.segment)
    out = kpis_json(con, filters)
    if args.json:
        _print_json(out)
        return EXIT_OK
    flag = {True: "  (small sample)", False: ""}
    n, c, e = out["nps"], out["csat"], out["ces"]
    print(out["filters"])
    print(f"NPS   {_fmt(n['value'], '+.1f')} ± {_fmt(n['moe'], '.1f')}  n={n['n']:,}  "
          f"(promoters {n['promoters']:,}, passives {n['passives']:,}, detractors {n['detractors']:,})"
          f"{flag[n['small_sample']]}")
    print(f"CSAT  {_fmt(c['value'], '.1f')}% satisfied  95% CI {_fmt(c['low'], '.1f')}-{_fmt(c['high'], '.1f')}  "
          f"n={c['n']:,}{flag[c['small_sample']]}")
    scale = "1 = least effort" if e["direction"] == "effort" else "7 = easiest"
    print(f"CES   mean {_fmt(e['mean'], '.2f')} ({scale}), {_fmt(e['low_effort_pct'], '.1f')}% low effort  "
          f"n={e['n']:,}{flag[e['small_sample']]}")
    return EXIT_OK


def cmd_setting(args) -> int:
    con = _connect(args)
    if args.value is None:
        print(db.get_setting(con, args.key))
        return EXIT_OK
    try:
        db.set_setting(con, args.key, args.value)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    db.bump_data_version(con)
    print(f"{args.key} = {args.value}")
    return EXIT_OK


COMMANDS = {"demo": cmd_demo, "import": cmd_import, "imports": cmd_imports, "undo": cmd_undo,
            "stages": cmd_stages, "tidy": cmd_tidy,
            "kpis": cmd_kpis, "setting": cmd_setting}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except db.DatabaseBusyError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BUSY
    except _BadSetting as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except duckdb.OutOfMemoryException as exc:
        print(f"DuckDB ran out of memory (limit: {_memory_limit_of(args)}); the step that ran out was rolled back. Give it "
              f"more with --memory-limit or CX_MEMORY_LIMIT. ({str(exc).splitlines()[0]})", file=sys.stderr)
        return EXIT_FAIL
    except FileNotFoundError as exc:
        print(f"File not found: {exc.filename or exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("Interrupted: nothing was committed by the interrupted step.", file=sys.stderr)
        return EXIT_FAIL
