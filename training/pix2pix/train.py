"""Train the pix2pix sketch colorizer on OpenMoji line art -> colour pairs (train split only).

    nohup python -m training.pix2pix.train --name pix2pix > runs/pix2pix/log.txt 2>&1 &
    nohup python -m training.pix2pix.train --name pix2pix --resume --epochs 20 > runs/pix2pix/log.txt 2>&1 &

Loss: conditional GAN (PatchGAN, BCE) + 100 * L1; Adam lr 2e-4, betas (0.5, 0.999). Inputs are augmented towards
real user sketches and carry simulated colour hints (training/pix2pix/augment.py). Every batch draws its randomness
from (seed, epoch, batch), so a resumed run continues exactly as an uninterrupted one would.
Checkpoints (safetensors + JSON, no pickle: training/common/checkpoint.py) go to runs/<name>/ every few minutes; a
sample grid of held-out emoji per epoch goes to runs/<name>/samples/. --publish ships the generator (fp16) as `pix2pix-openmoji` after each epoch.
What ships, is sampled and saved per epoch is an exponential moving average of the generator's weights (--ema).
"""
from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tqdm import tqdm

from models.imaging import grid
from models.pix2pix.config import DEFAULT_CONFIG
from models.pix2pix.network import PatchDiscriminator, build
from models.weights_io import save
from training.common import checkpoint as ckpt
from training.common.ema import update_ema
from training.common.paths import RUNS
from training.pix2pix.augment import geometric, network_input, simulate_hints, sketch_style
from training.pix2pix.data import MODEL_NAME, load_pairs
from training.pix2pix.runs import CHECKPOINT, generator_state
from training.pix2pix.step import gan_step
LICENCE = "CC BY-SA 4.0 (weights trained on OpenMoji, CC BY-SA 4.0, openmoji.org)"
DATA_NOTE = "OpenMoji 17.0.0 (npm openmoji@17.0.0): black line art -> colour SVGs rendered at 128 px, train split"


def lr_factor(progress: float, epochs: int, decay_epochs: float) -> float:
    """1 until the last decay_epochs epochs, then linearly down to 0 at the end (progress in epochs)."""
    if decay_epochs <= 0:
        return 1.0
    return float(min(1.0, max(0.0, (epochs - progress) / decay_epochs)))


