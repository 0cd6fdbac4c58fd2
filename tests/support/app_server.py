"""Start the app exactly as the Procfile does (sh setup.sh && streamlit run ...) on a free port, and stop it."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, limit: float, log: Path, what: str) -> None:
    """Until base/_stcore/health answers "ok"; AssertionError with the log's tail if proc exits or limit passes."""
    deadline = time.time() + limit
    while True:
        try:
            if requests.get(f"{base}/_stcore/health", timeout=2).text == "ok":
                return
        except requests.RequestException:  # not listening yet, or busy starting (the model warm-up runs then)
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise AssertionError(f"{what} did not become healthy in {limit:.0f} s:\n"
                                 + log.read_text(errors="replace")[-3000:])
        time.sleep(0.3)


@contextlib.contextmanager
def procfile_app(home: Path, extra_env: dict | None = None, boot_limit: float = 60.0, cgroup_procs: Path | None = None):
    """Yields (base_url, process); the server answers /_stcore/health before the block starts.

    cgroup_procs: a cgroup's cgroup.procs file; the shell moves itself in before running the Procfile's command, so
    the whole server runs inside that cgroup from its first byte."""
    command = (ROOT / "Procfile").read_text().split("web:", 1)[1].strip()
    if cgroup_procs is not None:
        command = f"echo $$ > {cgroup_procs} && {command}"
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOME": str(home), **(extra_env or {})}
    log = open(home / "server.log", "wb")
    proc = subprocess.Popen(["sh", "-c", command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, boot_limit, home / "server.log", "app")
        yield base, proc
    finally:
        with contextlib.suppress(ProcessLookupError):  # a test may have stopped it already
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
