"""Figures of GAN inversion (models/dcgan/invert.py) on held-out pictures, never the training split.

    python -m training.dcgan.evaluate_inversion dcgan-mnist   [--n 500] [--record]
    python -m training.dcgan.evaluate_inversion dcgan-fashion [--n 500] [--record]

Sets: the test split (first n of a seeded shuffle); for dcgan-mnist also digits typed in every font fc-list knows
and digits drawn with thick round strokes (training.common.rendered_digits). Per set:
 class kept: share of reconstructions the shipped classifier labels with the input's true class (target >= 90 %);
 own nearest: share whose nearest prepared input (pixel L2, among the whole set) is their own input (target >= 50 %);
 pixel error: mean absolute pixel difference on the [0, 1] scale; plus the classifier's accuracy on the prepared
 inputs themselves (the ceiling of class kept). Timing: seconds per single picture (preparation + inversion).
--record merges the figures into the encoder's manifest entry.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch

from models.dcgan.invert import encoder_name, load_inverter
from models.imaging import to_pil
from training.common.images import load
from training.common.publish import record_metrics
from training.common.rendered_digits import font_digits, stroke_digits


def figures(inverter, targets: torch.Tensor, labels: torch.Tensor, batch: int = 100) -> dict:
    results = [r for i in range(0, len(targets), batch) for r in inverter.invert(targets[i:i + batch])]
    recon = torch.stack([r.image for r in results])
    classify = inverter.classifier.predict
    kept = (classify(recon)[0] == labels).float().mean().item()
    input_acc = (classify(targets)[0] == labels).float().mean().item()
    nearest = torch.cdist(recon.flatten(1), targets.flatten(1)).argmin(1)
    own = (nearest == torch.arange(len(targets))).float().mean().item()
    error = float(np.mean([r.error for r in results]))
    return {"n": len(targets), "class_kept": round(kept, 4), "own_nearest": round(own, 4),
            "pixel_error": round(error, 4), "input_accuracy": round(input_acc, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=["dcgan-mnist", "dcgan-fashion"])
    parser.add_argument("--n", type=int, default=500, help="test-split pictures")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    inverter = load_inverter(args.model)
    dataset = args.model.split("-", 1)[1]
    images, labels = load(dataset, "test")
    pick = np.random.default_rng(args.seed).permutation(len(images))[:args.n]
    sets = {"test": ([to_pil(torch.from_numpy(images[i]).float().div(127.5).sub(1).unsqueeze(0)) for i in pick],
                     labels[pick].tolist())}
    if dataset == "mnist":
        sets["fonts"] = font_digits()
        sets["strokes"] = stroke_digits()
    out = {}
    for name, (pictures, truth) in sets.items():
        targets = torch.stack([inverter.prepare(p) for p in pictures])
        out[name] = figures(inverter, targets, torch.as_tensor(truth))
        print(name, json.dumps(out[name]))
    inverter.invert_picture(sets["test"][0][0])  # warm-up
    start = time.perf_counter()
    for picture in sets["test"][0][:20]:
        inverter.invert_picture(picture)
    seconds = (time.perf_counter() - start) / 20
    print(f"seconds per picture (batch 1, {torch.get_num_threads()} thread(s)): {seconds:.3f}")
    if args.record:
        metrics = {f"inversion_{k}_{s}": v for s, fig in out.items() for k, v in fig.items() if k != "n"}
        metrics |= {f"inversion_n_{s}": fig["n"] for s, fig in out.items()}
        metrics["inversion_seconds_per_picture"] = round(seconds, 3)
        record_metrics(encoder_name(args.model), metrics)
        print("recorded into", encoder_name(args.model))


if __name__ == "__main__":
    main()
