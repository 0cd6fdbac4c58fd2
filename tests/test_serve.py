"""serve.SessionReaper against Streamlit's own session storage: a session whose reconnect TTL passes is shut down
and its garbage collected; a session that reconnected is left alone. Fails if the private attributes it relies on
(WebsocketSessionManager._session_storage, MemorySessionStorage._cache) change in a Streamlit upgrade."""
from __future__ import annotations

import time

from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.session_manager import SessionInfo

import serve


class FakeSession:
    def __init__(self, session_id: str):
        self.id = session_id
        self.shutdowns = 0

    def shutdown(self) -> None:
        self.shutdowns += 1


class FakeManager:
    """Just what SessionReaper reads of a WebsocketSessionManager: its storage and which sessions are active."""

    def __init__(self, ttl_s: float):
        self._session_storage = MemorySessionStorage(ttl_seconds=ttl_s)
        self.active: set[str] = set()

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


def test_expired_session_is_shut_down_and_reconnected_one_is_not():
    manager = FakeManager(ttl_s=0.2)
    reaper = serve.SessionReaper(manager)
    closed, back = FakeSession("closed"), FakeSession("back")
    for session in (closed, back):
        manager._session_storage.save(SessionInfo(client=None, session=session))
    manager.active.add("back")  # Streamlit's reconnect: active again first, then removed from the storage
    manager._session_storage.delete("back")
    assert back.shutdowns == 0
    assert reaper.reap() == 0 and closed.shutdowns == 0  # within its TTL: kept for a reconnect
    time.sleep(0.3)
    assert reaper.reap() == 1 and closed.shutdowns == 1
    assert manager._session_storage.list() == [] and back.shutdowns == 0


def test_streamlit_drops_sessions_silently_without_the_reaper():
    """The bug the reaper exists for (streamlit/streamlit#12506): if Streamlit starts shutting expired sessions down
    itself, this fails and the reaper can go."""
    storage = MemorySessionStorage(ttl_seconds=0.1)
    session = FakeSession("closed")
    storage.save(SessionInfo(client=None, session=session))
    time.sleep(0.2)
    assert storage.list() == [] and len(storage._cache) == 0
    assert session.shutdowns == 0
