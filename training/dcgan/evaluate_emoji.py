"""Evaluate the emoji generator with the emoji category judge (classifier-emoji), pick a run's best snapshot, ship it.

    python -m training.dcgan.evaluate_emoji --select runs/dcgan-emoji            # FID of every snapshot, best first
    python -m training.dcgan.evaluate_emoji --publish runs/dcgan-emoji/snapshots/step_004000.safetensors
    python -m training.dcgan.evaluate_emoji                                       # the shipped dcgan-emoji
    python -m training.dcgan.evaluate_emoji --record                              # ... and its figures -> manifest

Figures (all in the judge's terms; real images = training.dcgan.prepare_emoji's 64x64 emoji):
- FID in the judge's 128-d features: N generated images vs the train split, next to the real-vs-real floor, N
  held-out emoji vs the same train split (N = the held-out count, 549, on both sides);
- recognisability: share of --samples generated images the judge labels with confidence >= 0.8, next to the share
  of the held-out real emoji;
- category balance: max / min of the judge's predicted categories over the samples (None when a category is never
  drawn; then also over the drawn ones), next to the judge's predictions on the held-out emoji (the train split's
  own true categories: 982 / 236 = 4.2);
- copies: median RMS pixel distance (0-1 scale) from each of N samples to its nearest training image, next to the
  held-out emoji's own median distance to their nearest training image (samples are not copies when theirs is no
  smaller).
Selection uses latent seed 99, the reported figures seed 2024 (separate draws). --publish writes the snapshot as fp16
into models/weights (manifest entry dcgan-emoji), evaluates the shipped file and records the figures, and writes a
64-sample grid (seeds 0..63) to docs/experiments/dcgan_emoji_samples.png.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from safetensors.torch import load_file

from models.dcgan.network64 import Generator64
from models.imaging import grid
from models.weights_io import stored_config
from training.common.emoji_art import ARTISTS
from training.common.emoji_data import load_split, to_unit
from training.common.metrics import class_balance, fid
from training.common.publish import publish, record_metrics

CONFIDENT = 0.8
GRID_PATH = Path("docs/experiments/dcgan_emoji_samples.png")
CONFIG_KEYS = ("arch", "latent_dim", "g_width", "d_width", "image_size", "channels", "training")


def snapshot_generator(path: Path) -> tuple[torch.nn.Module, dict]:
    config = stored_config(path)
    gen = Generator64(config.get("latent_dim", 100), config["g_width"])
    gen.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    return gen.eval(), config


@torch.inference_mode()
def samples(gen: torch.nn.Module, n: int, seed: int) -> torch.Tensor:
    z = torch.randn(n, gen.latent_dim, generator=torch.Generator().manual_seed(seed))
    return torch.cat([gen(z[i:i + 256]) for i in range(0, n, 256)])


def nearest_distance(images: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """RMS pixel distance (images in [-1, 1], reported on a 0-1 scale) from each image to its nearest reference."""
    a = ((images.flatten(1) + 1) / 2).double()
    b = ((reference.flatten(1) + 1) / 2).double()
    return (torch.cdist(a, b).min(dim=1).values / a.shape[1] ** 0.5).float()


class Reference:
    """The real emoji the figures compare against, with the judge's view of them computed once."""

    def __init__(self):
        from models.loading import load_model
        self.judge = load_model("classifier-emoji")
        self.train, self.test = load_split("train"), load_split("test")
        self.x_train, self.x_test = to_unit(self.train.images), to_unit(self.test.images)
        self.f_train = self.judge.features(self.x_train)
        self.floor = fid(self.judge.features(self.x_test), self.f_train)
        predicted, conf = self.judge.predict(self.x_test)
        self.real_counts = dict(zip(self.judge.class_names, class_balance(predicted, len(self.judge.class_names))[1]))
        self.real_confident = float((conf >= CONFIDENT).float().mean())
        self.real_nearest = float(nearest_distance(self.x_test, self.x_train).median())

    def fid_of(self, gen: torch.nn.Module, seed: int) -> float:
        return fid(self.judge.features(samples(gen, len(self.x_test), seed)), self.f_train)

    def figures(self, gen: torch.nn.Module, n_samples: int, seed: int) -> dict:
        n = len(self.x_test)
        few = samples(gen, n, seed)
        many = samples(gen, n_samples, seed + 1)
        predicted, conf = self.judge.predict(many)
        ratio, counts = class_balance(predicted, len(self.judge.class_names))
        fake_fid = fid(self.judge.features(few), self.f_train)
        recog = float((conf >= CONFIDENT).float().mean())
        nearest = float(nearest_distance(few, self.x_train).median())
        return {
            "fid_judge_features": round(fake_fid, 3), "fid_real_floor": round(self.floor, 3),
            "fid_over_floor": round(fake_fid / self.floor, 2), "fid_samples_per_side": n,
            "recognizability_0.8": round(recog, 4), "real_heldout_recognizability_0.8": round(self.real_confident, 4),
            "recognizability_samples": n_samples,
            "category_max_min": round(ratio, 2) if ratio != float("inf") else None,  # None: a category never drawn
            "category_max_min_drawn": round(max(counts) / min(c for c in counts if c), 2),
            "categories_never_drawn": [k for k, c in zip(self.judge.class_names, counts) if not c],
            "category_counts": dict(zip(self.judge.class_names, counts)),
            "real_heldout_predicted_counts": self.real_counts,
            "nearest_train_rms_median": round(nearest, 4), "heldout_nearest_train_rms_median": round(self.real_nearest, 4),
            "latent_seed": seed,
            "targets": {"fid_within_5x_floor": fake_fid <= 5 * self.floor,
                        "recognizability_within_15_points": recog >= self.real_confident - 0.15,
                        "not_copies": nearest >= self.real_nearest},
        }


