"""Train the photo colorizer: a pix2pix U-Net sees Lab lightness and predicts a, b (L1 + PatchGAN, Lab space).

    nohup nice -n 10 python -m training.photo.train --name photo --resume --minutes 60 > runs/photo/log.txt 2>&1 &

Data: data/photo/crops_144.npz from training/photo/prepare.py (training photos only; the held-out photos and the
evaluation-only wallpapers are never read here). Each batch takes random 128 px crops of the stored 144 px crops,
mirrored at random; the input lightness gets random brightness/contrast and film grain, so faded and noisy scans look
familiar (the network sees L only, so sepia and other tints are gone before input). Batches are drawn from
(seed, step), so a resumed run continues as an uninterrupted one would. Checkpoints (safetensors + JSON) go to
runs/<name>/ every few minutes; a sample grid (grey / ours / truth) of the first crops goes to runs/<name>/samples/.
What ships is an exponential moving average of the generator's weights; --publish-every ships it as
`photo-colorizer` (fp16) every so many steps, --publish-only ships a run's checkpoint and exits.

With --hints the generator also reads colour hints (models/photo/hints.py), simulated from the truth as in Zhang et
al. 2017 ("Real-Time User-Guided Image Colorization"): none for HINTLESS of the crops, else a geometric number of
small squares (1-7 px) at random places, each the mean a, b of the truth under it. A lightness-only run resumed
with --hints keeps what it learned: its first layer grows zero weights for the hint planes (checkpoint.grow), so it
starts as the model it was and learns to follow hints. The discriminator still sees (L, a, b) only.
"""
from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from models.photo.config import PhotoConfig
from models.photo.hints import PLANES, draw_hints
from models.photo.lab import torch_rgb_to_lab
from models.photo.network import build, build_discriminator
from models.pix2pix.network import PatchDiscriminator
from training.common import checkpoint as ckpt
from training.common.ema import update_ema, warmup_decay
from training.common.paths import RUNS, dataset_dir
from training.pix2pix.step import gan_step

MODEL_NAME = "photo-colorizer"
CHECKPOINT = "checkpoint.safetensors"
CROP = 128
HINTLESS = 0.35  # share of training crops without hints (the page's first colouring has none)
MEAN_HINTS = 6  # the geometric count's mean when a crop has hints


class LabJudge(PatchDiscriminator):
    """The PatchGAN shown (L, a, b) only: hint planes are the generator's input, not part of the picture judged."""

    def forward(self, x):
        return super().forward(torch.cat([x[:, :1], x[:, -2:]], 1))


def simulated_hints(ab: torch.Tensor, rng: np.random.Generator, scale: float) -> torch.Tensor:
    """(B, 3, H, W) hint planes drawn from the truth's (B, 2, H, W) a, b (see the module doc)."""
    batch, _, h, w = ab.shape
    planes = np.zeros((batch, PLANES, h, w), np.float32)
    truth = ab.numpy()
    for k in range(batch):
        if rng.random() < HINTLESS:
            continue
        points = []
        for _ in range(min(int(rng.geometric(1 / MEAN_HINTS)), 32)):
            x, y, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(0, 4))
            patch = truth[k, :, max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].reshape(2, -1).mean(1)
            points.append((x, y, float(patch[0]), float(patch[1]), r))
        draw_hints(planes[k], points, scale)
    return torch.from_numpy(planes)


