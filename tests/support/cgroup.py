"""A real Linux memory cgroup (v1) for tests: a hard limit in bytes, processes moved in, OOM kills counted.

MemoryCgroup makes a child of this process's own memory cgroup (so it never escapes the limits we run under),
sets memory.limit_in_bytes (and memory.memsw.limit_in_bytes where swap accounting exists, so the group cannot swap
instead), and reads memory.max_usage_in_bytes and the oom_kill count from memory.oom_control. unavailable() says
why a test must skip (no v1 memory controller, not root, read-only). close() kills what is left and removes it.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

V1_MEMORY = Path("/sys/fs/cgroup/memory")


def _own_memory_cgroup() -> Path:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, rel = line.split(":", 2)
        if "memory" in controllers.split(","):
            return V1_MEMORY / rel.lstrip("/")
    return V1_MEMORY


def unavailable() -> str | None:
    """None when a memory cgroup can be made here, else the reason."""
    if not (V1_MEMORY / "cgroup.procs").exists():
        return "no cgroup v1 memory controller at /sys/fs/cgroup/memory"
    if os.geteuid() != 0:
        return "making a cgroup needs root"
    parent = _own_memory_cgroup()
    probe = parent / f"gan-studio-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as err:
        return f"cannot create a cgroup under {parent}: {err.strerror or err}"
    return None


class MemoryCgroup:
    def __init__(self, name: str, limit_bytes: int):
        self.path = _own_memory_cgroup() / f"{name}-{os.getpid()}"
        self.path.mkdir()
        self.limit = limit_bytes
        (self.path / "memory.limit_in_bytes").write_text(str(limit_bytes))
        if (self.path / "memory.memsw.limit_in_bytes").exists():
            (self.path / "memory.memsw.limit_in_bytes").write_text(str(limit_bytes))

    @property
    def procs_file(self) -> Path:
        """Write a pid here (e.g. `echo $$ > FILE` in a shell) to move it, and its future children, inside."""
        return self.path / "cgroup.procs"

    def pids(self) -> list[int]:
        return [int(p) for p in self.procs_file.read_text().split()]

    def oom_kills(self) -> int:
        for line in (self.path / "memory.oom_control").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def max_usage(self) -> int:
        return int((self.path / "memory.max_usage_in_bytes").read_text())

    def reset_max_usage(self) -> None:
        """Start the peak (max_usage) again from the present usage, to measure one step alone."""
        (self.path / "memory.max_usage_in_bytes").write_text("0")

    def usage(self) -> int:
        return int((self.path / "memory.usage_in_bytes").read_text())

    def close(self) -> None:
        for _ in range(50):
            pids = self.pids()
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        try:
            self.path.rmdir()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
