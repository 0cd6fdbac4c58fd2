"""Evaluate the photo colorizer on the held-out photos (never trained on) and, separately, on the photographs among
Debian plasma-workspace-wallpapers (evaluation only: never used for training or tuning), next to two baselines.

    python -m training.photo.evaluate                     # the published photo-colorizer; records metrics
    python -m training.photo.evaluate --checkpoint runs/photo/checkpoint.safetensors --no-record

Each photo is shrunk to --side px on its longer side (the truth), turned grey, and coloured at that size. Rows:
    grey       the grey input itself (a = b = 0)
    mean-ab    the grey input's lightness with the training crops' mean a, b added everywhere
    model      the photo colorizer
    model+Nh   the photo colorizer given N colour hints (a model that reads hints): N places drawn at random (seed:
               the photo's index), each hint the truth's mean colour in a 5 x 5 square there, as a person who knows
               the colours would click them
Measures (mean over photos): PSNR (dB, RGB, capped at 50 per photo, higher better), SSIM (RGB, higher better), ab error (mean Euclidean
distance of Lab a, b, lower better), CIEDE2000 (lower better), and colourfulness (Hasler and Suesstrunk 2003) as a
share of the truths' mean colourfulness (a model that stays grey scores 0). Metrics: scikit-image (pinned in
requirements-dev.txt).
"""
from __future__ import annotations

import argparse
import csv
import json

import numpy as np
import torch
from PIL import Image
from skimage.color import deltaE_ciede2000
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from models.photo.config import PhotoConfig
from models.photo.lab import grey_lightness, lab_to_rgb, rgb_to_lab
from models.photo.model import PhotoColorizer
from models.photo.network import build
from training.common.paths import dataset_dir

MODEL_NAME = "photo-colorizer"
PSNR_CAP = 50.0  # dB: a grey truth (one wallpaper is a black-and-white photo) would otherwise give infinity


def colourfulness(rgb: np.ndarray) -> float:
    """Hasler and Suesstrunk's M: sqrt(var rg + var yb) + 0.3 sqrt(mean rg^2 + mean yb^2), RGB 0-255."""
    r, g, b = (rgb[..., i].astype(np.float64) for i in range(3))
    rg, yb = r - g, 0.5 * (r + g) - b
    return float(np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean()))


def scores(truth: np.ndarray, guess: np.ndarray) -> dict[str, float]:
    lab_t, lab_g = rgb_to_lab(truth), rgb_to_lab(guess)
    return {"psnr": min(PSNR_CAP, float(peak_signal_noise_ratio(truth, guess, data_range=255))),
            "ssim": float(structural_similarity(truth, guess, channel_axis=-1, data_range=255)),
            "ab_error": float(np.linalg.norm(lab_t[..., 1:] - lab_g[..., 1:], axis=-1).mean()),
            "ciede2000": float(deltaE_ciede2000(lab_t, lab_g).mean()),
            "colourfulness": colourfulness(guess)}


def training_mean_ab() -> np.ndarray:
    rgb = np.load(dataset_dir("photo") / "crops_144.npz")["rgb"]
    return np.mean([rgb_to_lab(c)[..., 1:].reshape(-1, 2).mean(0) for c in rgb[::4]], axis=0)


HINT_COUNTS = (3, 10)


def truth_hints(truth: np.ndarray, count: int, seed: int) -> list[dict]:
    """count hints at random places of a photo, each its mean colour in a 5 x 5 square (see the module doc)."""
    rng = np.random.default_rng(seed)
    h, w, _ = truth.shape
    hints = []
    for _ in range(count):
        x, y = int(rng.integers(2, w - 2)), int(rng.integers(2, h - 2))
        r, g, b = truth[y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).mean(0).round().astype(int)
        hints.append({"x": x, "y": y, "color": f"#{r:02x}{g:02x}{b:02x}"})
    return hints


