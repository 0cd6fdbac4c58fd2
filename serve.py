"""The served app: app.py wrapped in an st.App whose middleware keeps Streamlit's operator endpoints from visitors.

Streamlit 1.67 has no config option for either, so this uses its public st.App API (`streamlit run serve.py`, as the
Procfile does; `streamlit run app.py` still works locally, without the guard):
- GET /_stcore/metrics (sessions, cache sizes, memory figures) answers 404 to everyone;
- a websocket "clear_cache" message (the menu's "Clear cache", which empties every visitor's global caches and
  unloads the models) is dropped, so no visitor can make the server reload its models for everyone.
Everything else passes through untouched. Its lifespan hook starts the background warm-up of the models
(models/warmup.py) as soon as the server has started.
"""
from __future__ import annotations

import contextlib

import streamlit as st
from starlette.middleware import Middleware
from streamlit.proto.BackMsg_pb2 import BackMsg

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


@contextlib.asynccontextmanager
async def warm_up_after_start(_app):
    """Once the server is up (and answering its health check), load each page's default model in the background."""
    warm_in_background()
    yield


app = st.App("app.py", middleware=[Middleware(PrivateEndpoints)], lifespan=warm_up_after_start)
