"""A real load balancer (Debian haproxy, deploy/haproxy.cfg) on loopback in front of app servers, for tests."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

from tests.support.app_server import ROOT, free_port, wait_healthy

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
        wait_healthy(base, proc, boot_limit, log_dir / "haproxy.log", "haproxy")
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        log.close()
