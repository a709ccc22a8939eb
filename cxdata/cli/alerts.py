"""The commands of issue 20 that read comments and periods: themes and alerts."""

from __future__ import annotations

import argparse

from .common import EXIT_FAIL, EXIT_OK, _connect, _date, _print_json, add_filter_options, filters_from_args


def add_commands(sub, with_db) -> None:
    """The ``themes`` and ``alerts`` subcommands."""
    t = add_filter_options(with_db(sub.add_parser(
        "themes", help="words and phrases low scorers use more than high scorers, and the other way")))
    t.add_argument("--kpi", choices=("nps", "csat"), default="nps",
                   help="nps: detractors 0-6 against promoters 9-10; csat: 1-3 against 4-5")
    t.add_argument("--limit", type=int, default=20, help="themes per side (default 20)")
    t.add_argument("--json", action="store_true")
    a = with_db(sub.add_parser("alerts", help="KPIs that worsened beyond the noise or miss their target "
                                              "(exit 1 when any alert fires)"))
    a.add_argument("--as-of", type=_date, metavar="DATE",
                   help="judge the complete week and month before this day (default today, or the "
                        "data's last day if earlier)")
    a.add_argument("--json", action="store_true")


def cmd_themes(args: argparse.Namespace) -> int:
    from ..insight.themes import themes

    con = _connect(args)
    out = themes(con, filters_from_args(args), kpi=args.kpi, limit=args.limit)
    if args.json:
        _print_json(out)
        return EXIT_OK
    groups = {"nps": ("detractors (0-6)", "promoters (9-10)"), "csat": ("CSAT 1-3", "CSAT 4-5")}[args.kpi]
    print(f"{out['n_comments']:,} comments: {out['n_low']:,} from {groups[0]}, {out['n_high']:,} from {groups[1]}")
    for side, who in zip(("low", "high"), groups, strict=True):
        print(f"\nSaid more by {who}:" if out[side] else f"\nNothing said more by {who} beyond the noise.")
        for th in out[side]:
            example = f'  e.g. "{th["examples"][0]}"' if th["examples"] else ""
            print(f"  {th['term']:<28} {th['count']:>8,} comments  z {th['z']:+6.1f}{example}")
    return EXIT_OK


def cmd_alerts(args: argparse.Namespace) -> int:
    from ..insight.alerts import evaluate

    con = _connect(args)
    out = evaluate(con, args.as_of)
    if args.json:
        _print_json(out)
    else:
        _print_alerts(out)
    return EXIT_FAIL if out["alerts"] else EXIT_OK


def _print_alerts(out: dict) -> None:
    spans = ", ".join(p["label"] for p in out["periods"])
    print(f"As of {out['as_of']} (periods ending by {out['end']}): {spans}, each against the one before; "
          f"{out['comparisons']} comparisons, Benjamini-Hochberg at 5%"
          + (f"; {out['skipped']} skipped (fewer than 30 answers)" if out["skipped"] else "") + ".")
    if not out["alerts"]:
        print("No alerts.")
    for a in out["alerts"]:
        figure = (f"{a['current']:.1f} (n {a['n']:,}), target {a['target']:g}" if a["test"] == "target" else
                  f"{a['previous']:.1f} -> {a['current']:.1f} (n {a['previous_n']:,} -> {a['n']:,})")
        print(f"ALERT {a['kpi'].upper():<4} {a['scope']:<24} {a['period_label']}: {figure}; p {a['p']:.2g}, "
              f"adjusted {a['p_adjusted']:.2g}. {a['reason']}.\n      {a['link']}")
