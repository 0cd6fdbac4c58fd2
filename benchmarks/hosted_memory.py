"""The app inside a real 512 MB memory limit with several visitors at once, as a Heroku dyno charges memory.

    python -m benchmarks.hosted_memory [--python .venv-cpu/bin/python] [--limit-mb 512] [--runs 3] [--rounds 2]
                                       [--sessions 3]

Starts the app exactly as the Procfile does, inside a memory cgroup (tests/support/cgroup.py) and with the CPU-only
torch (.venv-cpu, made by tests/install.sh) (the default Linux torch wheel maps ~500 MB of CUDA libraries).
--sessions real headless Chromium visitors then work at the same time, three kinds in turn: one uploads a sketch and
adds hints, one moves Latent Explorer sliders and changes an InfoGAN digit, one generates WaveNet audio. Per run it
prints the cgroup's peak (memory.max_usage_in_bytes: private memory and page cache together, what the kernel limits),
OOM kills, errors,
whether the server still answers, the group's usage once the browsers have closed, and each action's median and
95th-percentile latency (seconds from the browser's action to the finished result, page opens apart).
"""
from __future__ import annotations

import argparse

from tests.support.cgroup import unavailable
from tests.support.hosted import cpu_python, one_run, sessions

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help="a Python with CPU-only torch (default: CPU_TORCH_PYTHON, .venv-cpu)")
    parser.add_argument("--limit-mb", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="repeats of each page's action per visitor")
    parser.add_argument("--sessions", type=int, default=3, help="visitors at once (sketch, sliders, audio in turn)")
    parser.add_argument("--photo", action="store_true", help="Photo Colorizer visitors as a fourth kind")
    args = parser.parse_args()
    python = args.python or cpu_python()
    if reason := unavailable() or (None if python else "no CPU-only torch: run tests/install.sh or pass --python"):
        print(f"cannot run: {reason}")
        return 2
    for i in range(args.runs):
        r = one_run(python, args.limit_mb, args.rounds, sessions(args.sessions, args.photo))
        print(f"run {i + 1}: peak {r['peak_mb']:.0f} MB of {args.limit_mb} (after boot {r['boot_mb']:.0f}, private "
              f"{r['rss_anon_mb']:.0f} at the end), OOM kills {r['oom_kills']}, healthy after: {r['healthy']}, "
              f"errors {len(r['errors'])}, {r['wall_s']:.0f} s; usage once the browsers closed {r['after_mb']:.0f} MB")
        for e in r["errors"]:
            print("   ", e)
        for action, (count, median, p95) in r["latency"].items():
            print(f"    {action:<32} n={count:<3} median {median:6.2f} s   p95 {p95:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
