"""The served app: app.py wrapped in an st.App whose middleware keeps Streamlit's operator endpoints from visitors.

Streamlit 1.67 has no config option for either, so this uses its public st.App API (`streamlit run serve.py`, as the
Procfile does; `streamlit run app.py` still works locally, without the guard):
- GET /_stcore/metrics (sessions, cache sizes, memory figures) answers 404 to everyone;
- a websocket "clear_cache" message (the menu's "Clear cache", which empties every visitor's global caches and
  unloads the models) is dropped, so no visitor can make the server reload its models for everyone.
The app's static files (static/, the live sliders' ONNX models and ONNX Runtime Web) get a week's Cache-Control and
the ONNX models no gzip (StaticFileHeaders). Everything else passes through untouched. Its lifespan hook starts the background warm-up of the models
(models/warmup.py) as soon as the server has started, and makes a closed tab's session really go when its
server.disconnectedSessionTTL has passed (SessionReaper).
"""
from __future__ import annotations

import asyncio
import contextlib
import gc

import streamlit as st
from starlette.middleware import Middleware
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime import Runtime

from models.warmup import warm_in_background

BLOCKED_PATHS = ("/_stcore/metrics",)
BLOCKED_MESSAGES = {"clear_cache"}


def _blocked_path(path: str) -> bool:
    path = path.rstrip("/")
    return any(path.endswith(p) for p in BLOCKED_PATHS)


def _blocked_message(data: bytes | None) -> bool:
    if not data:
        return False
    try:
        return BackMsg.FromString(data).WhichOneof("type") in BLOCKED_MESSAGES
    except Exception:  # noqa: BLE001 - not a BackMsg: Streamlit decides what to do with it
        return False


class PrivateEndpoints:
    """Pure ASGI middleware: 404 for BLOCKED_PATHS, and BLOCKED_MESSAGES removed from each websocket's input."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _blocked_path(scope.get("path", "")):
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Not found"})
            return
        if scope["type"] == "websocket":
            async def filtered_receive():
                while True:
                    message = await receive()
                    if message.get("type") == "websocket.receive" and _blocked_message(message.get("bytes")):
                        continue
                    return message
            await self.app(scope, filtered_receive, send)
            return
        await self.app(scope, receive, send)


STATIC_PATH = "/app/static/"  # server.enableStaticServing: the live sliders' files (pages/live_generator.py)
UNZIPPED_PATHS = ("/app/static/live/",)  # int8 ONNX weights: gzip saves 8% of 7.5 MB for ~0.3 s of server CPU each
STATIC_MAX_AGE_S = 7 * 24 * 3600


class StaticFileHeaders:
    """Pure ASGI middleware for the app's static files: a Cache-Control max-age (Streamlit sends none, and answers a
    revalidation with the whole file again), and no gzip for files it does not shrink (the ONNX models; ONNX Runtime
    Web's wasm does shrink, 14.2 -> 3.7 MB, so it stays compressed)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if STATIC_PATH not in path:
            await self.app(scope, receive, send)
            return
        if any(p in path for p in UNZIPPED_PATHS):
            scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", []) if k != b"accept-encoding"]}

        async def send_with_cache(message):
            if message["type"] == "http.response.start" and message.get("status") == 200:
                headers = list(message.get("headers", [])) + [(b"cache-control",
                                                               f"public, max-age={STATIC_MAX_AGE_S}".encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cache)


REAP_EVERY_S = 5.0  # how often expired sessions are looked for (the TTL itself is server.disconnectedSessionTTL)


class SessionReaper:
    """Shuts down each session Streamlit drops from its reconnect storage, then frees what it held.

    Streamlit 1.67 keeps a closed tab's session for reconnects in a TTL cache and, when the TTL passes, simply forgets
    it without AppSession.shutdown() (streamlit/streamlit#12506): its uploaded files stay in the uploaded file
    manager and its media files stay referenced, for good; six uploads in a row got a 512 MB server OOM-killed. And a
    shut-down session is a reference cycle (session, script runner, session state) that only Python's full garbage
    collection frees, which on a heap this size runs rarely: ~150 MB of six closed sessions' pictures stayed until
    gc.collect(). There is no public API for the session storage, so this sets the cache's removal callback (private
    attributes _session_storage and _cache; tests/test_serve.py fails if they change, the cgroup pile-up test fails
    without this). A reconnecting session is made active before it leaves the storage, so it is left alone."""

    def __init__(self, session_mgr):
        self.session_mgr = session_mgr
        self.cache = session_mgr._session_storage._cache
        self.released = 0  # sessions shut down since the last collection
        self.cache._on_remove = self.on_remove

    def on_remove(self, session_id, session_info) -> None:
        if not self.session_mgr.is_active_session(session_id):
            session_info.session.shutdown()  # idempotent: Streamlit's own close path may call it again
            self.released += 1

    def reap(self) -> int:
        """Drop expired sessions (entries leave the TTL cache only when it is written or counted) and, if any
        session was shut down since the last call, collect the garbage it left. Returns that number of sessions."""
        self.cache.expire()
        released, self.released = self.released, 0
        if released:
            gc.collect()
        return released


async def reap_every(reaper: SessionReaper, every_s: float = REAP_EVERY_S) -> None:
    while True:
        await asyncio.sleep(every_s)
        reaper.reap()


@contextlib.asynccontextmanager
async def warm_up_after_start(_app):
    """Once the server is up (and answering its health check), load each page's default model in the background;
    closed sessions are released when their TTL passes."""
    reaper = asyncio.create_task(reap_every(SessionReaper(Runtime.instance()._session_mgr)))
    warm_in_background()
    yield
    reaper.cancel()


app = st.App("app.py", middleware=[Middleware(PrivateEndpoints), Middleware(StaticFileHeaders)],
             lifespan=warm_up_after_start)
