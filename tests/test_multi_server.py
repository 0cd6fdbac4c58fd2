"""Two app servers behind a real load balancer (haproxy with deploy/haproxy.cfg): each visitor stays on one server
(cookie affinity), so uploads and media reach the session that owns them; a server going down leaves the app up.

Streamlit sessions are a WebSocket plus separate HTTP requests (uploads, media): without affinity an upload lands on
the other process and fails with "invalid session_id" (streamlit/streamlit#4173)."""
from __future__ import annotations

import os
import signal
import time

import pytest
import requests

from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.balancer import available, haproxy
from tests.support.browser import chromium

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))


def colorize_sample_upload(driver, base: str) -> None:
    pa.USER_ACTIONS["colorize + hint"](driver, base, True)  # upload, wait for the coloured image
    assert "Download PNG" in pa.body_text(driver)


def wait_for_only_healthy_answers(lb: str, in_a_row: int = 6, timeout: float = 30.0) -> None:
    """Until the balancer has taken a dead server out: several health requests in a row all answered "ok"."""
    deadline, good = time.time() + timeout, 0
    while good < in_a_row:
        assert time.time() < deadline, "the balancer kept sending requests to the dead server"
        try:
            good = good + 1 if requests.get(f"{lb}/_stcore/health", timeout=5).text == "ok" else 0
        except requests.RequestException:
            good = 0
        time.sleep(0.3)


def test_two_servers_behind_haproxy_keep_each_visitor_on_one(tmp_path):
    homes = [tmp_path / "a", tmp_path / "b"]
    for h in homes:
        h.mkdir()
    with procfile_app(homes[0]) as (base1, proc1), procfile_app(homes[1]) as (base2, _proc2):
        backends = [b.removeprefix("http://") for b in (base1, base2)]
        with haproxy(backends, tmp_path) as lb:
            drivers = [chromium(), chromium()]
            try:
                for d in drivers:  # round robin: the two visitors' sessions start on different servers
                    colorize_sample_upload(d, lb)
                servers = [d.get_cookie("GANSTUDIO_SERVER")["value"] for d in drivers]
                assert sorted(servers) == ["app1", "app2"], servers
                # the visitor on app1 adds a hint: its click and the new picture travel through the balancer too
                first = drivers[servers.index("app1")]
                pa.USER_ACTIONS["colorize + hint"](first, lb, False)

                os.killpg(proc1.pid, signal.SIGKILL)  # app1 dies: its health check fails, new visitors go to app2
                wait_for_only_healthy_answers(lb)
                survivor = chromium()
                try:
                    colorize_sample_upload(survivor, lb)
                    assert survivor.get_cookie("GANSTUDIO_SERVER")["value"] == "app2"
                finally:
                    survivor.quit()
            finally:
                for d in drivers:
                    d.quit()
