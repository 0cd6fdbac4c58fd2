"""A small LeNet-style digit / clothing classifier: the independent judge used for FID features and recognizability.

Inputs are (N, 1, 28, 28) in [-1, 1]. `features(x)` is the 128-d penultimate layer (FID is computed there),
`forward(x)` the 10 logits. `from_entry` builds a ready `Classifier` for a manifest entry of family "classifier"; a
config with arch "emoji64" gets the 64x64 colour emoji judge (models/classifier/emoji_net.py) instead.
"""
from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn
from torch.nn import functional as F

from models.classifier.config import FEATURE_DIM, N_CLASSES, ClassifierConfig
from models.classifier.emoji_net import EmojiNet
from models.registry import ModelEntry
from models.store import Progress
from models.weights_io import load_into


class LeNet(nn.Module):
    """conv5(32)-pool -> conv5(64)-pool -> fc 128 (features) -> fc 10 (logits)."""

    def __init__(self, width: int = ClassifierConfig.width, feature_dim: int = FEATURE_DIM, n_classes: int = N_CLASSES):
        super().__init__()
        self.conv1 = nn.Conv2d(1, width, 5, padding=2)
        self.conv2 = nn.Conv2d(width, 2 * width, 5, padding=2)
        self.fc1 = nn.Linear(2 * width * 7 * 7, feature_dim)
        self.dropout = nn.Dropout(0.3)
        self.fc2 = nn.Linear(feature_dim, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations (N, feature_dim), after ReLU."""
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return F.relu(self.fc1(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.dropout(self.features(x)))


class Classifier:
    """A loaded classifier with batched inference helpers (no gradients)."""

    def __init__(self, net: LeNet | EmojiNet, config: ClassifierConfig | Mapping, device: torch.device):
        self.net = net.to(device).eval()
        self.config = ClassifierConfig.coerce(config)
        self.device = device
        self.class_names = list(self.config.class_names)

    @torch.inference_mode()
    def _batched(self, fn, images: torch.Tensor, batch_size: int) -> torch.Tensor:
        outs = [fn(images[i:i + batch_size].to(self.device).float()).cpu() for i in range(0, len(images), batch_size)]
        return torch.cat(outs) if outs else torch.empty(0)

    def features(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        return self._batched(self.net.features, images, batch_size)

    def logits(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        return self._batched(self.net, images, batch_size)

    def probabilities(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        return self.logits(images, batch_size).softmax(dim=1)

    def predict(self, images: torch.Tensor, batch_size: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
        """(class index, confidence) per image."""
        conf, cls = self.probabilities(images, batch_size).max(dim=1)
        return cls, conf


def from_entry(entry: ModelEntry, device: torch.device, progress: Progress | None = None) -> Classifier:
    config = ClassifierConfig.from_dict(entry.config)
    if config.arch == "emoji64":
        net = EmojiNet(config.width, config.feature_dim, len(config.class_names))
    elif config.arch == "lenet":
        net = LeNet(config.width, config.feature_dim)
    else:
        raise ValueError(f"classifier arch must be 'lenet' or 'emoji64', got {config.arch!r}")
    load_into(net, entry, progress)
    return Classifier(net, config, device)