def make_batch(rgb: np.ndarray, step: int, seed: int, batch: int, scale: float,
               hints: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(x: L / 50 - 1 [+ hint planes], y: ab / scale) for one step, each (B, C, CROP, CROP), drawn from (seed, step)."""
    rng = np.random.default_rng([seed, step])
    idx = rng.integers(0, len(rgb), batch)
    side = rgb.shape[1]
    out = np.empty((batch, CROP, CROP, 3), np.uint8)
    for k, i in enumerate(idx):
        x0, y0 = rng.integers(0, side - CROP + 1, 2)
        crop = rgb[i, y0:y0 + CROP, x0:x0 + CROP]
        out[k] = crop[:, ::-1] if rng.random() < 0.5 else crop
    lab = torch_rgb_to_lab(torch.from_numpy(out).permute(0, 3, 1, 2).float() / 255.0)
    L = lab[:, :1]
    gain = torch.from_numpy(rng.uniform(0.75, 1.15, (batch, 1, 1, 1))).float()  # contrast
    shift = torch.from_numpy(rng.uniform(-10, 10, (batch, 1, 1, 1))).float()  # brightness
    grain = torch.from_numpy(rng.normal(0, 1, L.shape)).float() * torch.from_numpy(rng.uniform(0, 4, (batch, 1, 1, 1))).float()
    L_in = ((L - 50) * gain + 50 + shift + grain).clamp(0, 100)
    x = L_in / 50 - 1
    if hints:
        x = torch.cat([x, simulated_hints(lab[:, 1:], rng, scale)], 1)
    return x, (lab[:, 1:] / scale).clamp(-1, 1)


def sample_grid(G, rgb: np.ndarray, path: Path, scale: float) -> None:
    from models.photo.lab import lab_to_rgb
    from PIL import Image

    crops = rgb[:: max(1, len(rgb) // 8)][:8, :CROP, :CROP]
    lab = torch_rgb_to_lab(torch.from_numpy(np.ascontiguousarray(crops)).permute(0, 3, 1, 2).float() / 255.0)
    x = lab[:, :1] / 50 - 1
    hint_planes = G.downs[0].in_channels - 1  # the samples show the colours without hints
    with torch.no_grad():
        ab = G(torch.cat([x, torch.zeros(len(x), hint_planes, CROP, CROP)], 1)) * scale
    rows = []
    for i in range(len(crops)):
        grey = torch.cat([lab[i, :1], torch.zeros(2, CROP, CROP)]).permute(1, 2, 0).numpy()
        ours = torch.cat([lab[i, :1], ab[i]]).permute(1, 2, 0).numpy()
        rows.append(np.concatenate([lab_to_rgb(grey), lab_to_rgb(ours), crops[i]], 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(rows, 0)).save(path)


def publish_generator(G, config: PhotoConfig, note: str) -> None:
    from training.common.publish import publish

    publish(MODEL_NAME, "photo", {k: v.detach().float() for k, v in G.state_dict().items()},
            title="Photo colorizer (pix2pix U-Net in Lab, package photos)",
            description="Colours black-and-white photographs: predicts Lab a, b from lightness at a working size, then "
                        "keeps the full-size lightness. " + note,
            config=config.to_dict(), licence="Weights: CC-BY-SA-4.0 (trained on CC-BY-SA / CC-BY / CC0 / GPL photos)",
            data="157 colour photos from Debian gcompris-qt-data, lomiri-wallpapers, mate-backgrounds, palapeli-data and "
                 "PyPI scikit-image / scikit-learn; 16 held out by whole photo", dtype=torch.float16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", default="photo")
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--minutes", type=float, default=0, help="stop after this many minutes of this process (0: off)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--ngf", type=int, default=PhotoConfig.ngf)
    parser.add_argument("--ndf", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--lambda-l1", type=float, default=100.0, help="weight of L1 on ab/ab_scale against the GAN loss")
    parser.add_argument("--ema", type=float, default=0.995)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-minutes", type=float, default=3.0)
    parser.add_argument("--publish-every", type=int, default=0, help="ship the averaged generator every N steps (0: off)")
    parser.add_argument("--publish-only", action="store_true", help="ship the run's checkpoint and exit")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--hints", action="store_true", help="the generator reads colour hints (see the module doc)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    run = RUNS / args.name
    run.mkdir(parents=True, exist_ok=True)
    config = PhotoConfig(ngf=args.ngf, hint_planes=PLANES if args.hints else 0)
    scale = config.ab_scale
    G = build(config).to(args.device)
    D = (LabJudge(in_channels=3, ndf=args.ndf) if args.hints else build_discriminator(args.ndf)).to(args.device)
    ema = copy.deepcopy(G).eval()
    optG = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(0.5, 0.999))
    step = 0
    if (args.resume or args.publish_only) and (run / CHECKPOINT).exists():
        progress = ckpt.load(run / CHECKPOINT, modules={"G": G, "D": D, "E": ema}, optimizers={"opt_g": optG, "opt_d": optD},
                             fit=ckpt.grow)
        step = progress["step"]
        print(f"resumed {run / CHECKPOINT} at step {step}")
    if args.publish_only:
        publish_generator(ema, config, f"EMA weights after {step} steps of batch {args.batch_size}.")
        print(f"published {MODEL_NAME} at step {step}")
        return
    rgb = np.load(dataset_dir("photo") / "crops_144.npz")["rgb"]
    started = last_save = time.time()

    def save() -> None:
        ckpt.save(run / CHECKPOINT, {"step": step, "seed": args.seed, "config": config.to_dict(), "args": vars(args)},
                  modules={"G": G, "D": D, "E": ema}, optimizers={"opt_g": optG, "opt_d": optD})

    bar = tqdm(total=args.steps, initial=step, desc="steps")
    while step < args.steps:
        x, y = make_batch(rgb, step, args.seed, args.batch_size, scale, args.hints)
        G.train()
        loss_d, loss_gan, loss_l1 = gan_step(G, D, optG, optD, x.to(args.device), y.to(args.device), args.lambda_l1)
        update_ema(ema, G, warmup_decay(args.ema, step), copy_buffers=True)
        step += 1
        bar.update(1)
        bar.set_postfix(d=f"{loss_d:.3f}", gan=f"{loss_gan:.3f}", l1=f"{loss_l1 * scale:.2f}")
        if time.time() - last_save > 60 * args.checkpoint_minutes:
            save()
            sample_grid(ema, rgb, run / "samples" / f"step{step:06d}.png", scale)
            last_save = time.time()
        if args.publish_every and step % args.publish_every == 0:
            save()
            publish_generator(ema, config, f"EMA weights after {step} steps of batch {args.batch_size}.")
        if args.minutes and time.time() - started > 60 * args.minutes:
            break
    save()
    sample_grid(ema, rgb, run / "samples" / f"step{step:06d}.png", scale)
    print(f"stopped at step {step}")


if __name__ == "__main__":
    main()
