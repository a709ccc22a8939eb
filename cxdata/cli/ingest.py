"""The commands that write or list imports: import, imports, undo, stages, tidy.

The import library is imported inside each command: it pulls in pandas and pyarrow, which a
``kpis`` or ``setting`` call should not pay for at start-up.
"""

from __future__ import annotations

import sys

from .. import db, upkeep
from .common import EXIT_FAIL, EXIT_INPUT, EXIT_OK, _connect, _print_json


def cmd_import(args) -> int:
    from ..ingest import IngestError, import_file
    from ..insight.alerts import after_import, evaluate

    con = _connect(args)
    before = None if args.dry_run else evaluate(con)["alerts"]  # the summary lists the new ones
    try:
        result = import_file(
            con, args.file, kind=args.kind, mapping=_overrides(args) or None,
            mapping_name=args.mapping, save_mapping_as=args.save_mapping,
            date_format=args.date_format, dry_run=args.dry_run, imported_by=args.by,
            source=args.source, replace=args.replace, min_date=args.min_date, max_date=args.max_date,
        )
    except IngestError as exc:
        if args.json:  # one JSON object on stdout, as the contract says; the sentence is in it
            _print_json({"error": str(exc), "mapping": getattr(exc, "mapping", None),
                         "fixes": getattr(exc, "fixes", None)})
            return EXIT_INPUT
        print(str(exc), file=sys.stderr)
        _print_stopped_mapping(exc)
        return EXIT_INPUT
    summary = result.as_dict()
    if before is not None:
        summary["new_alerts"] = after_import(con, before)
    if args.json:
        _print_json(summary)
    else:
        _print_summary(result, args.dry_run)
        for a in summary.get("new_alerts", []):
            print(f"New alert: {a['reason']} ({a['scope']}, {a['period_label']}): python -m cxdata alerts")
    return EXIT_OK if result.status in ("done", "dry-run", "dry run") or args.dry_run else EXIT_FAIL


def _print_stopped_mapping(exc) -> None:
    """The mapping as it stood when the import stopped, so the fix can be chosen with it in view."""
    mapping = getattr(exc, "mapping", None)
    if not mapping:
        return
    how = getattr(exc, "mapping_how", {}) or {}
    print("The mapping as it stood:", file=sys.stderr)
    for field, column in mapping.items():
        print(f"  map {field:<13} <- {column!r}" + (f": {how[field]}" if how.get(field) else ""), file=sys.stderr)


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
        more = "" if dry_run else f" (all of them: python -m cxdata imports {result.import_id} --rejects)"
        print(f"  ... and {result.rejected - 20:,} more rejected rows{more}.")


def cmd_imports(args) -> int:
    from ..ingest import import_rejects, list_imports

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
    from ..ingest import tidy

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
    con = _connect(args)
    if not args.names:
        print(" -> ".join(db.stages(con)))
        return EXIT_OK
    try:
        names = upkeep.change_stages(con, args.names)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    print("Funnel order: " + " -> ".join(names) + " (journeys recomputed).")
    return EXIT_OK


def cmd_undo(args) -> int:
    from ..ingest import IngestError, undo_import

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
        print(f"Import {args.import_id} undone: {note.split(': ', 1)[-1]}.")
    return EXIT_OK
