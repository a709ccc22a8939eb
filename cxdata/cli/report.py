"""The commands that read: kpis, setting; and demo, which writes the demo data set."""

from __future__ import annotations

import sys
import time

from .. import db
from ..filters import Filters
from .common import EXIT_INPUT, EXIT_OK, _connect, _print_json, filters_from_args


def cmd_demo(args) -> int:
    from ..demo import generate_demo

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


def kpis_json(con, filters: Filters) -> dict:
    """The ``kpis --json`` object (a contract other tools rely on)."""
    from ..queries import kpi_set

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
    from .engine import run_reading

    filters = filters_from_args(args)
    on_file = getattr(args, "parquet", None) is None  # an export holds no filter_values table
    return run_reading(args, lambda con: _print_kpis(kpis_json(con, filters), args.json,
                                                     _unknown_values(con, filters) if on_file else []))


def _unknown_values(con, filters: Filters) -> list[str]:
    """A notice per --channel, --segment, --region... value the data does not hold (an import
    stores one spelling: 'Phone' in a file is 'phone' in the data), with the stored spelling of the
    same words when there is one: n 0 must not pass for an answer."""
    from ..ingest.scales import norm_text  # the import library: heavy, only when asked
    from ..lookups import filter_values

    stored = filter_values(con)
    notes = []
    for field in stored:
        for value in getattr(filters, field):
            if value not in stored[field]:
                same = [v for v in stored[field] if norm_text(v) == norm_text(value)]
                hint = f" (stored as {same[0]!r})" if same else f"; stored: {', '.join(stored[field][:12])}"
                notes.append(f"Note: no {field} {value!r} in the data{hint}.")
    return notes


def _print_kpis(out: dict, as_json: bool, notes: list[str] = ()) -> int:
    for note in notes:
        print(note, file=sys.stderr)
    if as_json:
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
