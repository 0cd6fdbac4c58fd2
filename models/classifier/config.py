"""The classifier config: LeNet widths and the class names. Training settings stay in `extra`."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.config import ModelConfig

FEATURE_DIM = 128
N_CLASSES = 10


@dataclass
class ClassifierConfig(ModelConfig):
    arch: str = "lenet"  # "lenet" (28x28 grey, model.py) or "emoji64" (64x64 colour emoji categories, emoji_net.py)
    width: int = 32  # conv channels: width, then 2 * width
    feature_dim: int = FEATURE_DIM  # the penultimate layer, where FID is computed
    class_names: list[str] = field(default_factory=lambda: [str(i) for i in range(N_CLASSES)])
