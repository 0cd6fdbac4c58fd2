"""Evaluate a DCGAN with the independent classifier of its dataset (never the training split as the reference).

    python -m training.dcgan.evaluate dcgan-mnist   [--samples 10000] [--record]
    python -m training.dcgan.evaluate dcgan-fashion [--samples 10000] [--record]
    python -m training.dcgan.evaluate dcgan-mnist --checkpoint runs/dcgan-mnist/checkpoint.safetensors   # a run in progress
    python -m training.dcgan.evaluate dcgan-mnist --weights runs/dcgan-mnist-fc/best_G.safetensors  # a judged best

Prints, for N generated samples (latents from a fixed seed):
 (a) FID in the classifier's 128-d feature space against the held-out test split, next to the real-vs-real floor
     (train split vs test split). Both sides always hold the same number of images, n = min(N, test size):
     for MNIST the test split has only 2,000 digits, so FID is computed on chunks of 2,000 generated (or train)
     images against the 2,000 test digits and averaged over the chunks; for Fashion n = 10,000.
 (b) recognizability: the share of samples the classifier labels with confidence >= 0.9;
 (c) diversity: max / min predicted-class frequency (1 = perfectly balanced).
--record merges the figures into the manifest (training.common.publish.record_metrics).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from models.dcgan.config import LATENT_DIM, DCGANConfig
from models.dcgan.model import DCGANModel
from models.dcgan.network import build_generator, storage_form
from models.loading import load_model
from models.weights_io import dequantize_fill, stored_config
from training.common.images import load_tensors
from training.common.metrics import class_balance, fid, recognizability
from training.dcgan.snapshots import checkpoint_generator

TARGETS = {"recognizability": 0.90, "class_max_min_ratio": 2.0, "fid_over_floor": 5.0}


def chunked_fid(features: torch.Tensor, reference: torch.Tensor) -> tuple[float, float, int]:
    """Mean and sd of FID over disjoint chunks of features, each the size of reference; (mean, sd, chunks)."""
    n = len(reference)
    scores = [fid(features[i:i + n], reference) for i in range(0, len(features) - n + 1, n)]
    return float(np.mean(scores)), float(np.std(scores)), len(scores)


def as_shipped(config: dict, state: dict[str, torch.Tensor]) -> DCGANModel:
    """A generator of the config's shapes holding state after the round trip through its shipped file's form
    (int8 rows for the "fc" shape), so a run is measured as it would ship."""
    typed = DCGANConfig.from_dict(config)
    arch = typed.arch
    gen = build_generator(arch, LATENT_DIM, typed.g_width)
    with torch.no_grad():
        dequantize_fill(gen.state_dict(), storage_form(state, arch))
    return DCGANModel(gen, config, torch.device("cpu"))


def from_checkpoint(path: str) -> DCGANModel:
    """The EMA generator of a training checkpoint (shapes from the run's config.json beside it), BN recalibrated as
    at publish time."""
    gen, config, _ = checkpoint_generator(Path(path))
    return as_shipped(config, gen.state_dict())


def from_weights(path: str) -> DCGANModel:
    """A generator file a run wrote (e.g. runs/<name>/best_G.safetensors; shapes from its metadata)."""
    from safetensors.torch import load_file
    return as_shipped(stored_config(path), load_file(path))


def evaluate(model: DCGANModel, dataset: str, samples: int, seed: int) -> dict:
    judge = load_model(f"classifier-{dataset}")
    train_x, _ = load_tensors(dataset, "train")
    test_x, _ = load_tensors(dataset, "test")
    n = min(samples, len(test_x))
    z = model.sample_latents(samples, seed)
    fake = model.generate(z)
    fake_f, test_f = judge.features(fake), judge.features(test_x[:n])
    order = torch.randperm(len(train_x), generator=torch.Generator().manual_seed(seed))
    train_f = judge.features(train_x[order[: min(len(train_x), samples) // n * n]])
    fid_mean, fid_sd, fid_chunks = chunked_fid(fake_f, test_f)
    floor_mean, floor_sd, floor_chunks = chunked_fid(train_f, test_f)
    predicted, confidence = judge.predict(fake)
    _, real_confidence = judge.predict(test_x)
    ratio, counts = class_balance(predicted)
    return {
        "eval_samples": samples, "fid_images_per_side": n,
        "fid": round(fid_mean, 3), "fid_sd": round(fid_sd, 3), "fid_chunks": fid_chunks,
        "fid_floor": round(floor_mean, 3), "fid_floor_sd": round(floor_sd, 3), "fid_floor_chunks": floor_chunks,
        "fid_over_floor": round(fid_mean / floor_mean, 2),
        "recognizability": round(recognizability(confidence), 4),
        "recognizability_real_test": round(recognizability(real_confidence), 4),
        "class_max_min_ratio": round(ratio, 3), "class_counts": counts,
        "judge": f"classifier-{dataset}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", help="a shipped DCGAN: dcgan-mnist or dcgan-fashion")
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2024)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--checkpoint", help="evaluate a training checkpoint instead of the shipped weights")
    source.add_argument("--weights", help="evaluate a run's generator file (e.g. runs/NAME/best_G.safetensors)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--record", action="store_true", help="write the figures into the manifest")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    dataset = args.name.removeprefix("dcgan-")
    source = args.checkpoint or args.weights
    if args.checkpoint:
        model = from_checkpoint(args.checkpoint)
    elif args.weights:
        model = from_weights(args.weights)
    else:
        model = load_model(args.name)
    m = evaluate(model, dataset, args.samples, args.seed)
    print(f"{args.name} ({source or 'shipped weights'}), "
          f"{m['eval_samples']} samples, judge {m['judge']}")
    print(f"  FID (classifier features, {m['fid_images_per_side']} images per side, vs held-out test): "
          f"{m['fid']:.3f} +- {m['fid_sd']:.3f} over {m['fid_chunks']} chunk(s)")
    print(f"  real-vs-real floor (train vs held-out test, same count): {m['fid_floor']:.3f} +- {m['fid_floor_sd']:.3f}"
          f" over {m['fid_floor_chunks']} chunk(s)   -> FID / floor = {m['fid_over_floor']:.2f}")
    print(f"  recognizability (confidence >= 0.9): {m['recognizability']:.2%}   "
          f"(real held-out images under the same judge: {m['recognizability_real_test']:.2%})")
    print(f"  class max/min frequency: {m['class_max_min_ratio']:.2f}   counts {m['class_counts']}")
    met = {"recognizability": m["recognizability"] >= TARGETS["recognizability"],
           "class_max_min_ratio": m["class_max_min_ratio"] <= TARGETS["class_max_min_ratio"],
           "fid_over_floor": m["fid_over_floor"] <= TARGETS["fid_over_floor"]}
    print("  targets (set for dcgan-mnist): " + ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in met.items()))
    if args.record:
        from training.common.publish import record_metrics
        record_metrics(args.name, {**m, "eval_command": f"python -m training.dcgan.evaluate {args.name} "
                                                        f"--samples {args.samples} --seed {args.seed}"})
        print("  recorded in models/manifest.json")
    print(json.dumps(m))


if __name__ == "__main__":
    main()
