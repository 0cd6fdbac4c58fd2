"""Inversion speed on the CPU: seconds to turn one picture into a DCGAN latent (MNIST-like preparation, encoder,
refinement steps), or to read it as infogan-mnist's codes (models/infogan/read.py), what a visitor waits after an
upload.

    python benchmarks/bench_invert.py [dcgan-mnist|dcgan-fashion|infogan-mnist] [--threads 1] [--repeats 10]

Target: <= 1 s per picture on a 2-core CPU. Wall-clock figures depend on how busy the machine is; the CPU time of
this process (time.process_time) is printed beside them.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from models.dcgan.invert import load_inverter  # noqa: E402
from models.infogan.read import load_reader  # noqa: E402

TARGET_S = 1.0


def drawn_seven() -> Image.Image:
    page = Image.new("RGB", (400, 400), "white")
    ImageDraw.Draw(page).line([(90, 80), (310, 80), (170, 340)], fill="black", width=40, joint="curve")
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", nargs="?", default="dcgan-mnist")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    inverter = load_reader() if args.model == "infogan-mnist" else load_inverter(args.model)
    run = inverter.read_picture if args.model == "infogan-mnist" else inverter.invert_picture
    picture = drawn_seven()
    run(picture)  # warm-up
    walls, cpus = [], []
    for _ in range(args.repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        run(picture)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median = statistics.median(walls)
    print(f"{args.model}: {inverter.config.steps} refinement steps, {args.threads} thread(s): "
          f"median {median:.3f} s per picture (min {min(walls):.3f}), CPU {statistics.median(cpus):.3f} s; "
          f"target <= {TARGET_S:g} s: {'met' if median <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
