"""How close the funnel across two chosen channels is to the floor of its design.

    python -m bench.across_floor [--db /tmp/cx-bench-10M.duckdb] [--rounds 3]

On the benchmark's slow funnel (the last year, web and app, Consumer) times, with medians of 5 per
round: the starts alone (each customer's first start on the chosen channels in the period), the
starts joined to the chosen channels' windowed events with nothing walked, the whole query across
the channels (the walk included), and the per-channel funnels the page draws first. The first two
are the query the funnel runs, cut short: what any exact walk over the events pays before it
follows a single step.
"""

from __future__ import annotations

import argparse
import statistics

from bench.run import filter_combos, time_runs
from cxdata import db, funnel


class _Recorder:
    """A cursor that keeps the funnel's query across the channels (the one with the walk)."""

    def __init__(self, cur):
        self.cur, self.sql, self.params = cur, None, None

    def execute(self, sql, params=None):
        if "list_reduce" in sql:
            self.sql, self.params = sql, params
        return self.cur.execute(sql, params) if params is not None else self.cur.execute(sql)

    def __getattr__(self, name):
        return getattr(self.cur, name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="/tmp/cx-bench-10M.duckdb")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    cur = db.connect(args.db, read_only=True, memory_limit="1GB").cursor()
    name, f = next((k, v) for k, v in filter_combos(cur).items() if len(v.channel) >= 2)
    rec = _Recorder(cur)
    funnel.funnel_steps(rec, f, per_channel=False)
    sql, params = rec.sql, rec.params
    head = sql.split(",\nreach as")[0]  # the starts (step1) and the chosen channels' events (ev)
    starts = {k: v for k, v in params.items() if k not in ("chs", "window")}
    parts = {
        "the starts alone": (sql.split(",\nev as")[0] + "\nselect count(*) from step1", starts),
        "starts joined to the windowed events, no walk": (
            head + "\nselect count(*) from step1 p join ev e on e.ckey = p.ckey "
                   "and e.occurred_at >= p.t_1 and e.occurred_at <= p.t_1 + $window", params),
        "the whole query across the channels": (sql, params),
    }
    print(f"{name}, window {funnel.DEFAULT_WINDOW_DAYS} days, {args.db}; medians of 5 per round (ms)")
    for rnd in range(1, args.rounds + 1):
        row = []
        for what, (q, p) in parts.items():
            row.append((what, _median_ms(lambda q=q, p=p: cur.execute(q, p).fetchall())))
        row.append(("the per-channel funnels (drawn first)",
                    _median_ms(lambda: funnel.funnel_steps(cur, f, across_channels=False))))
        print(f"round {rnd}: " + "; ".join(f"{w} {ms:.0f}" for w, ms in row), flush=True)


def _median_ms(fn, repeat: int = 5) -> float:
    return statistics.median(time_runs(fn, repeat)[0])


if __name__ == "__main__":
    main()
