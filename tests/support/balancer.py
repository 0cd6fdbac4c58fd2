"""A real load balancer (Debian haproxy, deploy/haproxy.cfg) on loopback in front of app servers, for tests."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from tests.support.app_server import ROOT, free_port

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
CONFIG = ROOT / "deploy" / "haproxy.cfg"


def available() -> str | None:
    return None if Path(HAPROXY).exists() else "haproxy is not installed (apt-get install haproxy)"


@contextlib.contextmanager
def haproxy(backends: list[str], log_dir: Path, boot_limit: float = 30.0):
    """Yields the balancer's base URL in front of two app servers (host:port each), once it reports both up."""
    if len(backends) != 2:
        raise ValueError("deploy/haproxy.cfg names two servers")
    port = free_port()
    env = {**os.environ, "LB_BIND": f"127.0.0.1:{port}", "APP1": backends[0], "APP2": backends[1]}
    log = open(log_dir / "haproxy.log", "wb")
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(CONFIG)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + boot_limit
        while True:
            try:
                if requests.get(f"{base}/_stcore/health", timeout=2).text == "ok":
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise AssertionError("haproxy did not come up:\n" + (log_dir / "haproxy.log").read_text()[-2000:])
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        log.close()
