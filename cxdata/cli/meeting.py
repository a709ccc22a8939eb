"""``python -m cxdata report``: the meeting report, one self-contained HTML file (``cxdata.ui.report``)."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import i18n
from .common import EXIT_INPUT, EXIT_OK, _connect, add_filter_options, filters_from_args


def add_report(sub, with_db) -> None:
    r = add_filter_options(with_db(sub.add_parser(
        "report", help="write the meeting report: every page's figures and charts under the filters, "
                       "one HTML file that opens offline")))
    r.add_argument("--out", required=True, metavar="FILE.html")
    r.add_argument("--link", metavar="URL", help="the dashboard's address (e.g. http://cx.example:8501/), "
                                                "to write the link back to this view")
    r.add_argument("--lang", choices=list(i18n.LANGS), default=i18n.DEFAULT,
                   help="the report's language: its words, numbers and dates (default: en)")


def cmd_report(args) -> int:
    from ..filters import clamp_dates
    from ..queries import date_bounds
    from ..ui import report, sidebar  # the UI package: the report draws the pages' own charts

    out = Path(args.out)
    if out.is_dir() or not out.parent.exists():
        print(f"Cannot write {out}: not a file in an existing folder.", file=sys.stderr)
        return EXIT_INPUT
    con = _connect(args)
    filters = filters_from_args(args)
    lo, hi = date_bounds(con)
    bounds = (lo.date() if lo else None, hi.date() if hi else None)
    filters, notices = clamp_dates(filters, bounds)
    if filters.date_from is None and filters.date_to is None:  # the dashboard's default view
        d_from, d_to = sidebar.default_dates(bounds)
        filters = filters.replace(date_from=d_from, date_to=d_to)
        notices.append("No dates given: the report covers the dashboard's default view, "
                       f"the last {sidebar.DEFAULT_DAYS} days of data.")
    with i18n.using(args.lang):
        text = report.build(con, filters, link=_link(args.link, filters, args.lang))
    out.write_text(text, encoding="utf-8")
    for n in notices:
        print(n, file=sys.stderr)
    print(f"Wrote {out} ({len(text.encode('utf-8')) / 1e6:.1f} MB): {filters.describe()}.")
    return EXIT_OK


def _link(base: str | None, filters, lang: str) -> str | None:
    """The dashboard's link to this view (in the report's language), or None without ``--link``."""
    if not base:
        return None
    from ..ui import links

    params = filters.to_query_params() | ({"lang": [lang]} if lang != i18n.DEFAULT else {})
    qs = links.query_string(params)
    return base.rstrip("/") + "/" + (("?" + qs) if qs else "")
