"""DCGAN generator snapshots shared by training/dcgan/train.py and evaluate.py: the EMA generator of a run's
checkpoint, with its BatchNorm statistics re-estimated the way every sample grid and publish does it."""
from __future__ import annotations

import json
from pathlib import Path

import torch

from models.dcgan.config import LATENT_DIM, DCGANConfig
from models.dcgan.model import LatentPrior
from models.dcgan.network import build_generator
from training.common import checkpoint as ckpt

CHECKPOINT = "checkpoint.safetensors"  # in the run folder, beside config.json


@torch.no_grad()
def recalibrate_batchnorm(gen: torch.nn.Module, prior: LatentPrior | None = None, batches: int = 20,
                          batch_size: int = 256, seed: int = 12345) -> None:
    """Re-estimate BN running statistics of gen on fresh latents of its prior (default N(0, I); cumulative average),
    then eval mode."""
    prior = prior or LatentPrior(gen.latent_dim)
    noise = torch.Generator().manual_seed(seed)
    device = next(gen.parameters()).device
    for m in gen.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None
    gen.train()
    for _ in range(batches):
        gen(prior.sample(batch_size, noise).to(device))
    for m in gen.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.momentum = 0.1
    gen.eval()


def checkpoint_generator(path: Path) -> tuple[torch.nn.Module, dict, dict]:
    """(EMA generator with BN recalibrated on its prior, as at the end of every epoch; the run's config.json beside
    the checkpoint; the checkpoint's counters) of a run's checkpoint.safetensors."""
    config = json.loads((path.parent / "config.json").read_text())
    typed = DCGANConfig.from_dict(config)
    gen = build_generator(typed.arch, LATENT_DIM, typed.g_width)
    state = ckpt.load(path, modules={"G_ema": gen})
    recalibrate_batchnorm(gen, LatentPrior.from_config(config))
    return gen, config, {k: int(state[k]) for k in ("epoch", "batch_index", "step")}
