"""The DCGAN config: network shape and latent prior. A run's training settings stay in `extra`."""
from __future__ import annotations

from dataclasses import dataclass

from models.config import ModelConfig

LATENT_DIM = 100


@dataclass
class PriorConfig(ModelConfig):
    """A mixture of `components` Gaussians N(c_k, spread^2 I) around fixed centres c_k ~ N(0, I) drawn from
    centre_seed (models.dcgan.model.LatentPrior); components = 0 is N(0, I)."""
    components: int = 0
    centre_seed: int = 0
    spread: float = 1.0


@dataclass
class DCGANConfig(ModelConfig):
    arch: str = "conv"  # "conv" or "fc" (28x28 grey, models/dcgan/network.py) or "conv64" (64x64 RGB, network64.py)
    latent_dim: int = LATENT_DIM
    g_width: int = 64  # generator channels: 2w@7x7 -> w@14x14 -> 1@28x28
    d_width: int = 64  # discriminator channels: w@14x14 -> 2w@7x7
    prior: PriorConfig | None = None  # None: N(0, I)
