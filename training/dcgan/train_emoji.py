"""Train the 64x64 colour emoji DCGAN (models/dcgan/network64.py) on the train split of training.dcgan.prepare_emoji.

    nohup nice -n 19 python -m training.dcgan.train_emoji --name dcgan-emoji > runs/dcgan-emoji/log.txt 2>&1 &
    nice -n 19 python -m training.dcgan.train_emoji --name dcgan-emoji --resume      # continue a stopped run

A variant of the DCGAN recipe chosen for a few thousand images and a CPU budget of about an hour:
- hinge loss (Lim & Ye 2017; Miyato et al. 2018) with a spectrally normalised D (no BatchNorm in D), BatchNorm in G;
- DiffAugment (colour, translation 1/8, cutout 1/4; training/common/diffaugment.py) on real and fake before D;
- an exponential moving average of G (decay 0.999 after a warm-up; training/common/ema.py) is what is sampled,
  snapshotted and shipped, its BatchNorm statistics re-estimated on fresh latents;
- Adam lr 2e-4, betas (0.5, 0.999), batch 32, one D step per G step.
Every --snapshot-every steps the EMA generator is saved as runs/<name>/snapshots/step_XXXXXX.safetensors (what
training.dcgan.evaluate_emoji picks the shipped one from) with a sample grid in runs/<name>/samples/.
Reproducible: --seed fixes init, data order (a permutation per epoch from [seed, epoch]) and every noise draw.
Resumable: runs/<name>/checkpoint.safetensors (G, D, EMA G, both optimisers, the noise generator; training/common/
checkpoint.py) every --checkpoint-minutes and at each snapshot; --resume continues exactly where it stopped.
Threads: --threads 1 by default (on a shared 2-core machine two OpenMP threads were 6x slower than one, measured).
"""
from __future__ import annotations

import argparse
import copy
import json
import time

import numpy as np
import torch
from torch.nn import functional as F

from models.dcgan.network64 import Discriminator64, Generator64
from models.imaging import grid
from models.weights_io import save
from training.common import checkpoint as ckpt
from training.common.diffaugment import POLICIES, diff_augment
from training.common.ema import update_ema, warmup_decay
from training.common.init import init_weights
from training.common.paths import RUNS, dataset_dir
from training.dcgan.snapshots import recalibrate_batchnorm

CHECKPOINT = "checkpoint.safetensors"


