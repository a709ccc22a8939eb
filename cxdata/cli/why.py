"""The commands that say why scores move: ``drivers`` (key-driver analysis) and ``painpoints``.

    python -m cxdata drivers    --kpi nps|csat|ces [FILTERS] [--kind score|rating|category ...]
                                [--na-code CODE ...] [--json]
    python -m cxdata painpoints --kpi nps|csat|ces [FILTERS] [--json]

``drivers --json``: ``{"kpi", "n", "r2", "drivers": [{"name", "kind", "importance", "share",
"correlation", "n", "small_sample"}], "n_outcome", "method", "left_out", "note", "caveat"}``,
drivers sorted by importance (``share`` in percent of R^2).
``painpoints --json``: ``{"kpi", "n", "value", "higher_is_better", "painpoints": [{"level", "name",
"stage", "channel", "n", "value", "rest", "gap", "margin", "share", "impact", "beyond_noise"}],
"small": [...], "within_noise"}``, pain points ranked by the points they cost.
"""

from __future__ import annotations

import sys

from .common import EXIT_INPUT, EXIT_OK, _connect, _print_json, add_filter_options, filters_from_args

KPI_CHOICES = ("nps", "csat", "ces")


def add_why(sub, with_db) -> None:
    """The ``drivers`` and ``painpoints`` subcommands."""
    from ..insight.drivers import KINDS

    d = add_filter_options(with_db(sub.add_parser(
        "drivers", help="key drivers of a KPI: the Shapley decomposition of R^2 (association, not cause)")))
    d.add_argument("--kpi", choices=KPI_CHOICES, default="nps")
    d.add_argument("--kind", action="append", choices=KINDS, default=[],
                   help="only drivers of this kind (repeatable; default: all)")
    d.add_argument("--na-code", action="append", default=None, metavar="CODE",
                   help="a rating value that means 'not applicable', read as missing (repeatable; "
                        "default: the setting rating_na_codes)")
    d.add_argument("--exact", action="store_true",
                   help="read every response, never the fixed sample (slower above 250,000 answers)")
    d.add_argument("--json", action="store_true")
    p = add_filter_options(with_db(sub.add_parser(
        "painpoints", help="touchpoints and stage x channel cells ranked by the KPI points their gap costs")))
    p.add_argument("--kpi", choices=KPI_CHOICES, default="nps")
    p.add_argument("--json", action="store_true")


def _num(v, spec: str) -> str:
    return "n/a" if v is None else format(v, spec)


def cmd_drivers(args) -> int:
    from ..insight.drivers import CAVEAT, KINDS, SAMPLE_ABOVE, key_drivers

    filters = filters_from_args(args)
    con = _connect(args)
    try:
        result = key_drivers(con, filters, args.kpi, na_codes=args.na_code, kinds=tuple(args.kind) or KINDS,
                             sample_above=None if args.exact else SAMPLE_ABOVE)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    finally:
        con.close()
    out = result.as_dict()
    if args.json:
        _print_json(out)
        return EXIT_OK
    print(filters.describe())
    print(f"Drivers of {args.kpi.upper()}: R² {_num(out['r2'], '.3f')} from n={out['n']:,} answers "
          f"({out['n_outcome']:,} with the outcome), method {out['method'] or 'none'}")
    for d in out["drivers"]:
        corr = "eta" if d["kind"] == "category" else "r"
        print(f"  {d['share']:5.1f}%  {d['importance']:.4f}  {d['name']:<24} {d['kind']:<8} "
              f"{corr} {_num(d['correlation'], '+.2f')}  n={d['n']:,}" + ("  (small sample)" if d["small_sample"] else ""))
    for left in out["left_out"]:
        print(f"  left out: {left['name']}: {left['reason']}")
    if out["note"]:
        print(out["note"])
    print(CAVEAT)
    return EXIT_OK


def cmd_painpoints(args) -> int:
    from ..insight.painpoints import pain_points

    filters = filters_from_args(args)
    con = _connect(args)
    try:
        result = pain_points(con, filters, args.kpi)
    finally:
        con.close()
    if args.json:
        _print_json(result.as_dict())
    else:
        _print_painpoints(result.as_dict(), args.kpi, filters.describe())
    return EXIT_OK


def _print_painpoints(out: dict, kpi: str, caption: str) -> None:
    from ..insight.painpoints import LEVELS

    spec = ".2f" if kpi == "ces" else ".1f"
    print(caption)
    print(f"{kpi.upper()} {_num(out['value'], spec)} from n={out['n']:,} answers; "
          f"{'higher' if out['higher_is_better'] else 'lower'} is better")
    for level in LEVELS:
        ranked = [p for p in out["painpoints"] if p["level"] == level]
        print(f"Pain points by {level} (gap to the rest beyond the noise, costliest first):"
              + ("" if ranked else " none"))
        for p in ranked:
            print(f"  {p['impact']:+{spec}} on the overall  {p['name']:<32} {_num(p['value'], spec)} vs "
                  f"{_num(p['rest'], spec)} the rest: gap {p['gap']:+{spec}} ± {p['margin']:{spec}}  "
                  f"n={p['n']:,} ({p['share']:.1f}%)")
    if out["small"]:
        print("Small samples (fewer than 30 answers), not ranked: "
              + "; ".join(f"{p['name']} n={p['n']}" for p in out["small"]))
    print(f"{out['within_noise']} other groups are within the noise of the rest, or better.")