def evaluate(colorizer: PhotoColorizer, photos: list[Image.Image], mean_ab: np.ndarray, side: int) -> dict:
    counts = HINT_COUNTS if colorizer.takes_hints else ()
    rows = {"grey": [], "mean-ab": [], "model": [], **{f"model+{n}h": [] for n in counts}}
    truth_colour = []
    for index, photo in enumerate(photos):
        photo = photo.copy()
        photo.thumbnail((side, side), Image.Resampling.LANCZOS)
        truth = np.asarray(photo.convert("RGB"))
        grey = photo.convert("L")
        L = grey_lightness(np.asarray(grey))[..., None]
        grey_rgb = lab_to_rgb(np.concatenate([L, np.zeros(L.shape[:2] + (2,), np.float32)], -1))
        mean_rgb = lab_to_rgb(np.concatenate([L, np.broadcast_to(mean_ab.astype(np.float32), L.shape[:2] + (2,))], -1))
        rows["grey"].append(scores(truth, grey_rgb))
        rows["mean-ab"].append(scores(truth, mean_rgb))
        rows["model"].append(scores(truth, np.asarray(colorizer.colorize(grey))))
        for n in counts:
            rows[f"model+{n}h"].append(scores(truth, np.asarray(colorizer.colorize(grey, truth_hints(truth, n, index)))))
        truth_colour.append(colourfulness(truth))
    truth_mean = float(np.mean(truth_colour))
    out = {}
    for name, items in rows.items():
        means = {k: float(np.mean([s[k] for s in items])) for k in items[0]}
        means["colourfulness_share"] = means.pop("colourfulness") / truth_mean
        out[name] = means
    out["photos"] = len(photos)
    return out


def example_sheet(colorizer: PhotoColorizer, held: list[Image.Image], gallery: list[Image.Image], path: str) -> None:
    """A JPEG of rows: held-out truth | grey | ours, then historical photos: input | ours (each 240 px high)."""
    rows = []
    for photo, with_truth in [(p, True) for p in held] + [(p, False) for p in gallery]:
        photo = photo.convert("RGB")
        photo = photo.resize((round(photo.width * 240 / photo.height), 240), Image.Resampling.LANCZOS)
        cells = ([photo] if with_truth else []) + [photo.convert("L").convert("RGB"), colorizer.colorize(photo)]
        rows.append(np.concatenate([np.asarray(c) for c in cells], 1))
    width = max(r.shape[1] for r in rows)
    sheet = np.full((240 * len(rows), width, 3), 255, np.uint8)
    for i, r in enumerate(rows):
        sheet[240 * i:240 * (i + 1), :r.shape[1]] = r
    Image.fromarray(sheet).save(path, quality=85)


def load_colorizer(checkpoint: str | None) -> PhotoColorizer:
    if checkpoint is None:
        from models.loading import load_model

        return load_model(MODEL_NAME)
    from safetensors.torch import load_file

    from training.common.checkpoint import module_state, read_progress

    config = PhotoConfig.from_dict(read_progress(checkpoint)["config"])
    G = build(config)
    G.load_state_dict(module_state(load_file(checkpoint), "E"))
    return PhotoColorizer(G, config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", help="a run's checkpoint.safetensors (its averaged generator) instead of the "
                                             "published model")
    parser.add_argument("--side", type=int, default=512)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--examples", metavar="JPG", help="also write an example sheet (4 held-out, 3 historical)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    root = dataset_dir("photo")
    with open(root / "sources.csv") as f:
        held = [r["id"] for r in csv.DictReader(f) if r["split"] == "test"]
    colorizer = load_colorizer(args.checkpoint)
    mean_ab = training_mean_ab()
    results = {
        "held-out": evaluate(colorizer, [Image.open(root / "photos" / f"{i}.jpg") for i in held], mean_ab, args.side),
        "plasma": evaluate(colorizer, [Image.open(p) for p in sorted((root / "eval_plasma").glob("*.jpg"))], mean_ab,
                           args.side),
    }
    print(json.dumps(results, indent=2))
    if args.examples:
        from pathlib import Path

        gallery = sorted(Path("pages/samples/photo").glob("*.jpg"))[:3]
        example_sheet(colorizer, [Image.open(root / "photos" / f"{i}.jpg") for i in held[:4]],
                      [Image.open(p) for p in gallery], args.examples)
    if not args.no_record:
        from training.common.publish import record_metrics

        metrics = {}
        for split, key in (("held-out", "heldout"), ("plasma", "plasma")):
            tags = [("model", ""), ("grey", "_grey"), ("mean-ab", "_mean_ab")]
            tags += [(f"model+{n}h", f"_{n}_hints") for n in HINT_COUNTS if f"model+{n}h" in results[split]]
            for row, tag in tags:
                for k, v in results[split][row].items():
                    metrics[f"{key}_{k}{tag}"] = round(v, 4)
            metrics[f"{key}_photos"] = results[split]["photos"]
        record_metrics(MODEL_NAME, metrics)
        print(f"recorded {len(metrics)} figures for {MODEL_NAME}")


if __name__ == "__main__":
    main()
