"""The InfoGAN config: the generator's input size and how the app's controls map onto the learned codes."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.config import ModelConfig

NOISE_DIM = 62
N_CATEGORIES = 10
N_CONTINUOUS = 2  # the paper's K; training/infogan/train.py --continuous K trains others
LATENT_DIM = NOISE_DIM + N_CATEGORIES + N_CONTINUOUS


@dataclass
class InfoGANConfig(ModelConfig):
    latent_dim: int = LATENT_DIM  # 62 noise + 10 category + K continuous codes
    # category_to_digit[c] = the digit category c draws (the categories were learned without labels)
    category_to_digit: list[int] = field(default_factory=lambda: list(range(N_CATEGORIES)))
    # raw continuous codes = code_matrix @ (rotation, width), a K x 2 matrix; None: the first two codes as they are
    code_matrix: list[list[float]] | None = None