def select(run: Path, ref: Reference) -> list[tuple[float, Path]]:
    scored = []
    for path in sorted((run / "snapshots").glob("step_*.safetensors")):
        gen, _ = snapshot_generator(path)
        scored.append((ref.fid_of(gen, 99), path))
        print(f"{path.name}: FID {scored[-1][0]:.3f} (floor {ref.floor:.3f})", flush=True)
    return sorted(scored)


def ship(path: Path) -> None:
    gen, config = snapshot_generator(path)
    shipped = {k: config[k] for k in CONFIG_KEYS if k in config}
    shipped.update(step=config.get("step"), epoch=config.get("epoch"), snapshot=path.name,
                   selected_by="lowest FID in classifier-emoji features, 549 samples of latent seed 99, over the run's "
                               "EMA snapshots")
    licences = "; ".join(f"{a}: {ARTISTS[a]['licence']}" for a in ("openmoji", "fluent", "noto"))
    entry = publish("dcgan-emoji", "dcgan", gen.state_dict(), title="DCGAN emoji (64x64 colour)",
                    description="DCGAN generator (EMA weights, fp16) trained on OpenMoji, Fluent and Noto emoji; "
                                "100-d latent from N(0, I) -> 64x64 RGB.",
                    config=shipped, licence=licences + " (training images; the weights follow CC BY-SA 4.0)",
                    data="OpenMoji 17.0.0 colour, Fluent Emoji 1.3.0 flat, Noto (emoji-datasource-google 16.0.0): "
                         "train split by emoji, one image per artist and emoji (training.dcgan.prepare_emoji)",
                    metrics={}, dtype=torch.float16)
    print(f"published dcgan-emoji from {path} ({entry['bytes'] / 1e6:.2f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--select", type=Path, help="a run folder: FID of each snapshot")
    parser.add_argument("--publish", type=Path, help="a snapshot file to ship as dcgan-emoji (then evaluated)")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--record", action="store_true", help="write the figures into the manifest")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.publish:
        ship(args.publish)
    ref = Reference()
    if args.select:
        best = select(args.select, ref)
        print(f"best: {best[0][1]} (FID {best[0][0]:.3f})" if best else "no snapshots yet")
        return
    from models.loading import load_model
    model = load_model("dcgan-emoji")
    figures = ref.figures(model.generator, args.samples, args.seed)
    print(json.dumps(figures, indent=2))
    if args.publish:
        GRID_PATH.parent.mkdir(parents=True, exist_ok=True)
        grid(model.generate(model.latents(range(64))), pad_value=1.0).save(GRID_PATH)
        print(f"grid (seeds 0..63) -> {GRID_PATH}")
    if args.record or args.publish:
        record_metrics("dcgan-emoji", figures)


if __name__ == "__main__":
    main()
