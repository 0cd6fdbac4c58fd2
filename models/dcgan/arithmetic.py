"""Latent arithmetic (Radford et al. 2016, the DCGAN paper's "smiling woman - neutral woman + neutral man"): average
the latents of three groups of images A, B and C and draw A - B + C, with random neighbours around it.

A group is a list of seeds and/or pictures (pictures are inverted first, models/dcgan/invert.py), e.g. slanted sevens
(A), upright sevens (B), upright ones (C): A - B + C should be a slanted one. Used by the Latent Explorer
(pages/latent_tools.py) and `python -m models arithmetic` (models/dcgan/arithmetic_cli.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from models.dcgan.model import DCGANModel

GROUPS = ("A", "B", "C")
MAX_GROUP = 16  # latents per group


@dataclass
class Arithmetic:
    means: torch.Tensor       # (3, latent_dim): the mean latent of A, B and C
    result: torch.Tensor      # (latent_dim,): A - B + C
    neighbours: torch.Tensor  # (n, latent_dim): random points around the result


def combine(model: DCGANModel, groups: list[torch.Tensor], n_neighbours: int = 8, radius: float = 0.5,
            seed: int = 0) -> Arithmetic:
    """groups: three (n_i, latent_dim) latent batches (A, B, C), 1..MAX_GROUP each -> their means, A - B + C and
    n_neighbours random points within ~radius of it. ValueError for an empty, oversized or malformed group."""
    if len(groups) != len(GROUPS):
        raise ValueError(f"latent arithmetic takes three groups ({', '.join(GROUPS)}), got {len(groups)}")
    means = []
    for name, latents in zip(GROUPS, groups):
        latents = torch.as_tensor(latents, dtype=torch.float32)
        if latents.numel() % model.latent_dim:
            raise ValueError(f"group {name}: each latent must hold {model.latent_dim} numbers")
        latents = latents.reshape(-1, model.latent_dim)
        if not 1 <= len(latents) <= MAX_GROUP:
            raise ValueError(f"group {name} needs 1 to {MAX_GROUP} images, got {len(latents)}")
        if not torch.isfinite(latents).all():
            raise ValueError(f"group {name} holds a latent that is not finite")
        means.append(latents.mean(0))
    means = torch.stack(means)
    result = means[0] - means[1] + means[2]
    neighbours = model.neighbours(result, n_neighbours, radius, seed) if n_neighbours else \
        torch.empty(0, model.latent_dim)
    return Arithmetic(means, result, neighbours)


def parse_group(name: str, text: str) -> list[int | str]:
    """'7,12,digit.png' -> [7, 12, 'digit.png']: whole numbers are seeds, anything else a picture's path."""
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    if not 1 <= len(items) <= MAX_GROUP:
        raise ValueError(f"group {name} needs 1 to {MAX_GROUP} comma-separated seeds or picture paths, "
                         f"got {len(items)}")
    return [int(t) if t.isdigit() else t for t in items]
