"""The whole app under real conditions: cold start, first image per page, peak server memory, concurrent sessions.

Starts the app exactly as the Procfile does, then drives it with real headless Chromium browsers (Debian chromium):
  1. cold start: seconds from process start to a healthy /_stcore/health, then to the first result on each page;
  2. memory: the server's peak RSS (VmHWM of the streamlit process) after every page was used once;
  3. concurrency: N browser sessions (default 10) at once, each repeating its page's main action for --seconds,
     printing errors, and median / p95 latency per action; then the peak RSS again.
Bounded in count and time; loopback only.  Usage:  python -m benchmarks.app_under_load [--sessions=10] [--seconds=60]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.browser import chromium

ROOT = Path(__file__).resolve().parents[1]


def server_pid(shell_pid: int) -> int:
    """The streamlit python process under the Procfile's shell."""
    for child in Path(f"/proc/{shell_pid}/task/{shell_pid}/children").read_text().split():
        if "streamlit" in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace"):
            return int(child)
        try:
            return server_pid(int(child))
        except (StopIteration, ValueError):
            continue
    raise ValueError("no streamlit process found")


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (current), VmHWM (peak) and the current RSS split into RssAnon (private memory: what a dyno's memory
    quota counts) and RssFile (pages of mapped library files, reclaimable), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}


HEAVY_LIBRARIES = ("pandas", "pyarrow", "altair", "matplotlib", "scipy", "sklearn")


def heavy_libraries_loaded(pid: int) -> list[str]:
    """Big libraries the app does not need that are mapped into the server (each costs tens of MB)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return [name for name in HEAVY_LIBRARIES if f"/{name}/" in maps]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_memory(label: str, pid: int) -> None:
    mem = memory_mb(pid)
    print(f"{label}: RSS {mem['VmRSS']:.0f} MB (private {mem['RssAnon']:.0f} + library files {mem['RssFile']:.0f}), "
          f"peak {mem['VmHWM']:.0f} MB (budget 512 MB); heavy libraries loaded: "
          f"{', '.join(heavy_libraries_loaded(pid)) or 'none'}")


class Window:
    """The measured minute starts when every session has its browser and page ready (10 Chromiums starting at once on
    2 cores take over a minute by themselves), so the figures are about the app, not about browser start-up."""

    def __init__(self, sessions: int, seconds: float):
        self.until = 0.0
        self.ready = threading.Barrier(sessions + 1, action=self._open)  # the action runs before anyone is released
        self.seconds = seconds

    def _open(self) -> None:
        self.until = time.time() + self.seconds

    def join(self, timeout: float) -> bool:
        """Wait until every session (and the main thread) is ready; False if that did not happen in time."""
        try:
            self.ready.wait(timeout)
            return True
        except threading.BrokenBarrierError:
            return False


def session_loop(name, base, window: Window, results, errors, setups):
    t0 = time.perf_counter()
    driver, ready = None, False
    try:
        driver = chromium(1200, 900)
        pa.USER_ACTIONS[name](driver, base, True)
        setups.append(time.perf_counter() - t0)
        ready = True
    except Exception as err:  # noqa: BLE001
        errors.append(f"{name} (setup): {str(err)[:200]}")
    if not window.join(600) or not ready:
        if driver is not None:
            driver.quit()
        return
    try:
        while time.time() < window.until:
            t = time.perf_counter()
            try:
                pa.USER_ACTIONS[name](driver, base, False)
                results[name].append(time.perf_counter() - t)
            except Exception as err:  # noqa: BLE001 - every failure is counted and reported
                errors.append(f"{name}: {str(err)[:200]}")
                pa.USER_ACTIONS[name](driver, base, True)
    except Exception as err:  # noqa: BLE001
        errors.append(f"{name} (recovery): {str(err)[:200]}")
    finally:
        driver.quit()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10, help="0: only cold start and every page used once")
    ap.add_argument("--seconds", type=float, default=60)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="gan-studio-load-"))
    t0 = time.perf_counter()
    with procfile_app(home) as (base, proc):
        healthy = time.perf_counter() - t0
        pid = server_pid(proc.pid)
        print(f"cold start: healthy after {healthy:.1f} s (RSS {memory_mb(pid)['VmRSS']:.0f} MB)")
        for name, action in pa.USER_ACTIONS.items():
            driver = chromium(1200, 900)
            try:
                t = time.perf_counter()
                action(driver, base, True)
                if name == "wavenet generate":
                    pass  # first=True already generated once
                print(f"first use of {name:>17}: {time.perf_counter() - t:6.1f} s   server RSS now "
                      f"{memory_mb(pid)['VmRSS']:.0f} MB")
            finally:
                driver.quit()
        print_memory("memory after every page used once", pid)
        if args.sessions <= 0:
            return 0

        results = {name: [] for name in pa.USER_ACTIONS}
        errors: list[str] = []
        setups: list[float] = []
        window = Window(args.sessions, args.seconds)
        names = [list(pa.USER_ACTIONS)[i % len(pa.USER_ACTIONS)] for i in range(args.sessions)]
        threads = [threading.Thread(target=session_loop, args=(n, base, window, results, errors, setups)) for n in names]
        for th in threads:
            th.start()
        window.join(600)
        cpu_before, wall_before = cpu_seconds(pid), time.time()
        for th in threads:
            th.join(timeout=args.seconds + 600)
        server_cpu, wall = cpu_seconds(pid) - cpu_before, time.time() - wall_before
        healthy_after = requests.get(f"{base}/_stcore/health", timeout=10).text == "ok"
        print(f"\n{args.sessions} concurrent sessions, each repeating its action for {args.seconds:.0f} s once all were ready:")
        print(f"{'action':>17}  {'n':>4}  {'median s':>8}  {'p95 s':>6}")
        for name, times in results.items():
            if times:
                p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
                print(f"{name:>17}  {len(times):>4}  {statistics.median(times):8.2f}  {p95:6.2f}")
            else:
                print(f"{name:>17}  {0:>4}  {'-':>8}  {'-':>6}")
        print(f"server CPU during the window: {server_cpu:.0f} s in {wall:.0f} s ({100 * server_cpu / wall:.0f} % of one "
              f"core, of {os.cpu_count()} cores); the rest went to the {args.sessions} Chromiums")
        if setups:
            print(f"browser start + page open + first result per session: median {statistics.median(setups):.1f} s, "
                  f"max {max(setups):.1f} s ({len(setups)} of {args.sessions} sessions got that far)")
        print(f"errors: {len(errors)}")
        for e in errors[:20]:
            print("  " + e)
        print(f"server still healthy: {healthy_after}")
        print_memory("memory after the concurrent sessions", pid)
    return 1 if errors or not healthy_after else 0


if __name__ == "__main__":
    raise SystemExit(main())
