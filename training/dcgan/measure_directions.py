"""Measure what each SeFa direction of a shipped DCGAN does, name it, and record it in the manifest (what the Latent
Explorer's slider labels and the model card say).

    python -m training.dcgan.measure_directions dcgan-mnist --n 300 --step 3 --record

For --n latents from the model's prior (seed --seed), every one of the first 8 directions is walked --step units
both ways. On each image: slant, stroke thickness and width (Morpho-MNIST style, training/common/morpho.py) and the
shipped classifier's class. Per direction: the mean change of each measure from -step to +step, also in units of
the measure's spread over the unedited images (the effect size used to name it), how often the class at +step or
-step differs from the unedited image's, and the most common class change on each side. The name: the effects
whose size is at least 0.5, largest first, at most two ("leans right", "thicker strokes", "wider", or their
opposites: + is the slider's right end), then, where the class changes for at least a third of the images,
"turns A into B" (the most common change, when it is at least a fifth of them) or "changes the digit" ("garment").
Garments get their own words for thickness: "bulkier" / "slimmer". --rename names recorded figures again.
"""
from __future__ import annotations

import argparse
import json

import numpy as np
import torch

from models import registry
from models.loading import load_model
from training.common.morpho import MEASURES
from training.common.publish import record_metrics
from training.common.sefa_walk import walk_directions

N_DIRECTIONS = 8
WORDS = {"digit": {"slant": ("leans right", "leans left"), "thickness": ("thicker strokes", "thinner strokes"),
                   "extent": ("wider", "narrower")},
         "garment": {"slant": ("leans right", "leans left"), "thickness": ("bulkier", "slimmer"),
                     "extent": ("wider", "narrower")}}
KIND = {"dcgan-mnist": "digit", "dcgan-fashion": "garment"}
MIN_EFFECT, MIN_CHANGE, MIN_PAIR = 0.5, 1 / 3, 0.2


def measure(images: torch.Tensor) -> dict[str, np.ndarray]:
    return {name: fn(images) for name, fn in MEASURES.items()}


def name_direction(report: dict, kind: str = "digit") -> str:
    """The slider's name from a direction's recorded figures: effect sizes, class-change rate, most common change
    (of the + side or, reversed, of the - side: a -> b going left is b -> a going right)."""
    effects, words = report["effect_sizes"], WORDS[kind]
    strong = sorted((k for k in effects if abs(effects[k]) >= MIN_EFFECT), key=lambda k: -abs(effects[k]))
    parts = [words[k][0 if effects[k] > 0 else 1] for k in strong[:2]]
    if report["class_change_rate"] >= MIN_CHANGE:
        plus, minus = report.get("top_change_plus"), report.get("top_change_minus")
        pair = max([p for p in (plus, minus and [minus[1], minus[0], minus[2]]) if p], key=lambda p: p[2],
                   default=None)
        parts.append(f"turns {pair[0]} into {pair[1]}" if pair and pair[2] >= MIN_PAIR else f"changes the {kind}")
    return ", ".join(parts) or "subtle style change"


def pick_seed(model, classifier, n: int, step: float) -> None:
    """Seeds 0..n-1 whose unedited image the classifier is at least 95 % sure of, by how much direction 1 changes
    their slant, thickness or width (its largest effect): the Latent Explorer's default seed should be a clear image
    that slider 1 visibly changes."""
    direction = model.sefa_directions(1)[0][0]
    z = model.latents(range(n))
    images = model.generate(z)
    sure = classifier.predict(images)[1].numpy() >= 0.95
    changes = {k: fn(model.generate(z + step * direction)) - fn(model.generate(z - step * direction))
               for k, fn in MEASURES.items()}
    base = {k: fn(images) for k, fn in MEASURES.items()}
    key = max(changes, key=lambda k: abs(changes[k].mean()) / (base[k].std() + 1e-8))
    order = [i for i in np.argsort(-np.sign(changes[key].mean()) * changes[key]) if sure[i]]
    print(f"direction 1 changes {key} most; median change over seeds 0-{n - 1}: {np.median(changes[key]):.3f}; "
          f"{int(sure.sum())} of them clear (classifier >= 95 % sure)")
    print("largest among the clear ones: " + ", ".join(f"seed {int(i)}: {changes[key][i]:+.3f}" for i in order[:5]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="dcgan-mnist or dcgan-fashion")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--step", type=float, default=3.0, help="units along each direction (the sliders run +-5)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--classifier", default=None, help="judge (default: classifier-<dataset>)")
    parser.add_argument("--pick-seed", type=int, default=0, metavar="N",
                        help="no measuring: of seeds 0..N-1, print those whose image direction 1 changes most in its "
                             "named measure (the Latent Explorer's default seed)")
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--rename", action="store_true",
                        help="no measuring: name the recorded directions again (after the naming rule changed)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.rename:
        metrics = registry.get(args.model).metrics
        for r in metrics["sefa_directions"]:
            r["name"] = name_direction(r, KIND.get(args.model, "digit"))
            print(r["direction"], r["name"])
        record_metrics(args.model, {"sefa_directions": metrics["sefa_directions"]})
        return
    model = load_model(args.model)
    classifier = load_model(args.classifier or f"classifier-{args.model.removeprefix('dcgan-')}")
    if args.pick_seed:
        pick_seed(model, classifier, args.pick_seed, args.step)
        return
    report = []
    walks = walk_directions(model, classifier, measure, MEASURES, args.n, args.seed, args.step, N_DIRECTIONS)
    for i, walk in enumerate(walks):
        delta, effects, change, changed, pairs = walk.delta, walk.effects, walk.change, walk.changed, walk.top_change
        report.append({"direction": i + 1,
                       "slant_change": round(delta["slant"], 3), "thickness_change_px": round(delta["thickness"], 3),
                       "width_change_px": round(delta["extent"], 3),
                       "effect_sizes": {k: round(v, 2) for k, v in effects.items()},
                       "class_change_rate": round(change, 3),
                       "class_change_plus": round(float(changed[1].mean()), 3),
                       "class_change_minus": round(float(changed[-1].mean()), 3),
                       "top_change_plus": list(pairs[1][:2]) + [round(pairs[1][2], 3)] if pairs[1] else None,
                       "top_change_minus": list(pairs[-1][:2]) + [round(pairs[-1][2], 3)] if pairs[-1] else None})
        report[-1]["name"] = name_direction(report[-1], KIND.get(args.model, "digit"))
        print(json.dumps(report[-1]))
    metrics = {"sefa_directions": report, "sefa_directions_n": args.n, "sefa_directions_step": args.step,
               "sefa_directions_command": f"python -m training.dcgan.measure_directions {args.model} --n {args.n} "
                                          f"--step {args.step:g} --seed {args.seed}"}
    if args.record:
        record_metrics(args.model, metrics)


if __name__ == "__main__":
    main()
