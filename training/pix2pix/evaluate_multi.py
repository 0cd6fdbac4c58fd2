"""Evaluate a sketch colorizer on drawings it never saw: per held-out set, clean and pencil-style, 0-10 hints.

    python -m training.pix2pix.evaluate_multi                                   # the shipped pix2pix-openmoji
    python -m training.pix2pix.evaluate_multi --weights runs/pix2pix-multi256/G_ema_latest.safetensors
    options: --sets noto twemoji openmoji fluent  --hints 0 1 2 5 10  --limit 100  --json out.json  --grid out.png

Sets (prepared by training.pix2pix.sources at --size, 256 px): noto = the held-out artist (all of it; 64 px PNGs
upscaled), twemoji = evaluation-only artist, openmoji / fluent = their held-out emoji (split "test"). One item per emoji
group (no skin-tone repeats), `--limit` evenly spaced ones. Line art: the artist's own where it exists, else the
colour-region boundaries (training.pix2pix.lineart.region_lines). Variants: clean, and pencil
(training.pix2pix.user_style.pencil_eval: settings and seeds never used in training).
The model runs through the app's path (Colorizer.colorize on a 256 px picture, hints as {x, y, color} points).
Hints: k points drawn with a fixed seed per (item, k) off the lines (4x as likely on coloured areas), each with the
truth's mean colour in a 5x5 patch. Metrics against the clean colour art on white (uint8 RGB, scikit-image):
PSNR (dB, capped at 50), SSIM, CIEDE2000 (mean over pixels); hint fidelity = mean CIEDE2000 between the output
(3x3 mean) and the hint colour at each hint point, and the share of hint points within 10.
Baselines: the sketch itself; the sketch with enclosed regions filled with the training set's mean colour
(OpenMoji + Fluent train split, artists' line art).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab

from training.common.paths import data_root
from training.pix2pix.lineart import region_lines
from training.pix2pix.multi_data import TRAINING_ARTISTS, load_artist
from training.pix2pix.scoring import fill_baseline, interior, load_colorizer, mean_rows, scores, sketch_baseline
from training.pix2pix.user_style import pencil_eval

HINT_SEED = 4242
SET_SPLIT = {"noto": "heldout_artist", "twemoji": "eval_only", "openmoji": "test", "fluent": "test"}


def mean_fill_colour(size: int, limit: int = 1500) -> np.ndarray:
    """The training set's mean colour over enclosed regions (cached in the data folder)."""
    cache = data_root() / "pix2pix" / f"mean_fill_{size}.json"
    if cache.exists():
        return np.array(json.loads(cache.read_text())["mean_fill_colour"], np.uint8)
    total, count = np.zeros(3), 0
    for artist in TRAINING_ARTISTS:
        d = load_artist(artist, size)
        idx = [i for i, m in enumerate(d["items"]) if m["split"] == "train" and m["has_lines"]]
        for i in np.array(idx)[np.linspace(0, len(idx) - 1, min(limit, len(idx))).astype(int)]:
            m = interior(np.asarray(d["lines"][i]))
            total += np.asarray(d["colour"][i])[m].sum(0)
            count += int(m.sum())
    fill = np.round(total / max(count, 1)).astype(np.uint8)
    cache.write_text(json.dumps({"mean_fill_colour": fill.tolist(), "source": f"{TRAINING_ARTISTS} train split"}))
    return fill


