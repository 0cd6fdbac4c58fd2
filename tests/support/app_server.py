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
        deadline = time.time() + boot_limit
        while True:
            try:
                if requests.get(f"{base}/_stcore/health", timeout=2).text == "ok":
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise AssertionError(f"app did not become healthy in {boot_limit:.0f} s:\n"
                                     + (home / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield base, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
