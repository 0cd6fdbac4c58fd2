"""Two app processes behind a real load balancer (deploy/local_cluster.sh: haproxy with deploy/haproxy.cfg): each
visitor stays on one process (cookie affinity), so uploads and media reach the session that owns them; every page's
main action works through the balancer; a process going down leaves the app up.

Streamlit sessions are a WebSocket plus separate HTTP requests (uploads, media): without affinity an upload lands on
the other process and fails with "invalid session_id" (streamlit/streamlit#4173)."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.support import page_actions as pa
from tests.support.balancer import available, healthy, local_cluster
from tests.support.browser import chromium

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))
COOKIE = "GANSTUDIO_SERVER"


def wait_for_only_healthy_answers(lb: str, in_a_row: int = 6, timeout: float = 30.0) -> None:
    """Until the balancer has taken a dead process out: several health requests in a row all answered "ok"."""
    deadline, good = time.time() + timeout, 0
    while good < in_a_row:
        assert time.time() < deadline, "the balancer kept sending requests to the dead process"
        good = good + 1 if healthy(lb) else 0
        time.sleep(0.3)


def test_two_processes_behind_haproxy_keep_each_visitor_on_one(tmp_path):
    with local_cluster(2, tmp_path) as (lb, _apps, pids):
        drivers = [chromium(), chromium()]
        try:
            # pin visitor i to app<i> (a first page load's parallel requests may each be balanced before the
            # cookie arrives, so the test does not rely on round robin's order)
            for i, d in enumerate(drivers, start=1):
                d.get(f"{lb}/_stcore/health")
                d.delete_all_cookies()
                d.add_cookie({"name": COOKIE, "value": f"app{i}", "path": "/"})
                pa.USER_ACTIONS["colorize + hint"](d, lb, True)  # upload a sketch, wait for the coloured image
            servers = [d.get_cookie(COOKIE)["value"] for d in drivers]
            assert servers == ["app1", "app2"], servers
            first = drivers[servers.index("app1")]
            pa.USER_ACTIONS["colorize + hint"](first, lb, False)  # a hint click and the new picture
            for page in ("latent slider", "infogan code", "wavenet generate"):  # every page's main action
                pa.USER_ACTIONS[page](first, lb, True)
                pa.USER_ACTIONS[page](first, lb, False)
            assert first.get_cookie(COOKIE)["value"] == "app1"  # the session never moved

            os.killpg(pids[0], signal.SIGKILL)  # app1 dies: its health check fails, new visitors go to app2
            wait_for_only_healthy_answers(lb)
            survivor = chromium()
            try:
                pa.USER_ACTIONS["colorize + hint"](survivor, lb, True)
                assert survivor.get_cookie(COOKIE)["value"] == "app2"
            finally:
                survivor.quit()
        finally:
            for d in drivers:
                d.quit()
