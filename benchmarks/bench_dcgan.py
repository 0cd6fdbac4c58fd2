"""DCGAN inference speed on the CPU: single-image latency (what a slider move costs) and batch throughput.

    python benchmarks/bench_dcgan.py [dcgan-mnist] [--threads 1]
    python benchmarks/bench_dcgan.py dcgan-emoji --threads 2     # the 64x64 colour model

Target: <= 5 ms per single image on a CPU core (28x28 models), <= 10 ms for dcgan-emoji (64x64 RGB, on 2 cores). Wall-clock figures depend on how busy the machine is; the CPU time
(time.process_time, this process only) is printed beside them.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from models.loading import load_model  # noqa: E402

TARGET_MS = 5.0
TARGETS_MS = {"dcgan-emoji": 10.0}  # per model where it differs


def timed(fn, repeats: int, clock=time.perf_counter) -> list[float]:
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", nargs="?", default="dcgan-mnist")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.environ["GAN_STUDIO_DEVICE"] = "cpu"  # the target is for CPU
    model = load_model(args.model)
    target = TARGETS_MS.get(args.model, TARGET_MS)
    z = model.latent(7)
    for _ in range(10):
        model.generate(z)
    single = timed(lambda: model.generate(z), args.repeats)
    median_ms = statistics.median(single) * 1e3
    p90_ms = sorted(single)[int(0.9 * len(single))] * 1e3
    print(f"{args.model} on CPU, {torch.get_num_threads()} thread(s), device {model.device}")
    print(f"  single image: median {median_ms:.2f} ms, p90 {p90_ms:.2f} ms over {args.repeats} runs "
          f"(target <= {target} ms: {'met' if median_ms <= target else 'NOT met'})")
    cpu = statistics.mean(timed(lambda: model.generate(z), args.repeats, time.process_time)) * 1e3
    print(f"  single image CPU time (this process only, robust to a busy machine): mean {cpu:.2f} ms "
          f"(target: {'met' if cpu <= target else 'NOT met'})")
    edit = timed(lambda: model.generate(model.edit(z, [1.0] * 8, [0.5] * 16)), args.repeats)
    print(f"  slider move (8 SeFa + 16 raw shifts, then generate): median {statistics.median(edit) * 1e3:.2f} ms")
    for batch in (64, 256):
        zb = torch.randn(batch, model.latent_dim)
        t = statistics.median(timed(lambda: model.generate(zb), 10))
        print(f"  batch {batch}: {t * 1e3:.1f} ms -> {batch / t:,.0f} images/s")


if __name__ == "__main__":
    main()
