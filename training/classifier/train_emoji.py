"""Train the emoji category judge (classifier-emoji, models/classifier/emoji_net.py) on the real emoji's train split,
report its accuracy on the held-out emoji, publish it.

    nice -n 10 python -m training.classifier.train_emoji [--epochs 8] [--width 24] [--seed 0] [--threads 1] [--no-publish]

Data: training.dcgan.prepare_emoji's 64x64 OpenMoji / Fluent / Noto emoji, 9 Unicode categories; held-out accuracy is
on emoji never seen in training (the split is by emoji). Augmentation: a small random affine (+-8 deg, scale 0.9-1.1,
shift +-4 px, white coming in). Adam with a one-cycle schedule. It judges the emoji generator: FID in its 128-d
features, and the share of images it labels with confidence >= 0.8 (training.dcgan.evaluate_emoji).
"""
from __future__ import annotations

import argparse
import json
import math
import time

import torch
from torch.nn import functional as F

from models.classifier.emoji_net import EmojiNet
from training.common.emoji_art import ARTISTS
from training.common.emoji_data import load_split, to_unit
from training.common.paths import RUNS
from training.common.publish import publish


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    n = len(x)
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(8)
    scale = 1 + (torch.rand(n, generator=gen) * 2 - 1) * 0.1
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (4 / 32)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x - 1, grid, align_corners=False, padding_mode="zeros") + 1  # white (+1) comes in


@torch.inference_mode()
def evaluate(net: EmojiNet, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(accuracy, share labelled with confidence >= 0.8)."""
    net.eval()
    probs = torch.cat([net(x[i:i + 500]).softmax(1) for i in range(0, len(x), 500)])
    conf, pred = probs.max(1)
    return (pred == y).float().mean().item(), (conf >= 0.8).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--width", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    train, test = load_split("train"), load_split("test")
    x_train, x_test = to_unit(train.images), to_unit(test.images)
    net = EmojiNet(args.width, 128, len(train.categories))
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * math.ceil(len(x_train) / args.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    run_dir = RUNS / "classifier-emoji"
    run_dir.mkdir(parents=True, exist_ok=True)
    start = time.time()
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(x_train), generator=gen)
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            loss = F.cross_entropy(net(augment(x_train[idx], gen)), train.category[idx], label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        acc, confident = evaluate(net, x_test, test.category)
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, held-out accuracy {acc:.4f}, confident share {confident:.3f} "
              f"({time.time() - start:.0f} s)", flush=True)
    acc, confident = evaluate(net, x_test, test.category)
    config = {"arch": "emoji64", "width": args.width, "feature_dim": 128, "class_names": train.categories,
              "dataset": "emoji_64", "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
              "seed": args.seed}
    metrics = {"heldout_accuracy": round(acc, 4), "heldout_confident_share_0.8": round(confident, 4),
               "heldout_count": len(test.category), "chance_accuracy": round(
                   float(torch.bincount(test.category).max()) / len(test.category), 4)}
    print(json.dumps(metrics))
    (run_dir / "result.json").write_text(json.dumps({"config": config, "metrics": metrics}, indent=2))
    if args.no_publish:
        return
    licences = "; ".join(f"{a}: {ARTISTS[a]['licence']}" for a in ("openmoji", "fluent", "noto"))
    entry = publish("classifier-emoji", "classifier", net.state_dict(), title="Emoji category classifier",
                    description="Independent judge of dcgan-emoji: 9 Unicode emoji categories from a 64x64 colour "
                                "emoji; FID features and recognizability.",
                    config=config, licence=licences,
                    data="OpenMoji 17.0.0, Fluent Emoji 1.3.0 (flat), Noto (emoji-datasource-google 16.0.0) at 64x64, "
                         "train split by emoji (training.dcgan.prepare_emoji)", metrics=metrics)
    print(f"published classifier-emoji: {entry['bytes'] / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
