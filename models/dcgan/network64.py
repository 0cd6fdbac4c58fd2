"""The 64x64 colour DCGAN networks ("conv64" in the config, models/dcgan/config.py):

Generator (Radford et al. 2016 at 64x64, narrower): z (100) -> ConvT 8w@4x4 -> 4w@8 -> 2w@16 -> w@32 -> 3@64x64,
BatchNorm + ReLU between, tanh out. Discriminator: strided convs 3@64 -> w@32 -> 2w@16 -> 4w@8 -> 8w@4 -> one score,
LeakyReLU 0.2, spectral norm on every layer instead of BatchNorm (Miyato et al. 2018): it keeps D Lipschitz, which is
what lets the hinge loss train steadily on a few thousand images. D exists only for training.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from models.dcgan.config import LATENT_DIM

G64_WIDTH, D64_WIDTH = 32, 32


class Generator64(nn.Module):
    """z (N, latent_dim) -> (N, 3, 64, 64) in [-1, 1]."""

    def __init__(self, latent_dim: int = LATENT_DIM, width: int = G64_WIDTH, channels: int = 3):
        super().__init__()
        self.latent_dim = latent_dim
        w = width
        layers = [nn.ConvTranspose2d(latent_dim, 8 * w, 4, 1, 0, bias=False), nn.BatchNorm2d(8 * w), nn.ReLU(True)]
        for c_in, c_out in ((8 * w, 4 * w), (4 * w, 2 * w), (2 * w, w)):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(w, channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.view(len(z), self.latent_dim, 1, 1))

    @property
    def first_layer_weight(self) -> torch.Tensor:
        """The first layer as (latent_dim, ...): what SeFa factorises."""
        return self.net[0].weight


class Discriminator64(nn.Module):
    """(N, 3, 64, 64) -> (N,) unbounded scores (hinge loss), spectral norm on every layer."""

    def __init__(self, width: int = D64_WIDTH, channels: int = 3):
        super().__init__()
        w = width
        layers, c_in = [], channels
        for c_out in (w, 2 * w, 4 * w, 8 * w):
            layers += [spectral_norm(nn.Conv2d(c_in, c_out, 4, 2, 1)), nn.LeakyReLU(0.2, True)]
            c_in = c_out
        layers.append(spectral_norm(nn.Conv2d(c_in, 1, 4, 1, 0)))
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)
