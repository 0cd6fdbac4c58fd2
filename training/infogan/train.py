"""Train InfoGAN on MNIST (no labels used): reproducible from --seed, resumable, a sample grid per epoch.

    nohup python -m training.infogan.train --seed 1 --epochs 40 > runs/infogan-s1/log.txt 2>&1 &
    python -m training.infogan.train --seed 1 --epochs 60 --resume      # continue the same run
    python -m training.infogan.train --seed 4 --epochs 60 --device cuda --judge   # a GPU lease: keep the best epoch

--continuous K trains K continuous codes instead of the paper's 2 (training/infogan/evaluate.py then picks which raw
codes the app's rotation and width drive). --init-from G.safetensors starts G from a trained generator (D and Q start fresh);
a generator with fewer continuous codes keeps its weights and gains new, randomly initialised input columns for the
extra codes, so training grows codes for variations the old ones leave to the noise. --warmup-epochs N then trains
only D and Q for N epochs (G frozen) so that a fresh D does not tear a trained G apart.

--judge: at every snapshot, category accuracy (Hungarian-matched, training/infogan/categories.py, 500 samples per
category) with the shipped classifier-mnist; logged in history.jsonl; the best epoch is kept as generator_best.safetensors.

Writes under runs/infogan-s<seed>/: config.json, checkpoint.safetensors + checkpoint.json (all networks, optimisers
and random-generator states; training/common/checkpoint.py), generator.safetensors (fp32 generator + BN stats, what
evaluation and publishing read), generator_eXXX.safetensors every 5 epochs, samples/epoch_XXX.png (rows = the 10 categories, columns = fixed noise; then a sweep of each continuous code).
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from models import imaging
from models.infogan.config import N_CATEGORIES, N_CONTINUOUS, NOISE_DIM
from models.infogan.network import DiscriminatorBody, Generator, QHead, continuous_count, latent_dim, make_latent
from models.weights_io import save
from training.common import checkpoint as ckpt
from training.common.init import init_weights
from training.common.judge import Judge
from training.common.images import load
from training.common.paths import RUNS
from training.infogan.categories import category_accuracy

DEFAULTS = dict(epochs=40, batch_size=64, lr_d=2e-4, lr_gq=1e-3, beta1=0.5, lambda_cat=1.0, lambda_cont=0.1,
                continuous=N_CONTINUOUS)
JUDGE_PER_CATEGORY = 500  # samples per category per judgement
CHECKPOINT = "checkpoint.safetensors"


def load_mnist_train() -> np.ndarray:
    """uint8 images (N, 28, 28) of the MNIST train split; labels are never looked at."""
    images, _labels = load("mnist", "train")
    return images


def sample_codes(n: int, gen: torch.Generator | None = None, n_continuous: int = N_CONTINUOUS):
    """Noise ~ Unif(-1,1)^62, category ~ uniform Cat(10), continuous ~ Unif(-1,1)^K: the training prior."""
    noise = torch.rand(n, NOISE_DIM, generator=gen) * 2 - 1
    cat = torch.randint(0, N_CATEGORIES, (n,), generator=gen)
    cont = torch.rand(n, n_continuous, generator=gen) * 2 - 1
    return noise, cat, cont


def info_loss(q_out, cat, cont, lambda_cat: float, lambda_cont: float):
    """-(lower bound of the mutual information), up to constants: CE for the category + Gaussian NLL for the codes."""
    logits, mean, log_std = q_out
    loss_cat = F.cross_entropy(logits, cat)
    loss_cont = (0.5 * ((cont - mean) / log_std.exp()) ** 2 + log_std).sum(1).mean()
    return lambda_cat * loss_cat + lambda_cont * loss_cont, loss_cat, loss_cont


class InfoGAN:
    """The three networks, their optimisers and one training step."""

    def __init__(self, cfg: dict, device: str | torch.device = "cpu"):
        self.cfg = cfg
        self.device = torch.device(device)
        k = cfg.get("continuous", N_CONTINUOUS)
        self.G, self.body, self.Q = Generator(latent_dim(k)), DiscriminatorBody(), QHead(k)
        self.D_head = torch.nn.Linear(1024, 1)
        for m in (self.G, self.body, self.Q, self.D_head):
            m.apply(init_weights)
            m.to(self.device)
        betas = (cfg["beta1"], 0.999)
        # Q's loss must train the shared D body too (public ports often forget it). We do it as the paper's code
        # (openai/InfoGAN) does: the D step minimises L_D + lambda * L_info, computed on the same fake batch, so the
        # body gets Q's gradient at D's learning rate; the G+Q step minimises L_G + lambda * L_info over G and the
        # Q head at 1e-3. The body is left out of opt_gq on purpose: there L_G's gradient would push the body to
        # be fooled. tests/test_infogan.py checks that the info loss moves the body's weights.
        self.opt_d = torch.optim.Adam(list(self.body.parameters()) + list(self.D_head.parameters()),
                                      lr=cfg["lr_d"], betas=betas)
        self.opt_gq = torch.optim.Adam(list(self.G.parameters()) + list(self.Q.parameters()),
                                       lr=cfg["lr_gq"], betas=betas)

    def modules(self) -> dict:
        return {"G": self.G, "body": self.body, "Q": self.Q, "D_head": self.D_head}

    def step(self, real: torch.Tensor, gen: torch.Generator | None = None, train_g: bool = True) -> dict:
        cfg = self.cfg
        n = real.shape[0]
        noise, cat, cont = (t.to(self.device) for t in sample_codes(n, gen, self.Q.n_continuous))  # on the CPU
        fake = self.G(make_latent(noise, cat, cont))
        ones, zeros = torch.ones(n, 1, device=self.device), torch.zeros(n, 1, device=self.device)

        # D step (body + D head): real/fake + Q's info loss on the detached fakes, through the shared body.
        feat_real = self.body(real)
        feat_fake = self.body(fake.detach())
        loss_d_adv = (F.binary_cross_entropy_with_logits(self.D_head(feat_real), ones)
                      + F.binary_cross_entropy_with_logits(self.D_head(feat_fake), zeros))
        loss_d_info, _, _ = info_loss(self.Q(feat_fake), cat, cont, cfg["lambda_cat"], cfg["lambda_cont"])
        self.opt_d.zero_grad(set_to_none=True)
        (loss_d_adv + loss_d_info).backward()
        self.opt_d.step()

        # G + Q step: fool D and make the codes recoverable by Q.
        feat = self.body(fake)
        loss_g_adv = F.binary_cross_entropy_with_logits(self.D_head(feat), ones)
        loss_info, loss_cat, loss_cont = info_loss(self.Q(feat), cat, cont, cfg["lambda_cat"], cfg["lambda_cont"])
        self.opt_gq.zero_grad(set_to_none=True)
        self.opt_d.zero_grad(set_to_none=True)  # the body's grads from this pass are discarded
        (loss_g_adv + loss_info).backward()
        if not train_g:  # warm-up: Q learns, G stays (Adam skips parameters without a gradient)
            self.G.zero_grad(set_to_none=True)
        self.opt_gq.step()
        return {"d": loss_d_adv.item(), "g": loss_g_adv.item(), "cat": loss_cat.item(), "cont": loss_cont.item()}

    def optimizers(self) -> dict:
        return {"opt_d": self.opt_d, "opt_gq": self.opt_gq}

    def train(self, mode: bool = True) -> None:
        for m in self.modules().values():
            m.train(mode)


@torch.no_grad()
def init_generator_from(G: Generator, path: Path) -> int:
    """Load a trained generator's weights into G; where G takes more continuous codes, the trained input columns
    are copied and the extra ones keep G's random init. Returns how many codes were added."""
    from safetensors.torch import load_file
    state = load_file(str(path))
    first = G.fc[0].weight
    old = state["fc.0.weight"]
    if old.shape[0] != first.shape[0] or not NOISE_DIM + N_CATEGORIES <= old.shape[1] <= first.shape[1]:
        raise ValueError(f"{path}: first layer {tuple(old.shape)} does not fit {tuple(first.shape)}")
    first[:, :old.shape[1]] = old
    G.load_state_dict({k: v for k, v in state.items() if k != "fc.0.weight"} | {"fc.0.weight": first})
    return first.shape[1] - old.shape[1]


