"""The journey commands: ``paths`` (how customers move between channels along the funnel) and
``value`` (revenue per customer after a response, by NPS group and CSAT).

    python -m cxdata paths [FILTERS] [--window DAYS] [--top N] [--json]
    python -m cxdata value [FILTERS] [--days N] [--json]

``paths --json``: ``{"journeys", "switching_share", "buyers", "stages", "paths": [{"path",
"customers", "share", "purchase_share"}], "nodes", "links": [{"stage_from", "channel_from",
"stage_to", "channel_to", "customers"}], "window_days", "filters"}``.
``value --json``: ``{"days", "customers", "groups": {"promoter"|"passive"|"detractor": {"customers",
"revenue_per_customer", "low", "high", "return_share", ...}}, "csat": {...}, "difference":
{"value", "low", "high", "significant"}, "value_of_a_point": {...}, "filters"}``.
"""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_INPUT, EXIT_OK, _connect, _print_json, add_filter_options, filters_from_args


def _days(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if not 0 <= n <= 3650:
        raise argparse.ArgumentTypeError("days: 0 to 3650")
    return n


def add_journey_commands(sub, with_db) -> None:
    """The ``paths`` and ``value`` subparsers."""
    from ..funnel import DEFAULT_WINDOW_DAYS
    from ..value import DEFAULT_DAYS

    p = add_filter_options(with_db(sub.add_parser("paths", help="how journeys move between channels")))
    p.add_argument("--window", type=_days, default=DEFAULT_WINDOW_DAYS, metavar="DAYS",
                   help=f"conversion window from the first stage (default {DEFAULT_WINDOW_DAYS})")
    p.add_argument("--top", type=int, default=20, metavar="N", help="how many paths to list (default 20)")
    p.add_argument("--json", action="store_true")
    v = add_filter_options(with_db(sub.add_parser("value", help="revenue per customer by NPS group and CSAT")))
    v.add_argument("--days", type=_days, default=DEFAULT_DAYS, metavar="N",
                   help=f"revenue in the N days after each customer's latest response (default {DEFAULT_DAYS})")
    v.add_argument("--json", action="store_true")


def _pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def _eur(v) -> str:
    return "n/a" if v is None else f"{v:,.2f}"


def cmd_paths(args) -> int:
    from ..paths import paths

    filters = filters_from_args(args)
    try:
        out = paths(_connect(args), filters, window_days=args.window, top=args.top)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    out["filters"] = filters.describe()
    if args.json:
        _print_json(out)
        return EXIT_OK
    print(out["filters"])
    print(f"Journeys {out['journeys']:,} (window {args.window} days); "
          + ", ".join(f"{s['stage']} {s['customers']:,}" for s in out["stages"]))
    print(f"Changed channel before buying: {_pct(out['switching_share'])} of {out['buyers']:,} buyers")
    print(f"Top paths before {out['purchase_stage']} (customers, share, bought):")
    for p in out["paths"]:
        path = " > ".join(map(str, p["path"])) + (" (stopped)" if p["stopped"] else "")
        print(f"  {path:40s} {p['customers']:>10,}  {_pct(p['share']):>6}  "
              f"{_pct(p['purchase_share']):>6}")
    return EXIT_OK


def cmd_value(args) -> int:
    from ..value import value_of_experience

    filters = filters_from_args(args)
    out = value_of_experience(_connect(args), filters, days=args.days)
    if args.json:
        _print_json(out)
        return EXIT_OK
    print(out["filters"])
    print(f"Revenue per customer in the {out['days']} days after their latest response (95% interval):")
    for name, g in [*out["groups"].items(), *out["csat"].items()]:
        small = "  (small sample)" if g["small_sample"] else ""
        print(f"  {name:14s} {_eur(g['revenue_per_customer']):>10} [{_eur(g['low'])} to {_eur(g['high'])}]  "
              f"n={g['customers']:,}  came back {_pct(g['return_share'])}{small}")
    d, pt = out["difference"], out["value_of_a_point"]
    print(f"Promoters - detractors: {_eur(d['value'])} [{_eur(d['low'])} to {_eur(d['high'])}]"
          f"{'' if d['significant'] else ' (within the noise)'}")
    print(f"Value of a point (association): one customer in a hundred from detractor to promoter "
          f"(NPS +{pt['nps_points']:.0f}) goes with {_eur(pt['value'])} more per customer")
    return EXIT_OK