def load_train_images(size: int = 64) -> torch.Tensor:
    """The train split as uint8 (N, 3, S, S)."""
    path = dataset_dir("emoji") / f"emoji_{size}.npz"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python -m training.dcgan.prepare_emoji` first")
    with np.load(path) as npz:
        images = npz["images"][npz["split"] == "train"]
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()


def to_unit(images: torch.Tensor) -> torch.Tensor:
    return images.float().div(127.5).sub(1.0)


def ema_snapshot(ema: torch.nn.Module) -> torch.nn.Module:
    """A copy of the EMA generator with BatchNorm statistics re-estimated on N(0, I) latents (eval mode)."""
    snap = copy.deepcopy(ema)
    recalibrate_batchnorm(snap, batches=10, batch_size=128)
    return snap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", default="dcgan-emoji")
    parser.add_argument("--steps", type=int, default=200_000, help="stop after this many G steps")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--g-width", type=int, default=32)
    parser.add_argument("--d-width", type=int, default=32)
    parser.add_argument("--lr-g", type=float, default=2e-4)
    parser.add_argument("--lr-d", type=float, default=2e-4)
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--augment", nargs="*", default=list(POLICIES), choices=POLICIES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--snapshot-every", type=int, default=500)
    parser.add_argument("--checkpoint-minutes", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    run = RUNS / args.name
    (run / "snapshots").mkdir(parents=True, exist_ok=True)
    (run / "samples").mkdir(exist_ok=True)
    config = {"arch": "conv64", "latent_dim": 100, "g_width": args.g_width, "d_width": args.d_width,
              "image_size": 64, "channels": 3,
              "training": {"loss": "hinge", "d_norm": "spectral", "augment": args.augment, "batch": args.batch,
                           "lr_g": args.lr_g, "lr_d": args.lr_d, "betas": [0.5, 0.999], "ema": args.ema,
                           "seed": args.seed, "data": "emoji_64.npz train split (training.dcgan.prepare_emoji)"}}
    if args.resume:
        before = json.loads((run / "config.json").read_text())
        if {k: before.get(k) for k in ("g_width", "d_width")} != {k: config[k] for k in ("g_width", "d_width")}:
            raise SystemExit(f"--resume: widths were {before['g_width']}/{before['d_width']}; pass the run's options")
        config = before
    else:
        (run / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    torch.manual_seed(args.seed)
    G, D = Generator64(100, config["g_width"]), Discriminator64(config["d_width"])
    G.apply(init_weights)
    G_ema = copy.deepcopy(G)
    betas = tuple(config["training"]["betas"])
    opt_g = torch.optim.Adam(G.parameters(), config["training"]["lr_g"], betas=betas)
    opt_d = torch.optim.Adam(D.parameters(), config["training"]["lr_d"], betas=betas)
    noise = torch.Generator().manual_seed(args.seed + 1)
    counters = {"epoch": 0, "batch_index": 0, "step": 0}
    if args.resume:
        progress = ckpt.load(run / CHECKPOINT, modules={"G": G, "D": D, "G_ema": G_ema},
                             optimizers={"opt_g": opt_g, "opt_d": opt_d}, rngs={"noise": noise})
        counters = {k: int(progress[k]) for k in counters}
        print(f"resumed at step {counters['step']} (epoch {counters['epoch']}, batch {counters['batch_index']})", flush=True)

    images = load_train_images()
    batches_per_epoch = len(images) // args.batch
    fixed_z = torch.randn(64, 100, generator=torch.Generator().manual_seed(7))
    policy = tuple(config["training"]["augment"])

    def save_checkpoint() -> None:
        ckpt.save(run / CHECKPOINT, {**counters, "config": config}, modules={"G": G, "D": D, "G_ema": G_ema},
                  optimizers={"opt_g": opt_g, "opt_d": opt_d}, rngs={"noise": noise})

    print(f"{len(images)} training images, {batches_per_epoch} batches of {args.batch} per epoch", flush=True)
    last_ckpt, started, window = time.time(), time.time(), time.time()
    while counters["step"] < args.steps:
        order = torch.randperm(len(images), generator=torch.Generator().manual_seed(args.seed * 100_003 + counters["epoch"]))
        while counters["batch_index"] < batches_per_epoch and counters["step"] < args.steps:
            b = counters["batch_index"]
            real = to_unit(images[order[b * args.batch:(b + 1) * args.batch]])
            z = torch.randn(args.batch, 100, generator=noise)
            fake = G(z)
            d_real = D(diff_augment(real, noise, policy))
            d_fake = D(diff_augment(fake.detach(), noise, policy))
            loss_d = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            loss_g = -D(diff_augment(fake, noise, policy)).mean()
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            update_ema(G_ema, G, warmup_decay(config["training"]["ema"], counters["step"]), copy_buffers=True)
            counters["step"] += 1
            counters["batch_index"] += 1
            step = counters["step"]
            if step % 50 == 0:
                rate = 50 / (time.time() - window)
                window = time.time()
                print(f"step {step} epoch {counters['epoch']} loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f} "
                      f"D(real) {d_real.mean().item():.2f} D(fake) {d_fake.mean().item():.2f} {rate:.2f} steps/s "
                      f"{(time.time() - started) / 60:.1f} min", flush=True)
            if step % args.snapshot_every == 0:
                snap = ema_snapshot(G_ema)
                save(snap.state_dict(), run / "snapshots" / f"step_{step:06d}.safetensors",
                     {**config, "step": step, "epoch": counters["epoch"]})
                with torch.no_grad():
                    grid(snap(fixed_z), pad_value=1.0).save(run / "samples" / f"step_{step:06d}.png")
                save_checkpoint()
                last_ckpt = time.time()
            elif time.time() - last_ckpt > args.checkpoint_minutes * 60:
                save_checkpoint()
                last_ckpt = time.time()
        if counters["batch_index"] >= batches_per_epoch:
            counters["epoch"] += 1
            counters["batch_index"] = 0
    save_checkpoint()
    print(f"done at step {counters['step']}", flush=True)


if __name__ == "__main__":
    main()