@torch.no_grad()
def sample_grid(G: Generator, path: Path) -> None:
    """10 rows (categories) x 10 noise columns, then 10 rows sweeping each continuous code over -2..2 (category = row)."""
    was_training = G.training
    G.eval()
    k = continuous_count(G)
    gen = torch.Generator().manual_seed(1234)
    noise = (torch.rand(10, NOISE_DIM, generator=gen) * 2 - 1)
    cats = torch.arange(10).repeat_interleave(10)
    lat = [make_latent(noise.repeat(10, 1), cats, torch.zeros(100, k))]
    sweep = torch.linspace(-2, 2, 10).repeat(10)
    for code in range(k):
        cont = torch.zeros(100, k)
        cont[:, code] = sweep
        lat.append(make_latent(noise[:1].repeat(100, 1), cats, cont))
    device = next(G.parameters()).device
    images = torch.cat([G(lat_i.to(device)).cpu() for lat_i in lat])
    path.parent.mkdir(parents=True, exist_ok=True)
    imaging.grid(images, nrow=10, pad=1, pad_value=0.0).save(path)
    G.train(was_training)


def judge_for(run_dir: Path, per_category: int | None = None) -> Judge:
    """The judge of --judge: category accuracy (Hungarian-matched, training/infogan/categories.py) of per_category
    samples per category with the shipped classifier-mnist; the best generator is kept as generator_best.safetensors."""
    from models.infogan.model import InfoGANModel
    from models.loading import load_model

    classifier = load_model("classifier-mnist")

    def score(G: Generator) -> dict:
        frozen = copy.deepcopy(G)
        result = category_accuracy(InfoGANModel(frozen, {}, next(G.parameters()).device), classifier,
                                   per_category or JUDGE_PER_CATEGORY)
        return {"judge_accuracy": result["accuracy"]}

    return Judge(run_dir, score, key="judge_accuracy", best_name="generator_best.safetensors")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="run folder (default runs/infogan-s<seed>)")
    parser.add_argument("--resume", action="store_true", help=f"continue from <out>/{CHECKPOINT}")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--snapshot-every", type=int, default=5, help="keep generator_eXXX.safetensors every N epochs")
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--judge", action="store_true", help="score every snapshot; keep generator_best.safetensors")
    for key, value in DEFAULTS.items():
        parser.add_argument("--" + key.replace("_", "-"), type=type(value), default=value)
    parser.add_argument("--checkpoint-every", type=int, default=1, help=f"write {CHECKPOINT} every N epochs")
    parser.add_argument("--minutes", type=float, default=0.0, help="stop after the epoch that passes this wall time")
    parser.add_argument("--init-from", type=Path, help="start G from this generator (more codes: new columns)")
    parser.add_argument("--warmup-epochs", type=int, default=0, help="train only D and Q for the first N epochs")
    args = parser.parse_args(argv)
    started = time.time()
    torch.set_num_threads(args.threads)
    out = args.out or RUNS / f"infogan-s{args.seed}"
    out.mkdir(parents=True, exist_ok=True)
    cfg = {k: getattr(args, k) for k in DEFAULTS} | {"seed": args.seed}
    if args.init_from:
        cfg |= {"init_from": args.init_from.as_posix(), "warmup_epochs": args.warmup_epochs}

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    model = InfoGAN(cfg, args.device)
    if args.init_from:  # (a resumed run's checkpoint then replaces these weights)
        added = init_generator_from(model.G, args.init_from)
        print(f"G from {args.init_from} ({added} continuous code(s) added)", flush=True)
    data_gen = torch.Generator().manual_seed(args.seed + 1000)  # shuffling
    code_gen = torch.Generator().manual_seed(args.seed + 2000)  # latent codes
    start_epoch = 0
    ckpt_path = out / CHECKPOINT
    rngs = {"data_gen": data_gen, "code_gen": code_gen, "torch": torch.default_generator}
    if args.resume and ckpt_path.exists():
        start_epoch = int(ckpt.load(ckpt_path, model.modules(), model.optimizers(), rngs)["epoch"])
        print(f"resumed from {ckpt_path} at epoch {start_epoch}", flush=True)
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")

    images = torch.from_numpy(load_mnist_train()).float().div(127.5).sub(1).unsqueeze(1).to(args.device)
    judge = judge_for(out) if args.judge else None
    n = images.shape[0]
    print(f"{n} training images; config {cfg}", flush=True)
    steps = n // args.batch_size
    for epoch in range(start_epoch, args.epochs):
        model.train()
        order = torch.randperm(n, generator=data_gen)
        sums: dict[str, float] = {}
        t0 = time.time()
        bar = tqdm(range(steps), desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=10, ascii=True)
        for i in bar:
            batch = images[order[i * args.batch_size:(i + 1) * args.batch_size]]
            losses = model.step(batch, code_gen, train_g=epoch >= args.warmup_epochs)
            for k, v in losses.items():
                sums[k] = sums.get(k, 0.0) + v
            if i % 20 == 0:
                bar.set_postfix({k: f"{v / (i + 1):.3f}" for k, v in sums.items()})
        means = {k: round(v / steps, 4) for k, v in sums.items()}
        sample_grid(model.G, out / "samples" / f"epoch_{epoch + 1:03d}.png")
        save(model.G.state_dict(), out / "generator.safetensors", cfg | {"epoch": epoch + 1})
        if (epoch + 1) % args.snapshot_every == 0:  # kept for choosing the best epoch afterwards
            save(model.G.state_dict(), out / f"generator_e{epoch + 1:03d}.safetensors", cfg | {"epoch": epoch + 1})
            if judge:
                means |= judge(model.G, cfg | {"epoch": epoch + 1})
        out_of_time = bool(args.minutes) and time.time() - started > args.minutes * 60
        if (epoch + 1) % args.checkpoint_every == 0 or epoch + 1 == args.epochs or out_of_time:
            ckpt.save(ckpt_path, {"epoch": epoch + 1}, model.modules(), model.optimizers(), rngs)
        with open(out / "history.jsonl", "a") as f:
            f.write(json.dumps({"epoch": epoch + 1, "seconds": round(time.time() - t0, 1)} | means) + "\n")
        print(f"epoch {epoch + 1}: {means} ({time.time() - t0:.0f} s)", flush=True)
        if out_of_time:
            print(f"--minutes {args.minutes}: stopped after epoch {epoch + 1}", flush=True)
            break


if __name__ == "__main__":
    main()
