"""``python -m cxdata funnel [FILTERS] [--window DAYS] [--mode strict|any] [--json]``: the funnel's
counts per channel and stage, and the time to convert each step."""

from __future__ import annotations

import argparse

from ..catalog import SMALL_SAMPLE
from .common import EXIT_OK, _connect, _print_json, add_filter_options, filters_from_args


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError("the window is 0 days or more")
    return days


def add_funnel(sub, with_db) -> argparse.ArgumentParser:
    """The ``funnel`` subcommand and its options."""
    from ..funnel import DEFAULT_WINDOW_DAYS, MODES

    f = add_filter_options(with_db(sub.add_parser(
        "funnel", help="customers at each journey stage per channel, and the days each step takes")))
    f.add_argument("--window", type=_days, default=DEFAULT_WINDOW_DAYS, metavar="DAYS",
                   help=f"conversion window in days from the first stage (default {DEFAULT_WINDOW_DAYS})")
    f.add_argument("--mode", choices=MODES, default="strict",
                   help="strict: the stages in their order; any: each stage within the window, in any order")
    f.add_argument("--json", action="store_true")
    return f


def _stat(v):
    return None if v != v else float(v)  # NaN (nobody reached the step) -> null


def funnel_json(con, filters, window_days: int, mode: str) -> dict:
    """The ``funnel --json`` object: ``counts`` {channel: {stage: customers}} (the journeys across
    channels under ``(all channels)``) and ``days_to_step`` {stage: {channel: {median, p25, p75,
    n, entered, within_1, within_7, within_30}}} (days from the previous stage; stage 1 has none)."""
    from .. import funnel

    steps = funnel.funnel_steps(con, filters, window_days=window_days, mode=mode)
    days = funnel.days_to_step(con, filters, window_days=window_days, mode=mode)
    counts: dict = {}
    for r in steps.itertuples():
        counts.setdefault(r.channel, {})[r.stage] = int(r.customers)
    to_step: dict = {}
    for r in days.itertuples():
        to_step.setdefault(r.stage, {})[r.channel] = {
            "median": _stat(r.median), "p25": _stat(r.p25), "p75": _stat(r.p75), "n": int(r.n),
            "entered": int(r.entered), "within_1": _stat(r.within_1), "within_7": _stat(r.within_7),
            "within_30": _stat(r.within_30)}
    stages = list(dict.fromkeys(steps.sort_values("step")["stage"])) if len(steps) else []
    return {"window_days": window_days, "mode": mode, "stages": stages, "counts": counts,
            "days_to_step": to_step, "filters": filters.describe()}


def _print_text(out: dict) -> None:
    print(f"{out['filters']} · window {out['window_days']} days · {out['mode']} order")
    if not out["counts"]:
        print("No journey matches these filters.")
        return
    for channel, by_stage in out["counts"].items():
        print(f"\n{channel}")
        prev = None
        for stage in out["stages"]:
            n = by_stage.get(stage, 0)
            share = f"{n / prev * 100:5.1f}% of previous" if prev else " " * 18
            d = out["days_to_step"].get(stage, {}).get(channel)
            timing = f"  median {d['median']:.1f} days (p25 {d['p25']:.1f}, p75 {d['p75']:.1f})" \
                if d and d["median"] is not None else ""
            if timing and d["n"] < SMALL_SAMPLE:  # the days of so few customers: flagged
                timing += "  small sample"
            print(f"  {stage:<16} {n:>10,}  {share}{timing}")
            prev = n


def cmd_funnel(args) -> int:
    con = _connect(args)
    out = funnel_json(con, filters_from_args(args), args.window, args.mode)
    if args.json:
        _print_json(out)
    else:
        _print_text(out)
    return EXIT_OK
