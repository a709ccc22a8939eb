"""A Streamlit viewer without a browser: one session over ``/_stcore/stream``, as the frontend does it.

How Streamlit 1.67 (Starlette server) takes a session, and what this client sends:

- the websocket ``ws://HOST:PORT/_stcore/stream`` with the subprotocol ``streamlit`` (the server
  selects the first entry of ``Sec-WebSocket-Protocol``; the second would be the XSRF token, which
  only matters for login cookies) and the page's ``Origin`` (same origin is accepted);
- a ``BackMsg.rerun_script`` (``ClientState``): on the first run the page by its URL path
  (``page_name``, "" for the entry page) and the link's ``query_string``; on a widget change the
  page's ``page_script_hash`` (from ``new_session``), the query string as the app last wrote it
  (``page_info_changed``), the changed widget's state and the hashes of the cacheable messages
  already received (the server then sends ``ref_hash`` references, resolved here);
- it reads ``ForwardMsg`` until ``script_finished``: the run's elements by ``delta_path``; the
  page's hash from ``navigation`` (``new_session`` carries the entry script's hash before the
  ``pages/`` page is resolved).

A run's error: an ``exception`` element or an error ``alert`` in any delta, a ``script_finished``
other than success, a compile error or ``page_not_found``, a dropped socket, or no finish within
the timeout. Page time = ``rerun_script`` sent to ``script_finished`` received.

The protocol is Streamlit's own, not a public interface, and an upgrade may change it without an
error here: a ``Session`` refuses to start on a Streamlit other than ``WRITTEN_FOR``.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from importlib import metadata
from urllib.parse import parse_qs, urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FINISHED = ForwardMsg.ScriptFinishedStatus
WRITTEN_FOR = "1.67"  # the Streamlit minor version whose websocket protocol this client speaks
_ESCAPED = re.compile(r"\\(.)")
_N = re.compile(r"n = ([\d,]+)")


class StreamlitVersionError(RuntimeError):
    """The installed Streamlit is not the one this client was written for."""


def streamlit_version() -> str:
    return metadata.version("streamlit")


def check_streamlit_version() -> None:
    """Raise ``StreamlitVersionError`` unless the installed Streamlit is ``WRITTEN_FOR``.x."""
    found = streamlit_version()
    if found.split(".")[:2] != WRITTEN_FOR.split("."):
        raise StreamlitVersionError(
            f"bench.wsclient speaks the websocket protocol of Streamlit {WRITTEN_FOR}.x, not {found}: "
            "check the protocol notes in its docstring against the new version, then update WRITTEN_FOR.")


def unescape(markdown: str) -> str:
    """Undo ``cxdata.ui.text.plain`` (a backslash before every punctuation character)."""
    return _ESCAPED.sub(r"\1", markdown)


@dataclass
class Run:
    """One script run as the viewer saw it."""

    kind: str  # "open" (a new session on a link) or "widget" (a rerun after a widget change)
    page: str  # URL path, "" for the entry page
    query_sent: str
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    query_after: str = ""  # the query string as the app left it (what the browser's URL shows)
    page_script_hash: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query_after, keep_blank_values=True)

    def of_type(self, kind: str) -> list[tuple[tuple[int, ...], Element]]:
        return sorted((p, e) for p, e in self.elements.items() if e.WhichOneof("type") == kind)

    def texts(self) -> list[str]:
        """Markdown bodies (captions included), unescaped, in page order."""
        return [unescape(e.markdown.body) for _, e in self.of_type("markdown")]

    def multiselect(self, label: str) -> Element | None:
        return next((e for _, e in self.of_type("multiselect") if e.multiselect.label == label), None)

    def metric_caption(self, label: str) -> str | None:
        """The caption drawn right after the metric ``label`` (the Overview's KPI cards)."""
        for path, e in self.of_type("metric"):
            if e.metric.label == label:
                nxt = self.elements.get((*path[:-1], path[-1] + 1))
                if nxt is not None and nxt.WhichOneof("type") == "markdown":
                    return unescape(nxt.markdown.body)
        return None

    def nps_n(self) -> int | None:
        """The NPS card's ``n = ...`` on the Overview, or None when the page has no NPS card."""
        caption = self.metric_caption("NPS")
        m = _N.search(caption or "")
        return int(m.group(1).replace(",", "")) if m else None


class Session:
    """One viewer's session: ``open`` a link, then change widgets in it; ``close`` drops it."""

    def __init__(self, base: str, timeout: float = 90.0, connect_timeout: float = 30.0) -> None:
        check_streamlit_version()
        parts = urlsplit(base)
        if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"loopback only: {base}")
        self.base = f"{parts.scheme}://{parts.netloc}/"
        self.ws_url = f"ws://{parts.netloc}/_stcore/stream"
        self.timeout = timeout  # for a run: rerun_script sent to script_finished
        self.connect_timeout = connect_timeout  # for the websocket handshake
        self.ws = None
        self.page = ""
        self.page_script_hash = ""
        self.query = ""
        self._cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the frontend keeps

    async def __aenter__(self) -> Session:
        # proxy=None: never route loopback through a proxy from the environment. No client pings
        # (a browser sends none); the server's pings are answered by the library.
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], origin=self.base.rstrip("/"),
                                proxy=None, max_size=None, ping_interval=None, compression=None,
                                open_timeout=self.connect_timeout)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    # ---- what the viewer does -------------------------------------------------------------
    async def open(self, page: str, query: str) -> Run:
        """The first run of a link: ``page`` is the URL path ("" for Overview, "Trends", ...)."""
        self.page, self.query = page, query.lstrip("?")
        return await self._run("open", page_name=page, page_script_hash="", widgets=[])

    async def set_multiselect(self, label: str, values: list[str], last: Run) -> Run:
        """Pick ``values`` in the multiselect labelled ``label`` of the run ``last``."""
        el = last.multiselect(label)
        if el is None:
            raise LookupError(f"no multiselect {label!r} on the page")
        ws = WidgetState(id=el.multiselect.id)
        ws.string_array_value.data.extend(values)
        return await self._run("widget", page_name="", page_script_hash=self.page_script_hash,
                               widgets=[ws])

    async def rerun(self) -> Run:
        """Run the page again with nothing changed (every widget keeps its value): with the
        data cached, what a rerun costs the server."""
        return await self._run("widget", page_name="", page_script_hash=self.page_script_hash, widgets=[])

    # ---- the protocol ---------------------------------------------------------------------
    async def _run(self, kind: str, page_name: str, page_script_hash: str, widgets: list[WidgetState]) -> Run:
        run = Run(kind, self.page, self.query, query_after=self.query)
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = page_name
        cs.page_script_hash = page_script_hash
        cs.widget_states.widgets.extend(widgets)
        cs.cached_message_hashes.extend(self._cache)
        cs.context_info.url = self.base + self.page + ("?" + self.query if self.query else "")
        cs.context_info.timezone = "UTC"
        cs.context_info.timezone_offset = 0
        cs.context_info.locale = "en-US"
        cs.context_info.is_embedded = False
        cs.context_info.color_scheme = "light"
        start = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            await asyncio.wait_for(self._read_until_finished(run), timeout=self.timeout)
        except TimeoutError:
            run.errors.append(f"timeout: no script_finished within {self.timeout:.0f} s")
        except ConnectionClosed as e:
            run.errors.append(f"socket dropped: {e}")
        except OSError as e:
            run.errors.append(f"socket error: {type(e).__name__}: {e}")
        run.seconds = time.perf_counter() - start
        for path, el in run.elements.items():
            if el.WhichOneof("type") == "alert" and el.alert.format == Alert.ERROR:
                run.errors.append(f"error alert at {list(path)}: {el.alert.body[:200]}")
        self.page_script_hash = run.page_script_hash or self.page_script_hash
        self.query = run.query_after
        return run

    async def _read_until_finished(self, run: Run) -> None:
        while True:
            raw = await self.ws.recv()
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(fm.ref_hash)
                if cached is None:
                    run.errors.append(f"ref_hash {fm.ref_hash} not in the client cache")
                    continue
                full = ForwardMsg()
                full.CopyFrom(cached)
                full.metadata.CopyFrom(fm.metadata)
                fm, kind = full, full.WhichOneof("type")
            elif fm.metadata.cacheable and fm.hash:
                self._cache[fm.hash] = fm
            if kind == "new_session":
                run.page_script_hash = run.page_script_hash or fm.new_session.page_script_hash
            elif kind == "navigation":
                # the page the run resolved to (new_session names the entry script's hash first)
                run.page_script_hash = fm.navigation.page_script_hash
            elif kind == "delta":
                self._delta(run, fm)
            elif kind == "page_info_changed":
                run.query_after = fm.page_info_changed.query_string
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {fm.page_not_found.page_name!r}")
            elif kind == "session_event" and fm.session_event.HasField("script_compilation_exception"):
                run.errors.append("script compilation exception: "
                                  + fm.session_event.script_compilation_exception.message[:200])
            elif kind == "script_finished":
                status = fm.script_finished
                if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
                    continue  # another run of the same request follows (never preempted by us)
                if status not in (FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    run.errors.append(f"script finished with {FINISHED.Name(status)}")
                return

    @staticmethod
    def _delta(run: Run, fm: ForwardMsg) -> None:
        path = tuple(fm.metadata.delta_path)
        which = fm.delta.WhichOneof("type")
        if which == "add_block":
            # a block replaces what was at and below its path
            for p in [p for p in run.elements if p[:len(path)] == path]:
                del run.elements[p]
        elif which == "new_element":
            el = fm.delta.new_element
            run.elements[path] = el
            if el.WhichOneof("type") == "exception":
                ex = el.exception
                run.errors.append(f"exception at {list(path)}: {ex.type} {ex.message[:200]}".strip())
