"""deploy/local_cluster.sh for tests: N app processes behind a real haproxy on loopback, and their pids."""
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
SCRIPT = ROOT / "deploy" / "local_cluster.sh"


def available() -> str | None:
    return None if Path(HAPROXY).exists() else "haproxy is not installed (apt-get install haproxy)"


def free_port_block(n: int) -> int:
    """A base port such that base+1..base+n are free now."""
    for _ in range(50):
        base = free_port()
        if base + n < 65535 and all(_free(base + i) for i in range(1, n + 1)):
            return base
    raise RuntimeError("no block of free ports")


def _free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def healthy(url: str) -> bool:
    try:
        return requests.get(f"{url}/_stcore/health", timeout=3).text == "ok"
    except requests.RequestException:
        return False


def balanced_to(lb: str, requests_made: int) -> set[str]:
    """The servers (affinity cookie values) that several fresh requests through the balancer were sent to."""
    seen = set()
    for _ in range(requests_made):
        try:
            seen.add(requests.get(f"{lb}/_stcore/health", timeout=3).cookies.get("GANSTUDIO_SERVER"))
        except requests.RequestException:
            pass
    return seen - {None}


@contextlib.contextmanager
def local_cluster(n: int, run_dir: Path, boot_limit: float = 120.0):
    """Yields (balancer URL, [each app's URL], [each app's pid]) once every app and the balancer answer."""
    lb_port, base = free_port(), free_port_block(n)
    env = {**os.environ, "LB_PORT": str(lb_port), "BASE_PORT": str(base), "RUN_DIR": str(run_dir)}
    log = open(run_dir / "cluster.log", "wb")
    proc = subprocess.Popen(["sh", str(SCRIPT), str(n)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    lb, apps = f"http://127.0.0.1:{lb_port}", [f"http://127.0.0.1:{base + i}" for i in range(1, n + 1)]
    try:
        deadline = time.time() + boot_limit
        while not (all(healthy(a) for a in apps) and healthy(lb)):
            if proc.poll() is not None or time.time() > deadline:
                raise AssertionError("the local cluster did not come up:\n"
                                     + (run_dir / "cluster.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        while len(balanced_to(lb, 2 * n)) < n:  # the balancer's own checks must have seen every app up, too
            if time.time() > deadline:
                raise AssertionError(f"the balancer does not send to all {n} apps yet")
            time.sleep(0.5)
        pids = [int((run_dir / f"app{i}.pid").read_text()) for i in range(1, n + 1)]
        yield lb, apps, pids
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        for i in range(1, n + 1):  # the apps run in their own sessions (setsid): make sure none outlives the test
            with contextlib.suppress(OSError, ValueError):
                os.killpg(int((run_dir / f"app{i}.pid").read_text()), signal.SIGKILL)
        log.close()
