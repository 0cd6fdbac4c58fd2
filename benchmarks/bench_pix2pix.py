"""Sketch colorizer speed and memory on CPU.

    python -m benchmarks.bench_pix2pix [--threads 2] [--repeats 10] [--python /path/to/cpu-venv/bin/python]

Prints (1) seconds to colorize a 512x512 sketch (median of repeats, model already loaded; target <= 0.3 s on 2 cores)
and (2) the peak RSS of a fresh process that loads the model, reads a 2000x2000 PNG upload through models.uploads
and colorizes it (target <= 512 MB). Measure the memory with the deployment's CPU-only torch (--python): a CUDA
build of torch alone maps about 500 MB at import.
"""
from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time

import numpy as np
from PIL import Image, ImageDraw

MODEL = "pix2pix-openmoji"


def synthetic_sketch(size: int, seed: int = 0) -> Image.Image:
    """Black strokes on white: circles, lines and rectangles at random."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    width = max(2, size // 100)
    for _ in range(12):
        x0, y0 = rng.integers(0, int(size * 0.7), 2)
        x1, y1 = np.array([x0, y0]) + rng.integers(size // 10, size // 3, 2)
        shape = rng.integers(3)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), outline=0, width=width)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), outline=0, width=width)
        else:
            draw.line((x0, y0, x1, y1), fill=0, width=width)
    return image


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: ru_maxrss survives exec, so a child started from
    a big parent would report the parent's peak."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_peak_rss() -> None:
    """Runs in the fresh process: load, upload 2000x2000, colorize, report the peak RSS."""
    from models.loading import load_model
    from models.uploads import load_upload

    buf = io.BytesIO()
    synthetic_sketch(2000).convert("RGB").save(buf, format="PNG")
    colorizer = load_model(MODEL)
    t = time.perf_counter()
    out = colorizer.colorize(load_upload(buf.getvalue()), [{"x": 1000, "y": 1000, "color": "#ff0000"}])
    assert out.size == (2000, 2000)
    seconds = time.perf_counter() - t
    print(f"{peak_rss_mb():.0f} {seconds:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--python", default=sys.executable, help="interpreter for the fresh-process memory test")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    if args.child:
        child_peak_rss()
        return
    from models.loading import load_model

    colorizer = load_model(MODEL)
    sketch = synthetic_sketch(512)
    colorizer.colorize(sketch)  # warm-up
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        colorizer.colorize(sketch, [{"x": 256, "y": 256, "color": "#3366ff"}])
        times.append(time.perf_counter() - t)
    print(f"colorize 512x512 on CPU ({args.threads} threads): median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s over {args.repeats} (target <= 0.3 s)")
    out = subprocess.run([args.python, "-m", "benchmarks.bench_pix2pix", "--child", "--threads", str(args.threads)],
                         capture_output=True, text=True, check=True).stdout.split()
    torch_build = subprocess.run([args.python, "-c", "import torch; print(torch.__version__)"], capture_output=True,
                                 text=True).stdout.strip()
    print(f"fresh process (torch {torch_build}), 2000x2000 upload: peak RSS {out[0]} MB (target <= 512 MB), "
          f"colorized in {out[1]} s")


if __name__ == "__main__":
    main()
