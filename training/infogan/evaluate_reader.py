"""Measure the InfoGAN code reader (models/infogan/read.py) on held-out real digits and record it in the manifest.

    GAN_STUDIO_DATA=... python -m training.infogan.evaluate_reader --n 2000 --refine 300 --record

Digit read: the reader's category, mapped to a digit by infogan-mnist's shipped category_to_digit, against the
label of MNIST test-split digits (never trained on). On the first --refine of them also the full reading (reader +
refinement): how often the reconstruction keeps the label by classifier-mnist, mean pixel error, seconds per digit.
Also the digit read of digits in other styles (training.common.rendered_digits): typed in every font fc-list knows,
and drawn with round strokes of three widths and three slants.
"""
from __future__ import annotations

import argparse
import json
import time

import torch

from models.infogan.read import READER_NAME, load_reader
from training.common.images import load_tensors
from training.common.rendered_digits import font_digits, stroke_digits
from training.common.publish import record_metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="test digits for the digit read (stratified by order)")
    parser.add_argument("--refine", type=int, default=300, help="of those, how many get the full reading")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--record", action="store_true", help="write the figures into models/manifest.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    reader = load_reader()
    images, labels = load_tensors("mnist", "test")
    pick = torch.randperm(len(images), generator=torch.Generator().manual_seed(args.seed))[:args.n]
    images, labels = images[pick], labels[pick]
    digits = torch.tensor(sum((reader.read_digits(images[i:i + 500]) for i in range(0, len(images), 500)), []))
    read_acc = float((digits == labels).float().mean())
    per_digit = {int(d): round(float((digits[labels == d] == d).float().mean()), 4) for d in range(10)}
    n_ref = min(args.refine, len(images))
    start = time.perf_counter()
    readings = [reader.read(images[i:i + 1])[0] for i in range(n_ref)]
    seconds = (time.perf_counter() - start) / max(n_ref, 1)
    recon = torch.stack([r.image for r in readings]) if readings else torch.empty(0, 1, 28, 28)
    kept = float((reader.classifier.predict(recon)[0] == labels[:n_ref]).float().mean()) if readings else 0.0
    metrics = {"reader_digit_accuracy_test": round(read_acc, 4), "reader_digit_accuracy_per_digit": per_digit,
               "reader_n_test": len(images), "reader_class_kept_test": round(kept, 4),
               "reader_pixel_error_test": round(sum(r.error for r in readings) / max(n_ref, 1), 4),
               "reader_n_refined": n_ref, "reader_seconds_per_picture": round(seconds, 3),
               "reader_eval_command": f"python -m training.infogan.evaluate_reader --n {args.n} "
                                      f"--refine {args.refine} --seed {args.seed}"}
    for style, (pictures, truth) in (("fonts", font_digits()), ("strokes", stroke_digits())):
        read = reader.read_digits(torch.stack([reader.prepare(p) for p in pictures]))
        metrics[f"reader_digit_accuracy_{style}"] = round(sum(r == t for r, t in zip(read, truth)) / len(truth), 4)
        metrics[f"reader_n_{style}"] = len(truth)
    print(json.dumps(metrics, indent=1))
    if args.record:
        record_metrics(READER_NAME, metrics)


if __name__ == "__main__":
    main()
