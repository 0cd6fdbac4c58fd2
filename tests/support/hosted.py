"""Several real browser visitors at once against the app started as the Procfile does inside a memory cgroup, with
CPU-only torch: what tests/test_hosted_memory.py checks and benchmarks/hosted_memory.py prints. `cpu_python()` finds
an interpreter whose torch is the CPU-only build (as on Heroku; the default Linux wheel maps ~500 MB of CUDA
libraries): CPU_TORCH_PYTHON, else .venv-cpu (made by tests/install.sh), else this one."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.browser import chromium
from tests.support.cgroup import MemoryCgroup

ROOT = Path(__file__).resolve().parents[2]

VISITORS = {  # each visitor's pages, in order; every page: its first visit, then `rounds` repeats of its action
    "sketch": ["colorize + hint"],
    "sliders": ["latent slider", "infogan code"],
    "audio": ["wavenet generate"],
}
PHOTO_VISITOR = {"photo": ["photo upload"]}  # benchmarks/hosted_memory.py --photo: not yet within 512 MB at ten


def visitor(pages: list[str], base: str, rounds: int, errors: list[str], timings: list, start: threading.Barrier) -> None:
    """One browser: each page's first visit, then `rounds` repeats of its action; timings gets (action, seconds)."""
    driver = chromium()
    try:
        start.wait()
        for page in pages:
            for i in range(rounds + 1):
                t0 = time.perf_counter()
                pa.USER_ACTIONS[page](driver, base, i == 0)
                timings.append((page + (" (page open)" if i == 0 else ""), time.perf_counter() - t0))
    except Exception as err:  # noqa: BLE001 - every failure is a figure of the run
        errors.append(f"{pages}: {type(err).__name__}: {str(err)[:200]}")
    finally:
        driver.quit()


def sessions(n: int, photo: bool = False) -> dict[str, list[str]]:
    """n visitors, the kinds of VISITORS in turn (ten: four sketchers, three on the sliders, three on audio); with
    photo, Photo Colorizer visitors as a fourth kind."""
    kinds = list({**VISITORS, **(PHOTO_VISITOR if photo else {})}.items())
    return {f"{kinds[i % len(kinds)][0]}-{i + 1}": kinds[i % len(kinds)][1] for i in range(n)}


def latency_table(timings: list[tuple[str, float]]) -> dict[str, tuple[int, float, float]]:
    """action -> (count, median s, p95 s)."""
    table = {}
    for action in sorted({a for a, _ in timings}):
        values = sorted(t for a, t in timings if a == action)
        p95 = values[min(len(values) - 1, max(0, round(0.95 * len(values)) - 1))]
        table[action] = (len(values), statistics.median(values), p95)
    return table


def cpu_python() -> str | None:
    """A Python whose torch is CPU-only and which has streamlit, or None."""
    for candidate in (os.environ.get("CPU_TORCH_PYTHON"), str(ROOT / ".venv-cpu" / "bin" / "python"), sys.executable):
        if not candidate or not Path(candidate).exists():
            continue
        probe = subprocess.run([candidate, "-c", "import torch, streamlit; print(torch.version.cuda is None)"],
                               capture_output=True, text=True, timeout=120)
        if probe.returncode == 0 and probe.stdout.strip() == "True":
            return candidate
    return None


def private_mb(group: MemoryCgroup) -> float:
    """The group's private (anonymous) memory now, from memory.stat."""
    stat = dict(line.split() for line in (group.path / "memory.stat").read_text().splitlines())
    return int(stat.get("total_rss", 0)) / 2**20


def one_run(python: str, limit_mb: int, rounds: int, visitors: dict[str, list[str]] = VISITORS) -> dict:
    """Start the app with python's environment inside a limit_mb cgroup, drive it, measure, stop: the run's figures.
    Every browser wait is stretched by visitors/3 (ten visitors share two cores: a page may take minutes to open, which
    the latency table reports; the run fails on a wait only when the page never gets there)."""
    saved = pa.PATIENCE
    pa.PATIENCE = max(saved, len(visitors) / 3)
    try:
        return _measured_run(python, limit_mb, rounds, visitors)
    finally:
        pa.PATIENCE = saved


def _measured_run(python: str, limit_mb: int, rounds: int, visitors: dict[str, list[str]]) -> dict:
    env = {"PATH": f"{Path(python).parent}{os.pathsep}{os.environ['PATH']}"}
    with tempfile.TemporaryDirectory() as home, MemoryCgroup("gan-studio-hosted", limit_mb * 2**20) as group:
        with procfile_app(Path(home), extra_env=env, cgroup_procs=group.procs_file, boot_limit=120) as (base, _proc):
            boot = group.usage()
            errors: list[str] = []
            timings: list[tuple[str, float]] = []
            start = threading.Barrier(len(visitors))
            threads = [threading.Thread(target=visitor, args=(pages, base, rounds, errors, timings, start))
                       for pages in visitors.values()]
            t0 = time.time()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.time() - t0
            try:
                healthy = requests.get(f"{base}/_stcore/health", timeout=10).text == "ok"
            except requests.RequestException:
                healthy = False
            time.sleep(5)
            return {"peak_mb": group.max_usage() / 2**20, "boot_mb": boot / 2**20, "oom_kills": group.oom_kills(),
                    "after_mb": group.usage() / 2**20, "errors": errors, "healthy": healthy, "wall_s": wall,
                    "rss_anon_mb": private_mb(group), "latency": latency_table(timings)}