def make_batch(sketches, colours, indices, rng, augment=True):
    """(inputs (B, 5, H, W), targets (B, 3, H, W)) as float tensors in [-1, 1]."""
    xs, ys = [], []
    for i in indices:
        s, c = sketches[i], colours[i]
        if augment:
            s, c = geometric(s, c, rng)
            s_in = sketch_style(s, rng) if rng.random() > 0.25 else s
        else:
            s_in = s
        xs.append(network_input(s_in, simulate_hints(c, s, rng)))
        ys.append(c.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def sample_grid(G, sketches, colours, path: Path, seed: int):
    """Rows: sketch, colorized without hints, with simulated hints (hint dots shown), ground truth."""
    rng = np.random.default_rng(seed)
    idx = np.linspace(0, len(sketches) - 1, 8).astype(int)
    G.eval()
    with torch.inference_mode():
        plain = torch.from_numpy(np.stack([network_input(sketches[i], np.zeros((4, *sketches[i].shape), np.float32))
                                           for i in idx]))
        hinted = torch.from_numpy(np.stack([network_input(sketches[i], simulate_hints(colours[i], sketches[i], rng,
                                                                                     p_none=0.0)) for i in idx]))
        out_plain, out_hint = G(plain), G(hinted)
    G.train()
    hint_view = torch.where(hinted[:, 4:5] > 0, hinted[:, 1:4], out_hint)
    truth = torch.from_numpy(np.stack([colours[i].transpose(2, 0, 1) for i in idx]).astype(np.float32) / 127.5 - 1)
    rows = torch.cat([plain[:, :1].repeat(1, 3, 1, 1), out_plain, hint_view, truth])
    path.parent.mkdir(parents=True, exist_ok=True)
    grid(rows, nrow=8).save(path)


def save_checkpoint(run: Path, G, D, optG, optD, progress: dict, ema=None) -> None:
    ckpt.save(run / CHECKPOINT, progress, modules={"G": G, "D": D, **({"E": ema} if ema is not None else {})},
              optimizers={"optG": optG, "optD": optD})


def fit_shapes(saved: dict[str, torch.Tensor], fresh: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Saved weights adapted to the current network (e.g. a plain generator resumed as a paint-mask one: the extra
    mask channel starts at zero, i.e. mask 0.5)."""
    return {k: ckpt.grow(v, fresh[k].shape) if k in fresh else v for k, v in saved.items()}


def generator_tensors(G) -> dict[str, torch.Tensor]:
    return {k: v for k, v in G.state_dict().items() if not k.endswith("num_batches_tracked")}


def publish_generator(G, config: dict, note: str) -> None:
    from training.common.publish import publish

    publish(MODEL_NAME, "pix2pix", generator_tensors(G), title="Sketch colorizer (pix2pix, OpenMoji)",
            description="Colors black-on-white line drawings; optional colour hints steer it. " + note,
            config=config, licence=LICENCE, data=DATA_NOTE, metrics={}, dtype=torch.float16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--name", default="pix2pix")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--ngf", type=int, default=32)
    parser.add_argument("--ndf", type=int, default=32)
    parser.add_argument("--paint-mask", type=int, default=1, choices=[0, 1],
                        help="generator blends its colour with the sketch through a learned mask (1) or not (0); a "
                             "checkpoint of the other kind is converted on --resume")
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--decay-epochs", type=float, default=0, help="decay the learning rate linearly to 0 over "
                        "the last N epochs (pix2pix's schedule: constant, then linear decay)")
    parser.add_argument("--ema", type=float, default=0.998, help="decay of the generator weight average (0: off)")
    parser.add_argument("--lambda-l1", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-minutes", type=float, default=4.0)
    parser.add_argument("--max-batches", type=int, default=0, help="stop after this many batches (smoke tests)")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--init-from", metavar="GENERATOR", help="start the generator (and its average) from these "
                        "weights, e.g. the shipped models/weights/pix2pix-openmoji.safetensors; D and optimisers new")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--publish", action="store_true", help=f"ship the generator as {MODEL_NAME} after each epoch")
    parser.add_argument("--publish-only", metavar="GENERATOR", help="ship this generator file (G_epochNNN.safetensors "
                        "or checkpoint.safetensors of the run) and exit")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    run = RUNS / args.name
    run.mkdir(parents=True, exist_ok=True)
    config = {**DEFAULT_CONFIG, "ngf": args.ngf, "paint_mask": bool(args.paint_mask)}
    if args.publish_only:
        tensors = generator_state(args.publish_only)
        G = build(config)
        G.load_state_dict({k: v.float() for k, v in tensors.items()})
        publish_generator(G, config, f"Weights from {Path(args.publish_only).name} of run {args.name}.")
        print(f"published {MODEL_NAME} from {args.publish_only}")
        return
    hyper = {**vars(args), "model_config": config}
    data = load_pairs(config["work_size"])
    train = data["split"] == "train"
    sk_train, col_train = data["sketch"][train], data["colour"][train]
    sk_test, col_test = data["sketch"][~train], data["colour"][~train]
    print(f"{len(sk_train)} training pairs, {len(sk_test)} held-out pairs (never trained on)", flush=True)

    torch.manual_seed(args.seed)
    G, D = build(config), PatchDiscriminator(8, args.ndf)
    ema = copy.deepcopy(G).eval() if args.ema else None  # weight average: what ships, evaluates and is sampled
    optG = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(0.5, 0.999))
    epoch, start_batch = 0, 0
    if args.init_from and not (args.resume and (run / CHECKPOINT).exists()):
        G.load_state_dict(fit_shapes({k: v.float() for k, v in load_file(args.init_from).items()}, G.state_dict()))
        if ema is not None:
            ema.load_state_dict(G.state_dict())
        print(f"generator initialised from {args.init_from}", flush=True)
    if args.resume and (run / CHECKPOINT).exists():
        modules = {"G": G, "D": D, **({"E": ema} if ema is not None else {})}
        progress = ckpt.load(run / CHECKPOINT, modules, {"optG": optG, "optD": optD}, fit=ckpt.grow, optional=("E",))
        if ema is not None and "E" not in progress["modules"]:  # a run that kept no average: start it from G
            ema.load_state_dict(G.state_dict())
        epoch, start_batch = progress["epoch"], progress["batch"]
        print(f"resumed at epoch {epoch}, batch {start_batch}", flush=True)
    (run / "config.json").write_text(json.dumps(hyper, indent=2))
    batches = len(sk_train) // args.batch_size
    last_save, done = time.time(), 0

    while epoch < args.epochs:
        order = np.random.default_rng([args.seed, epoch]).permutation(len(sk_train))
        bar = tqdm(range(start_batch, batches), desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=10)
        for b in bar:
            lr = args.lr * lr_factor(epoch + b / batches, args.epochs, args.decay_epochs)
            for opt in (optG, optD):
                for group in opt.param_groups:
                    group["lr"] = lr
            rng = np.random.default_rng([args.seed, epoch, b])
            torch.manual_seed(int(rng.integers(2 ** 31)))  # dropout
            x, y = make_batch(sk_train, col_train, order[b * args.batch_size:(b + 1) * args.batch_size], rng)
            loss_d, loss_gan, loss_l1 = gan_step(G, D, optG, optD, x, y, args.lambda_l1)
            if ema is not None:
                update_ema(ema, G, args.ema, copy_buffers=True)
            bar.set_postfix(lr=f"{lr:.1e}", D=f"{loss_d:.3f}", G_gan=f"{loss_gan:.3f}", L1=f"{loss_l1:.4f}")
            done += 1
            if time.time() - last_save > args.checkpoint_minutes * 60:
                save_checkpoint(run, G, D, optG, optD, {"epoch": epoch, "batch": b + 1}, ema)
                last_save = time.time()
            if args.max_batches and done >= args.max_batches:
                save_checkpoint(run, G, D, optG, optD, {"epoch": epoch, "batch": b + 1}, ema)
                print("stopped after --max-batches", flush=True)
                return
        epoch, start_batch = epoch + 1, 0
        save_checkpoint(run, G, D, optG, optD, {"epoch": epoch, "batch": 0}, ema)
        shipped = ema if ema is not None else G
        save(generator_tensors(shipped), run / f"G_epoch{epoch:03d}.safetensors", config)
        sample_grid(shipped, sk_test, col_test, run / "samples" / f"epoch_{epoch:03d}.png", args.seed)
        if args.publish:
            publish_generator(shipped, config, f"Checkpoint after epoch {epoch}.")
        print(f"epoch {epoch} done; checkpoint, generator and samples in {run}", flush=True)


if __name__ == "__main__":
    main()
