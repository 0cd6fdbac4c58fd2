"""Time and peak memory of the photo colorizer on one photo (network at the working size + full-size composition).

    python -m benchmarks.bench_photo [--threads 2] [--size 1024x768] [--repeats 5]

Speed does not depend on the weights, so the network is built from the default config (untrained).
Target (issue #19): a 1024 x 768 photo in <= 1 s on 2 cores.
"""
from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import torch
from PIL import Image

from models.photo.config import PhotoConfig
from models.photo.model import PhotoColorizer
from models.photo.network import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--size", default="1024x768")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    width, height = map(int, args.size.split("x"))
    photo = Image.fromarray(np.random.default_rng(0).integers(0, 256, (height, width), dtype=np.uint8))
    colorizer = PhotoColorizer(build(PhotoConfig()), PhotoConfig())
    colorizer.colorize(photo)  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        colorizer.colorize(photo)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"photo colorizer {width}x{height}, {args.threads} threads: median {np.median(times):.3f} s, "
          f"min {min(times):.3f} s over {args.repeats}; process peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
