"""``python tests/helpers/import_phases.py ARGS``: ``python -m cxdata ARGS`` that also prints, flushed,
one line per phase of the import (``phase begin`` when its transaction opens, ``phase loaded`` after
each chunk insert, ``phase committed`` once ``write_import`` returned), so a test that kills it can
tell where the kill landed. The import runs exactly the code of ``python -m cxdata import``.
"""

from __future__ import annotations

import sys
import time

T0 = time.perf_counter()


def say(what: str) -> None:
    print(f"phase {what} {time.perf_counter() - T0:.3f}", flush=True)


def main() -> int:
    from cxdata import cli
    from cxdata.ingest import load

    real = load.write_import

    def traced(con, prepared, **kwargs):
        user_progress = kwargs.get("progress")

        def progress(fraction, message):
            if message.startswith("Loaded lines"):
                say("loaded")
            if user_progress:
                user_progress(fraction, message)

        say("begin")
        out = real(con, prepared, **{**kwargs, "progress": progress})
        say("committed")
        return out

    load.write_import = traced
    say("start")
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
