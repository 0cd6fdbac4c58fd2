"""Evaluate the sketch colorizer on the held-out OpenMoji emoji (never trained on), next to two baselines.

    python -m training.pix2pix.evaluate                       # the published pix2pix-openmoji, records metrics
    python -m training.pix2pix.evaluate --weights runs/pix2pix/G_epoch003.safetensors --no-record

Measures (mean over held-out pairs at 128 px, RGB uint8): PSNR (dB, capped at 50 per image, higher better), SSIM (higher better),
L1 (mean |difference| on a 0-1 scale, lower better), CIEDE2000 (mean colour difference in Lab, lower better).
Rows: the sketch itself; the sketch with its enclosed regions filled with the training set's mean colour; the model
without hints; the model with 5 simulated hints per image (ground-truth mean colour in small patches, fixed seed).
With --fixtures also writes the held-out pairs as test fixtures (tests/fixtures/pix2pix/) with the baseline's fill colour.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from models.pix2pix.config import DEFAULT_CONFIG
from training.pix2pix.augment import network_input, simulate_hints
from training.pix2pix.data import MODEL_NAME, load_pairs
from training.pix2pix.scoring import fill_baseline, interior, load_colorizer, mean_scores, sketch_baseline

FIXTURES = Path("tests/fixtures/pix2pix")
HINTS_PER_IMAGE = 5


def mean_fill_colour(sketches: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """The training set's mean colour over enclosed regions (uint8 RGB)."""
    total, count = np.zeros(3), 0
    for s, c in zip(sketches, colours):
        m = interior(s)
        total += c[m].sum(0)
        count += int(m.sum())
    return np.round(total / max(count, 1)).astype(np.uint8)


def run_colorizer(colorizer, sketches: np.ndarray, hints: list[np.ndarray], batch: int = 16) -> np.ndarray:
    """The shipped inference path (Colorizer.run_batch) on 128 px sketches with hint planes."""
    outs = []
    for i in range(0, len(sketches), batch):
        outs.append(colorizer.run_batch(np.stack([network_input(s, h) for s, h in
                                                  zip(sketches[i:i + batch], hints[i:i + batch])])))
    return np.concatenate(outs)


def held_out_hints(sketches, colours, seed: int = 1234, count: int = HINTS_PER_IMAGE) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [simulate_hints(c, s, rng, count=count) for s, c in zip(sketches, colours)]


def evaluate(colorizer, sketches, colours, fill, baselines: bool = True) -> dict[str, dict[str, float]]:
    no_hints = [np.zeros((4, *s.shape), np.float32) for s in sketches]
    base = {
        "sketch_baseline": mean_scores([sketch_baseline(s) for s in sketches], colours),
        "mean_fill_baseline": mean_scores([fill_baseline(s, fill) for s in sketches], colours),
    } if baselines else {}
    return {
        **base,
        "model_no_hints": mean_scores(run_colorizer(colorizer, sketches, no_hints), colours),
        f"model_{HINTS_PER_IMAGE}_hints": mean_scores(run_colorizer(colorizer, sketches, held_out_hints(sketches, colours)), colours),
    }


def write_fixtures(sketches, colours, names, fill, n: int | None = None) -> None:
    """The held-out pairs as PNG test fixtures: all of them by default (4 MB), so the tests check the same comparison
    as the card; n picks that many evenly spaced ones."""
    from PIL import Image

    FIXTURES.mkdir(parents=True, exist_ok=True)
    for old in FIXTURES.glob("*.png"):
        old.unlink()
    idx = np.arange(len(sketches)) if n is None else np.linspace(0, len(sketches) - 1, n).astype(int)
    for i in idx:
        Image.fromarray(sketches[i]).save(FIXTURES / f"{names[i]}_sketch.png", optimize=True)
        Image.fromarray(colours[i]).save(FIXTURES / f"{names[i]}_colour.png", optimize=True)
    (FIXTURES / "baseline.json").write_text(json.dumps({"mean_fill_colour": fill.tolist(), "source": "train split"}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", help="a generator safetensors file (default: the published model)")
    parser.add_argument("--raw", action="store_true", help="also score the bare network output (flip_average, "
                        "flat_fill, paper_snap, keep_lines off)")
    parser.add_argument("--no-record", action="store_true", help="do not write metrics into the manifest")
    parser.add_argument("--fixtures", action="store_true", help="(re)write tests/fixtures/pix2pix")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = load_pairs(DEFAULT_CONFIG["work_size"])
    train, test = data["split"] == "train", data["split"] == "test"
    fill = mean_fill_colour(data["sketch"][train], data["colour"][train])
    sketches, colours = data["sketch"][test], data["colour"][test]
    if args.fixtures:
        write_fixtures(sketches, colours, data["name"][test], fill)
    colorizer = load_colorizer(args.weights)
    results = evaluate(colorizer, sketches, colours, fill)
    if args.raw:
        colorizer.config = {**colorizer.config, "keep_lines": False, "paper_snap": 0, "flat_fill": False,
                            "flip_average": False}
        raw = evaluate(colorizer, sketches, colours, fill, baselines=False)
        results.update({f"{k}_raw_network": v for k, v in raw.items()})
    print(f"held-out pairs: {len(sketches)}; mean fill colour (train): {fill.tolist()}")
    print(f"{'':22s} {'PSNR dB':>8s} {'SSIM':>7s} {'L1':>7s} {'CIEDE2000':>10s}")
    for row, m in results.items():
        print(f"{row:22s} {m['psnr']:8.2f} {m['ssim']:7.4f} {m['l1']:7.4f} {m['ciede2000']:10.2f}")
    if not args.no_record and not args.weights:
        from training.common.publish import record_metrics

        record_metrics(MODEL_NAME, {"held_out_pairs": int(len(sketches)), **results})
        print(f"recorded in models/manifest.json under {MODEL_NAME}")


if __name__ == "__main__":
    main()
