"""A real Linux memory limit for a process tree: a cgroup (v1 memory controller), as a host charges memory.

The kernel counts every page the group touches (private memory, and page cache it faults in) against
memory.limit_in_bytes; over it, reclaim first, then the OOM killer. `memory.oom_control` counts the kills and
`memory.max_usage_in_bytes` records the peak. Needs root and the v1 memory controller at /sys/fs/cgroup/memory
(`available()` says why not otherwise, so tests can skip)."""
from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup/memory")


def available() -> str | None:
    """None when a memory cgroup can be made here, else the reason it cannot."""
    if not (ROOT / "memory.limit_in_bytes").exists():
        return "no cgroup v1 memory controller at /sys/fs/cgroup/memory"
    if os.geteuid() != 0:
        return "making a cgroup needs root"
    return None


class MemoryCgroup:
    """with MemoryCgroup(512 * 2**20) as group: start a process with group.wrap(command) (a shell command that joins
    the group before it execs the command); read group.oom_kills(), group.peak_bytes(), group.usage_bytes()."""

    def __init__(self, limit_bytes: int, name: str | None = None):
        self.limit = int(limit_bytes)
        self.path = ROOT / (name or f"gan-studio-{os.getpid()}-{time.monotonic_ns()}")

    def __enter__(self) -> "MemoryCgroup":
        self.path.mkdir()
        (self.path / "memory.limit_in_bytes").write_text(str(self.limit))
        swap = self.path / "memory.memsw.limit_in_bytes"
        if swap.exists():  # no swapping around the limit where the kernel accounts swap
            swap.write_text(str(self.limit))
        return self

    def wrap(self, command: str) -> str:
        """A shell command that moves its own shell into the group, then runs command (children inherit it)."""
        return f"echo $$ > {self.path / 'cgroup.procs'} && exec sh -c '{command}'" if "'" not in command else \
            f"echo $$ > {self.path / 'cgroup.procs'} && exec {command}"

    def pids(self) -> list[int]:
        return [int(p) for p in (self.path / "cgroup.procs").read_text().split()]

    def oom_kills(self) -> int:
        fields = dict(line.split() for line in (self.path / "memory.oom_control").read_text().splitlines())
        return int(fields.get("oom_kill", 0))

    def peak_bytes(self) -> int:
        return int((self.path / "memory.max_usage_in_bytes").read_text())

    def usage_bytes(self) -> int:
        return int((self.path / "memory.usage_in_bytes").read_text())

    def stat(self) -> dict[str, int]:
        return {k: int(v) for k, v in (line.split() for line in (self.path / "memory.stat").read_text().splitlines())}

    def __exit__(self, *exc) -> None:
        for pid in self.pids():  # survivors (the test stops the server first) go back to the root group
            try:
                (ROOT / "cgroup.procs").write_text(str(pid))
            except OSError:
                pass
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.1)
