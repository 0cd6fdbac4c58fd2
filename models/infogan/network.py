"""InfoGAN networks for MNIST (Chen et al. 2016, arXiv:1606.03657) and the latent layout they take.

Latent = 62 noise values ~ Unif(-1, 1) ++ a one-hot Cat(10) code ++ K continuous codes ~ Unif(-1, 1) (K = 2 as in
the paper; a generator's K follows from its input size). D and Q share one body; Q's head predicts the codes.
"""
from __future__ import annotations

import torch
from torch import nn

from models.infogan.config import LATENT_DIM, N_CATEGORIES, N_CONTINUOUS, NOISE_DIM


class Generator(nn.Module):
    """FC1024-BN-ReLU -> FC 7x7x128-BN-ReLU -> ConvT 64 (14x14)-BN-ReLU -> ConvT 1 (28x28) -> tanh."""

    def __init__(self, latent_dim: int = LATENT_DIM):
        super().__init__()
        self.fc = nn.Sequential(
            nn.Linear(latent_dim, 1024, bias=False), nn.BatchNorm1d(1024), nn.ReLU(True),
            nn.Linear(1024, 128 * 7 * 7, bias=False), nn.BatchNorm1d(128 * 7 * 7), nn.ReLU(True),
        )
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(True),
            nn.ConvTranspose2d(64, 1, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.deconv(self.fc(latent).view(-1, 128, 7, 7))


class DiscriminatorBody(nn.Module):
    """The part D and Q share: conv64 (lrelu 0.1) -> conv128-BN -> FC1024-BN, all lrelu 0.1."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 4, 2, 1), nn.LeakyReLU(0.1, True),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.1, True),
            nn.Flatten(),
            nn.Linear(128 * 7 * 7, 1024, bias=False), nn.BatchNorm1d(1024), nn.LeakyReLU(0.1, True),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images)


class QHead(nn.Module):
    """FC128-BN-lrelu -> 10 category logits, K means and K log-stds (a factored Gaussian) of the continuous codes."""

    def __init__(self, n_continuous: int = N_CONTINUOUS):
        super().__init__()
        self.n_continuous = n_continuous
        self.net = nn.Sequential(
            nn.Linear(1024, 128, bias=False), nn.BatchNorm1d(128), nn.LeakyReLU(0.1, True),
            nn.Linear(128, N_CATEGORIES + 2 * n_continuous),
        )

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        out = self.net(features)
        k = self.n_continuous
        logits = out[:, :N_CATEGORIES]
        mean = out[:, N_CATEGORIES:N_CATEGORIES + k]
        log_std = out[:, N_CATEGORIES + k:].clamp(-5.0, 2.0)
        return logits, mean, log_std


def latent_dim(n_continuous: int) -> int:
    """Generator input size for K continuous codes: 62 noise + 10 category + K."""
    return NOISE_DIM + N_CATEGORIES + n_continuous


def continuous_count(generator: "Generator") -> int:
    """K, the number of continuous codes a generator takes (its input size minus noise and category)."""
    return generator.fc[0].in_features - NOISE_DIM - N_CATEGORIES


def make_latent(noise: torch.Tensor, categories: torch.Tensor, continuous: torch.Tensor) -> torch.Tensor:
    """(N, 62) noise, (N,) category indices and (N, K) continuous codes -> (N, 72 + K) generator input."""
    onehot = nn.functional.one_hot(categories.long(), N_CATEGORIES).to(noise.dtype)
    return torch.cat([noise, onehot, continuous.to(noise.dtype)], dim=1)
