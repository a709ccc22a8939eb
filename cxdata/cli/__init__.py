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
    python -m cxdata kpis    [--db PATH] [FILTERS] [--json]
                             [--engine duckdb|spark] [--parquet DIR] [--spark-remote sc://HOST:15002]
    python -m cxdata export  --out DIR [--db PATH] [--derived]
    python -m cxdata build   --input DIR --out DIR2 [--engine spark|duckdb] [--spark-remote sc://HOST:15002]
    python -m cxdata attach  --db SERVE.duckdb --from DIR2
    python -m cxdata funnel  [--db PATH] [FILTERS] [--window DAYS] [--mode strict|any] [--json]
    python -m cxdata paths   [--db PATH] [FILTERS] [--window DAYS] [--top N] [--json]
    python -m cxdata value   [--db PATH] [FILTERS] [--days N] [--json]
    python -m cxdata drivers    --kpi nps|csat|ces [--db PATH] [FILTERS] [--kind K ...] [--na-code C ...] [--json]
    python -m cxdata painpoints --kpi nps|csat|ces [--db PATH] [FILTERS] [--json]
    python -m cxdata themes  --kpi nps|csat [--db PATH] [FILTERS] [--limit N] [--json]
    python -m cxdata alerts  [--db PATH] [--as-of DATE] [--json]    # exit 1 when any alert fires
    python -m cxdata setting [--db PATH] KEY [VALUE]
    python -m cxdata report  --out FILE.html [--db PATH] [FILTERS] [--link URL]

FILTERS, the same as a link's: [--from DATE] [--to DATE] [--channel X ...] [--segment X ...]
[--region X ...] [--product X ...] [--touchpoint X ...] [--stage X ...] [--attr KEY:VALUE ...]

Exit codes: 0 ok, 1 failed, 2 bad input (unreadable file, bad arguments), 3 database in use.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

from .. import db
from .alerts import add_commands as add_alert_commands
from .alerts import cmd_alerts, cmd_themes
from .common import (
    EXIT_BUSY,
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    _BadSetting,
    _connect,
    _date,
    _date_format,
    _map_value,
    _mapping,
    _memory_limit,
    _memory_limit_of,
    _set,
    add_filter_options,
)
from .engine import add_build, add_engine_options, add_export, cmd_attach, cmd_build, cmd_export
from .funnel import add_funnel, cmd_funnel
from .ingest import cmd_import, cmd_imports, cmd_stages, cmd_tidy, cmd_undo
from .journeys import add_journey_commands, cmd_paths, cmd_value
from .meeting import add_report, cmd_report
from .report import cmd_demo, cmd_kpis, cmd_setting, kpis_json
from .why import add_why, cmd_drivers, cmd_painpoints

__all__ = ["EXIT_BUSY", "EXIT_FAIL", "EXIT_INPUT", "EXIT_OK", "build_parser", "kpis_json", "main",
           "_connect"]


def _add_import(i: argparse.ArgumentParser) -> None:
    """The import command's arguments: the file, the mapping choices, identity and dates."""
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
    i.add_argument("--date-format", type=_date_format, help="e.g. %%d/%%m/%%Y, dayfirst or monthfirst")
    i.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    i.add_argument("--by", help="who imports (recorded in the history)")
    i.add_argument("--source", help="the survey or export stream the file belongs to (default: the "
                                    "source of earlier files with the same columns, else a new one)")
    i.add_argument("--replace", action="store_true",
                   help="undo an earlier import of the same file and import it again, in one step")
    i.add_argument("--min-date", type=_date, help="accept rows dated from this day (default 1900-01-01)")
    i.add_argument("--max-date", type=_date, help="accept rows dated up to this day (default: tomorrow)")
    i.add_argument("--json", action="store_true")


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

    _add_import(with_db(sub.add_parser("import", help="import a CSV export")))

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

    k = add_filter_options(with_db(sub.add_parser("kpis", help="print NPS, CSAT and CES")))
    k.add_argument("--json", action="store_true")
    add_engine_options(k)

    add_export(sub, with_db)
    add_build(sub, with_db)
    add_funnel(sub, with_db)
    add_journey_commands(sub, with_db)
    add_why(sub, with_db)
    add_report(sub, with_db)
    add_alert_commands(sub, with_db)

    s = with_db(sub.add_parser("setting", help="show or set a data-set setting (ces_direction; target_nps, "
                                                "target_csat, target_ces: a number, or none)"))
    s.add_argument("key")
    s.add_argument("value", nargs="?")
    return p


COMMANDS = {"demo": cmd_demo, "import": cmd_import, "imports": cmd_imports, "undo": cmd_undo,
            "stages": cmd_stages, "tidy": cmd_tidy, "funnel": cmd_funnel,
            "kpis": cmd_kpis, "paths": cmd_paths, "value": cmd_value, "setting": cmd_setting, "export": cmd_export,
            "build": cmd_build, "attach": cmd_attach,
            "drivers": cmd_drivers, "painpoints": cmd_painpoints, "report": cmd_report,
            "themes": cmd_themes, "alerts": cmd_alerts}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except db.DatabaseBusyError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BUSY
    except db.DatabaseFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT if "not a DuckDB database" in str(exc) else EXIT_FAIL
    except duckdb.IOException as exc:
        if db.DISK_FULL not in str(exc):
            raise
        print("The disk is full: the step that was writing was rolled back, nothing was written. Free "
              f"some space and run the command again. ({str(exc).splitlines()[0][:200]})", file=sys.stderr)
        return EXIT_FAIL
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
