"""Fine-tune the sketch colorizer at 256 px on several artists with user-like sketches (training.pix2pix.multi_data).

    nohup nice -n 10 python -m training.pix2pix.train_multi --name pix2pix-multi256 \
        --init-from models/weights/pix2pix-openmoji.safetensors > runs/pix2pix-multi256/log.txt 2>&1 &
    # resume (same command with --resume; continues the same random stream):
    nohup nice -n 10 python -m training.pix2pix.train_multi --name pix2pix-multi256 --resume >> runs/pix2pix-multi256/log.txt 2>&1 &

The U-Net (ngf 32, depth 7) is fully convolutional, so the 128 px weights start the 256 px run. Loss: PatchGAN (BCE)
+ lambda_L1 * L1 against the clean colour art on white (paper comes back white). Step-based: batch b of the run draws
all its randomness from (seed, b), so a resumed run continues exactly as an uninterrupted one.
Written to runs/<name>/: checkpoint.safetensors + checkpoint.json (training.common.checkpoint, every
--checkpoint-minutes: G, D, EMA, both Adam states), G_ema_latest.safetensors and G_ema_stepNNNNNN.safetensors (every
--snapshot-steps: the EMA generator with its config in the metadata, readable by training.pix2pix.evaluate_multi),
and log lines with the mean s/step.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from models.pix2pix.config import DEFAULT_CONFIG
from models.pix2pix.network import PatchDiscriminator, build
from training.common import checkpoint as ckpt
from training.common.ema import update_ema
from training.common.paths import RUNS
from training.pix2pix.multi_data import TRAINING_ARTISTS, TrainingPool
from training.pix2pix.runs import CHECKPOINT
from training.pix2pix.step import gan_step


def generator_tensors(G: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v for k, v in G.state_dict().items() if not k.endswith("num_batches_tracked")}


def save_checkpoint(run: Path, G, D, ema, optG, optD, step: int) -> None:
    ckpt.save(run / CHECKPOINT, {"step": step}, modules={"G": G, "D": D, "E": ema},
              optimizers={"optG": optG, "optD": optD})


def load_checkpoint(run: Path, G, D, ema, optG, optD) -> int:
    """Restore a run; returns its step. Also reads the first runs' format (progress in progress.json beside)."""
    path = run / CHECKPOINT
    modules, optimizers = {"G": G, "D": D, "E": ema}, {"optG": optG, "optD": optD}
    with safe_open(str(path), framework="pt") as handle:
        has_progress = "progress" in (handle.metadata() or {})
    if has_progress:
        return ckpt.load(path, modules=modules, optimizers=optimizers)["step"]
    tensors = load_file(str(path))
    for name, module in modules.items():
        module.load_state_dict(ckpt.module_state(tensors, name))
    for name, opt in optimizers.items():
        ckpt.restore_optimizer(opt, tensors, name)
    return json.loads((run / "progress.json").read_text())["step"]


def save_snapshot(run: Path, ema: nn.Module, config: dict, step: int) -> Path:
    """The EMA generator as fp32 safetensors with its config (atomic replace of G_ema_latest)."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in generator_tensors(ema).items()}
    meta = {"config": json.dumps(config), "step": str(step)}
    path = run / f"G_ema_step{step:06d}.safetensors"
    save_file(tensors, str(path), metadata=meta)
    save_file(tensors, str(run / "G_ema_latest.tmp"), metadata=meta)
    os.replace(run / "G_ema_latest.tmp", run / "G_ema_latest.safetensors")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", default="pix2pix-multi256")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--ndf", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--lambda-l1", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-minutes", type=float, default=10.0)
    parser.add_argument("--snapshot-steps", type=int, default=500)
    parser.add_argument("--log-steps", type=int, default=25)
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many steps in this process (smoke)")
    parser.add_argument("--init-from", metavar="GENERATOR", help="generator weights to start from (e.g. the shipped "
                        "models/weights/pix2pix-openmoji.safetensors); ignored when --resume finds a checkpoint")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(1)

    run = RUNS / args.name
    run.mkdir(parents=True, exist_ok=True)
    config = {**DEFAULT_CONFIG, "paint_mask": True, "work_size": args.size}
    pool = TrainingPool(args.size, TRAINING_ARTISTS)
    print(f"{len(pool)} training items ({', '.join(f'{a} {len(i)}' for a, i in pool.index.items())}); "
          "held-out artist and Twemoji never loaded", flush=True)

    torch.manual_seed(args.seed)
    G, D = build(config), PatchDiscriminator(8, args.ndf)
    ema = copy.deepcopy(G).eval()
    optG = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(0.5, 0.999))
    step = 0
    if args.resume and (run / CHECKPOINT).exists():
        step = load_checkpoint(run, G, D, ema, optG, optD)
        print(f"resumed at step {step}", flush=True)
    elif args.init_from:
        G.load_state_dict({k: v.float() for k, v in load_file(args.init_from).items()})
        ema.load_state_dict(G.state_dict())
        print(f"generator initialised from {args.init_from}", flush=True)
    (run / "config.json").write_text(json.dumps({**vars(args), "model_config": config}, indent=2))
    last_save, t0, done = time.time(), time.time(), 0
    sums = np.zeros(4)

    while step < args.steps:
        rng = np.random.default_rng([args.seed, step])
        torch.manual_seed(int(rng.integers(2 ** 31)))  # dropout
        x, y = pool.batch(rng, args.batch_size)
        loss_d, loss_gan, loss_l1 = gan_step(G, D, optG, optD, x, y, args.lambda_l1)
        update_ema(ema, G, args.ema, copy_buffers=True)
        step, done = step + 1, done + 1
        sums += [loss_d, loss_gan, loss_l1, 1]
        if step % args.log_steps == 0:
            d, g, l, n = sums
            print(f"step {step} D {d / n:.3f} G_gan {g / n:.3f} L1 {l / n:.4f} "
                  f"{(time.time() - t0) / done:.2f} s/step", flush=True)
            sums[:] = 0
        if step % args.snapshot_steps == 0:
            print(f"snapshot {save_snapshot(run, ema, config, step)}", flush=True)
        stop = args.max_steps and done >= args.max_steps
        if stop or time.time() - last_save > args.checkpoint_minutes * 60 or step >= args.steps:
            save_checkpoint(run, G, D, ema, optG, optD, step)
            last_save = time.time()
        if stop:
            print(f"stopped after --max-steps at step {step}", flush=True)
            return


if __name__ == "__main__":
    main()