def eval_items(artist: str, size: int, limit: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(clean line art, colour truth, names) of one held-out set: one item per emoji group, evenly spaced."""
    d = load_artist(artist, size)
    seen, idx = set(), []
    for i, m in enumerate(d["items"]):
        if m["split"] == SET_SPLIT[artist] and m["group"] not in seen:
            seen.add(m["group"])
            idx.append(i)
    idx = [idx[j] for j in np.linspace(0, len(idx) - 1, min(limit, len(idx))).astype(int)]
    colours = np.stack([np.asarray(d["colour"][i]) for i in idx])
    lines = np.stack([np.asarray(d["lines"][i]) if d["items"][i]["has_lines"] else region_lines(colours[k])
                      for k, i in enumerate(idx)])
    return lines, colours, [d["items"][i]["name"] for i in idx]


def hint_points(colour: np.ndarray, lines: np.ndarray, k: int, seed: int) -> list[dict]:
    """k app-style hints {x, y, color} with the truth's 5x5 mean colour, off the lines."""
    if k == 0:
        return []
    rng = np.random.default_rng([HINT_SEED, seed, k])
    h, w = lines.shape
    weights = (lines > 128).astype(np.float64) * np.where(colour.min(axis=2) < 235, 4.0, 1.0)
    idx = rng.choice(h * w, size=k, replace=False, p=(weights / weights.sum()).ravel())
    out = []
    for i in idx:
        y, x = divmod(int(i), w)
        mean = colour[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3].reshape(-1, 3).mean(0).round().astype(int)
        out.append({"x": x, "y": y, "color": "#%02x%02x%02x" % tuple(mean)})
    return out


def hint_errors(pred: np.ndarray, hints: list[dict]) -> list[float]:
    errs = []
    for hnt in hints:
        x, y = hnt["x"], hnt["y"]
        got = pred[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2].reshape(-1, 3).mean(0)
        want = np.array([int(hnt["color"][i:i + 2], 16) for i in (1, 3, 5)], np.float64)
        errs.append(float(deltaE_ciede2000(rgb2lab(want[None, None] / 255), rgb2lab(got[None, None] / 255))[0, 0]))
    return errs


def evaluate_set(colorizer, lines, colours, fill, hint_counts, variants) -> dict:
    out = {}
    for variant in variants:
        sketches = lines if variant == "clean" else np.stack([pencil_eval(s, i) for i, s in enumerate(lines)])
        res = {"sketch_baseline": mean_rows([scores(sketch_baseline(s), c) for s, c in zip(sketches, colours)]),
               "mean_fill_baseline": mean_rows([scores(fill_baseline(s, fill), c) for s, c in zip(sketches, colours)])}
        for k in hint_counts:
            rows, errs = [], []
            for i, (s, c) in enumerate(zip(sketches, colours)):
                hints = hint_points(c, lines[i], k, i)
                pred = np.asarray(colorizer.colorize(Image.fromarray(s), hints).convert("RGB"))
                rows.append(scores(pred, c))
                errs += hint_errors(pred, hints)
            row = mean_rows(rows)
            if errs:
                row.update(hint_ciede2000=round(float(np.mean(errs)), 3),
                           hints_within_10=round(float(np.mean(np.array(errs) <= 10)), 3))
            res[f"model_{k}_hints"] = row
        out[variant] = res
    return out


def sample_grid(colorizer, sets: dict, path: str, per_set: int = 6) -> None:
    """A picture for the eye: per set, rows of sketch / 0 hints / 5 hints / truth, clean then pencil."""
    rows = []
    for name, (lines, colours) in sets.items():
        idx = np.linspace(0, len(lines) - 1, min(per_set, len(lines))).astype(int)
        for variant in ("clean", "pencil"):
            sk = [lines[i] if variant == "clean" else pencil_eval(lines[i], int(i)) for i in idx]
            outs = [[sketch_baseline(s) for s in sk]]
            for k in (0, 5):
                outs.append([np.asarray(colorizer.colorize(Image.fromarray(s), hint_points(colours[i], lines[i], k, int(i)))
                                        .convert("RGB")) for s, i in zip(sk, idx)])
            outs.append([colours[i] for i in idx])
            rows += [np.concatenate(r, 1) for r in outs]
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def print_table(name: str, results: dict) -> None:
    print(f"\n{name}")
    print(f"  {'variant':8s} {'row':20s} {'PSNR':>7s} {'SSIM':>7s} {'CIEDE':>7s} {'hintDE':>7s} {'<=10':>6s}")
    for variant, res in results.items():
        if not isinstance(res, dict) or variant == "n":
            continue
        for row, m in res.items():
            hd = f"{m['hint_ciede2000']:7.2f} {m['hints_within_10']:6.2f}" if "hint_ciede2000" in m else ""
            print(f"  {variant:8s} {row:20s} {m['psnr']:7.2f} {m['ssim']:7.4f} {m['ciede2000']:7.2f} {hd}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", help="generator safetensors (runs/<name>/G_ema_*.safetensors); default: shipped")
    parser.add_argument("--sets", nargs="+", default=["noto", "twemoji", "openmoji", "fluent"], choices=list(SET_SPLIT))
    parser.add_argument("--hints", nargs="+", type=int, default=[0, 1, 2, 5, 10])
    parser.add_argument("--variants", nargs="+", default=["clean", "pencil"], choices=["clean", "pencil"])
    parser.add_argument("--limit", type=int, default=100, help="items per set (one per emoji group, evenly spaced)")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--grid", help="also save a sample picture (6 items per set) here")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(1)
    colorizer = load_colorizer(args.weights)
    fill = mean_fill_colour(args.size)
    print(f"model: {args.weights or 'shipped pix2pix-openmoji'} (work size {colorizer.config.work_size}); "
          f"mean fill colour {fill.tolist()}; {args.size} px; hints {args.hints}")
    results = {"weights": args.weights or "shipped:pix2pix-openmoji", "size": args.size, "limit": args.limit,
               "mean_fill_colour": fill.tolist(), "sets": {}}
    picked = {}
    for name in args.sets:
        t = time.time()
        lines, colours, _ = eval_items(name, args.size, args.limit)
        picked[name] = (lines, colours)
        res = {"n": len(lines), **evaluate_set(colorizer, lines, colours, fill, args.hints, args.variants)}
        results["sets"][name] = res
        print_table(f"{name} ({SET_SPLIT[name]}, {len(lines)} items, {time.time() - t:.0f} s)", res)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    if args.grid:
        sample_grid(colorizer, picked, args.grid)
        print(f"sample picture -> {args.grid}")


if __name__ == "__main__":
    main()
