"""Issue 18, item 5: a session that has not unlocked importing cannot make the server hold
uploaded bytes (this failed before: 204 and the bytes held), and the files of ended sessions are
freed (Streamlit does that itself: a guard, it passed before too). An HTTP test against a real
``streamlit run``: a websocket session (``bench.wsclient``, Streamlit's own protocol) opens the
Upload page, then PUTs a file to Streamlit's upload endpoint for its own session with the XSRF
cookie, as the attack did; the server's ``/_stcore/metrics`` says what it holds."""

from __future__ import annotations

import asyncio
import re
import shutil
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import streamlit
from helpers import e2e  # tests/ is on sys.path under pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.wsclient import Session

PASSWORD = "correct horse battery staple"
FILE_BYTES = 3 * 1024 * 1024
TTL = 2  # server.disconnectedSessionTTL: seconds a closed session is kept for a reconnect


def test_only_the_upload_route_asks_runtime_is_active_session():
    """The gate answers 'no' there for a locked session: that must not change any other answer.
    A Streamlit upgrade that asks it elsewhere fails this test."""
    root = Path(streamlit.__file__).parent
    callers = []
    for path in root.rglob("*.py"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if "is_active_session(" in line and "def is_active_session" not in line \
                    and not line.strip().startswith("#"):
                callers.append((path.relative_to(root).as_posix(), line.strip()))
    assert sorted(callers) == [
        ("runtime/runtime.py", "return self._session_mgr.is_active_session(session_id)"),
        ("web/server/starlette/starlette_routes.py", "if not runtime.is_active_session(session_id):"),
    ], callers


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    from cxdata import db, demo

    path = tmp_path_factory.mktemp("h18up") / "seed.duckdb"
    con = db.connect(path)
    demo.generate_demo(con, responses=2_000, interactions=2_000, seed=4)
    con.execute("checkpoint")
    con.close()
    return path


@pytest.fixture(scope="module")
def server(small_db):
    path = small_db.parent / "cx.duckdb"
    shutil.copy(small_db, path)
    with e2e.dashboard(path, CX_IMPORT_PASSWORD=PASSWORD,
                       STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL=str(TTL)) as base:
        yield base


class Viewer(Session):
    """A websocket session that remembers its id (from ``new_session``)."""

    session_id = ""

    async def __aenter__(self):
        await super().__aenter__()
        recv = self.ws.recv

        async def sniffing_recv():
            raw = await recv()
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            if fm.WhichOneof("type") == "new_session":
                self.session_id = fm.new_session.initialize.session_id
            return raw

        self.ws.recv = sniffing_recv
        return self

    async def unlock(self, last) -> object:
        """Type the password and submit the gate's form, as the browser does."""
        box = next(el for _, el in last.of_type("text_input") if el.text_input.label == "Import password")
        submit = next(el for _, el in last.of_type("button") if el.button.is_form_submitter)
        typed = WidgetState(id=box.text_input.id)
        typed.string_value = PASSWORD
        pressed = WidgetState(id=submit.button.id)
        pressed.trigger_value = True
        return await self._run("widget", page_name="", page_script_hash=self.page_script_hash,
                               widgets=[typed, pressed])


def put_file(base: str, session_id: str) -> int:
    """PUT a file to the upload endpoint for ``session_id``, with the XSRF cookie as header."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    opener.open(base + "_stcore/health", timeout=30).read()  # sets the XSRF cookie, as for the page
    xsrf = next(c.value for c in jar if c.name == "_streamlit_xsrf")
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + b"x" * FILE_BYTES + f"\r\n--{boundary}--\r\n".encode()
    req = Request(f"{base}_stcore/upload_file/{session_id}/{uuid.uuid4()}", data=body, method="PUT",
                  headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": xsrf})
    try:
        with opener.open(req, timeout=60) as r:
            return r.status
    except HTTPError as e:
        return e.code
    except (URLError, ConnectionError):  # refused before the body was read: the socket closed
        return 0


def held_bytes(base: str) -> int:
    """What Streamlit's upload manager holds, from the server's metrics."""
    with build_opener().open(f"{base}_stcore/metrics?families=cache_memory_bytes", timeout=30) as r:
        text = r.read().decode()
    m = re.search(r'cache_memory_bytes\{cache_type="UploadedFileManager"[^}]*\}\s+(\d+)', text)
    return int(m.group(1)) if m else 0


def settled_held_bytes(base: str, expect, seconds: float = 60.0) -> int:
    """``held_bytes`` once ``expect`` holds for it, or after ``seconds`` (the server caches this
    metric for 5 s)."""
    deadline = time.monotonic() + seconds
    while True:
        held = held_bytes(base)
        if expect(held) or time.monotonic() > deadline:
            return held
        time.sleep(1)


def test_a_locked_session_cannot_make_the_server_hold_a_file(server):
    async def go():
        async with Viewer(server) as v:
            run = await v.open("Upload", "")
            assert run.ok, run.errors
            assert v.session_id
            assert any("Import password" == el.text_input.label for _, el in run.of_type("text_input"))
            status = await asyncio.to_thread(put_file, server, v.session_id)
            await asyncio.sleep(6)  # past the metric's 5 s cache
            held = await asyncio.to_thread(held_bytes, server)
            return status, held

    status, held = asyncio.run(go())
    assert status != 204 and (status == 0 or status >= 400), status
    assert held == 0, held


def test_an_unlocked_session_uploads_and_its_files_go_when_it_ends(server):
    async def go():
        async with Viewer(server) as v:
            run = await v.open("Upload", "")
            run = await v.unlock(run)
            assert run.ok, run.errors
            assert run.of_type("file_uploader"), "the password did not unlock"
            status = await asyncio.to_thread(put_file, server, v.session_id)
            held = await asyncio.to_thread(settled_held_bytes, server, lambda b: b >= FILE_BYTES)
        await asyncio.sleep(TTL + 2)  # the browser closed; Streamlit forgets the session
        async with Viewer(server) as other:  # when the next session connects, it lets go of it
            assert (await other.open("", "")).ok
        return status, held, await asyncio.to_thread(settled_held_bytes, server, lambda b: b == 0)

    status, held, after = asyncio.run(go())
    assert status == 204, status
    assert held >= FILE_BYTES, held
    assert after == 0, after
