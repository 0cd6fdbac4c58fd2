"""The encoder config: network shape, the generator and classifier it works with, and how inversion refines and
prepares inputs (models/dcgan/invert.py). Training settings stay in `extra`."""
from __future__ import annotations

from dataclasses import dataclass

from models.config import ModelConfig


@dataclass
class EncoderConfig(ModelConfig):
    generator: str = "dcgan-mnist"  # the DCGAN whose latent space it maps into
    classifier: str = "classifier-mnist"  # whose features the refinement's feature loss compares
    latent_dim: int = 100
    width: int = 32  # conv channels: w@14x14 -> 2w@7x7 -> FC hidden -> latent
    hidden: int = 256
    steps: int = 40  # Adam steps on the latent after the encoder's guess
    lr: float = 0.05
    feature_weight: float = 0.05  # feature loss (classifier's 128-d features) next to the pixel loss
    max_radius: float = 1.15  # the latent's noise part is kept within max_radius * sqrt(latent_dim) of its centre
    box: int = 20  # preparation: the ink's longer side scaled to box pixels inside 28x28 (20: MNIST, 28: Fashion)
    centre_by_mass: bool = True  # centre by the ink's centre of mass (MNIST) or by its bounding box (Fashion)
