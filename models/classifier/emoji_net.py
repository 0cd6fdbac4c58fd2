"""The emoji category judge's network ("emoji64" in the classifier config): 64x64 colour emoji -> one of the Unicode
categories (Smileys & Emotion, People & Body, ... Flags), used to evaluate the dcgan-emoji generator.

Four stride-2 conv stages (3x3 conv + BatchNorm + ReLU, then 2x2 max-pool): w@32 -> 2w@16 -> 4w@8 -> 8w@4, global
average pool, fc feature_dim (the FID features, after ReLU), fc n_classes. Inputs (N, 3, 64, 64) in [-1, 1].
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class EmojiNet(nn.Module):
    def __init__(self, width: int = 32, feature_dim: int = 128, n_classes: int = 9):
        super().__init__()
        layers, c_in = [], 3
        for c_out in (width, 2 * width, 4 * width, 8 * width):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True),
                       nn.MaxPool2d(2)]
            c_in = c_out
        self.body = nn.Sequential(*layers)
        self.fc1 = nn.Linear(c_in, feature_dim)
        self.dropout = nn.Dropout(0.3)
        self.fc2 = nn.Linear(feature_dim, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations (N, feature_dim), after ReLU."""
        return F.relu(self.fc1(self.body(x).mean(dim=(2, 3))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.dropout(self.features(x)))
