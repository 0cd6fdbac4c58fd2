"""Measure what each SeFa direction of dcgan-emoji does to its emoji, name it, and record it in the manifest (metrics
"sefa_directions": the list the Latent Explorer's slider labels read, one dict per direction with a "name").

    python -m training.dcgan.measure_emoji_directions --n 200 --step 3 --record

For --n latents (seed --seed) each of the first 8 directions is walked --step units both ways. Measured on each
image (pixels on a 0-1 scale, "drawn" = pixels that are not near-white, min channel < 0.9): drawn area (share of the
64x64 square), brightness (mean luminance of the drawn pixels), colourfulness (mean max-min channel spread of the
drawn pixels), warmth (mean red minus blue of the drawn pixels), and the judge's (classifier-emoji) category.
Per direction: the mean change of each measure from -step to +step, also in units of the measure's spread over
the unedited images (the effect size); the name lists the effects of size >= 0.5, largest first, at most two
("larger", "brighter", "more colourful", "warmer", or their opposites; + is the slider's right end), then, where the
judge's category changes for at least a third of the images, "A -> B" (its most common change, when that is at
least a fifth of them) or "changes the category".
"""
from __future__ import annotations

import argparse
import json

import numpy as np
import torch

from models.loading import load_model
from training.common.publish import record_metrics
from training.common.sefa_walk import walk_directions

N_DIRECTIONS = 8
WORDS = {"area": ("larger", "smaller"), "brightness": ("brighter", "darker"),
         "colourfulness": ("more colourful", "greyer"), "warmth": ("warmer", "cooler")}
MIN_EFFECT, MIN_CHANGE, MIN_PAIR = 0.5, 1 / 3, 0.2


def measure(images: torch.Tensor) -> dict[str, np.ndarray]:
    """Per image: drawn area, and brightness, colourfulness and warmth of the drawn pixels."""
    x = ((images.clamp(-1, 1) + 1) / 2).numpy()  # (N, 3, H, W)
    drawn = x.min(axis=1) < 0.9
    count = drawn.sum(axis=(1, 2)).clip(1, None)
    luminance = 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]
    spread = x.max(axis=1) - x.min(axis=1)
    warmth = x[:, 0] - x[:, 2]
    mean_drawn = lambda v: (v * drawn).sum(axis=(1, 2)) / count  # noqa: E731
    return {"area": drawn.mean(axis=(1, 2)), "brightness": mean_drawn(luminance),
            "colourfulness": mean_drawn(spread), "warmth": mean_drawn(warmth)}


def name_direction(effects: dict[str, float], change: float, pair: tuple[str, str, float] | None) -> str:
    strong = sorted((k for k in effects if abs(effects[k]) >= MIN_EFFECT), key=lambda k: -abs(effects[k]))
    parts = [WORDS[k][0 if effects[k] > 0 else 1] for k in strong[:2]]
    if change >= MIN_CHANGE:
        parts.append(f"{pair[0]} -> {pair[1]}" if pair and pair[2] >= MIN_PAIR else "changes the category")
    return ", ".join(parts) or "subtle change"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--step", type=float, default=3.0, help="units along each direction (the sliders run +-5)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model, judge = load_model("dcgan-emoji"), load_model("classifier-emoji")
    report = []
    for i, walk in enumerate(walk_directions(model, judge, measure, WORDS, args.n, args.seed, args.step, N_DIRECTIONS)):
        delta, effects, change, pair = walk.delta, walk.effects, walk.change, walk.top_change[1]
        report.append({"direction": i + 1, "name": name_direction(effects, change, pair),
                       **{f"{k}_change": round(v, 4) for k, v in delta.items()},
                       "effect_sizes": {k: round(v, 2) for k, v in effects.items()},
                       "class_change_rate": round(change, 3),
                       "summary": f"drawn area changes by {100 * delta['area']:+.1f} points of the square, brightness "
                                  f"by {delta['brightness']:+.3f}, colourfulness by {delta['colourfulness']:+.3f}, "
                                  f"warmth (red - blue) by {delta['warmth']:+.3f} (0-1 scale); the judge's category "
                                  f"changes for {change:.0%} of the images.",
                       "top_change_plus": list(pair[:2]) + [round(pair[2], 3)] if pair else None})
        print(json.dumps(report[-1]), flush=True)
    metrics = {"sefa_directions": report, "sefa_directions_n": args.n, "sefa_directions_step": args.step,
               "sefa_directions_command": f"python -m training.dcgan.measure_emoji_directions --n {args.n} "
                                          f"--step {args.step:g} --seed {args.seed}"}
    if args.record:
        record_metrics("dcgan-emoji", metrics)


if __name__ == "__main__":
    main()
