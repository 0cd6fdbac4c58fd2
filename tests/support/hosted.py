"""Several real browser visitors at once against the app started as the Procfile does inside a memory cgroup, with
the CPU-only torch of a given virtual environment: what tests/test_hosted_memory.py checks and
benchmarks/hosted_memory.py prints."""
from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.browser import chromium
from tests.support.cgroup import MemoryCgroup

VISITORS = {  # each visitor's pages, in order; every page: its first visit, then `rounds` repeats of its action
    "sketch": ["colorize + hint"],
    "sliders": ["latent slider", "infogan code"],
    "audio": ["wavenet generate"],
}


def visitor(pages: list[str], base: str, rounds: int, errors: list[str], start: threading.Barrier) -> None:
    driver = chromium()
    try:
        start.wait()
        for page in pages:
            pa.USER_ACTIONS[page](driver, base, True)
            for _ in range(rounds):
                pa.USER_ACTIONS[page](driver, base, False)
    except Exception as err:  # noqa: BLE001 - every failure is a figure of the run
        errors.append(f"{pages}: {type(err).__name__}: {str(err)[:200]}")
    finally:
        driver.quit()


def one_run(venv: Path, limit_mb: int, rounds: int, visitors: dict[str, list[str]] = VISITORS) -> dict:
    """Start, drive, measure, stop; returns the run's figures."""
    env = {"PATH": f"{venv.resolve() / 'bin'}:{os.environ['PATH']}"}
    with tempfile.TemporaryDirectory() as home, MemoryCgroup(limit_mb * 2**20) as group:
        with procfile_app(Path(home), extra_env=env, wrap=group.wrap, boot_limit=120) as (base, _proc):
            boot = group.usage_bytes()
            errors: list[str] = []
            start = threading.Barrier(len(visitors))
            threads = [threading.Thread(target=visitor, args=(pages, base, rounds, errors, start))
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
            return {"peak_mb": group.peak_bytes() / 2**20, "boot_mb": boot / 2**20, "oom_kills": group.oom_kills(),
                    "after_mb": group.usage_bytes() / 2**20, "errors": errors, "healthy": healthy, "wall_s": wall,
                    "rss_anon_mb": group.stat().get("total_rss", 0) / 2**20}
