"""The encoder network: image (N, 1, 28, 28) in [-1, 1] -> latent (N, latent_dim). Two strided convs (as the DCGAN
discriminator's body, with BatchNorm) and two FC layers. `from_entry` loads a shipped encoder."""
from __future__ import annotations

import torch
from torch import nn

from models.encoder.config import EncoderConfig
from models.registry import ModelEntry
from models.store import Progress
from models.weights_io import load_into


class Encoder(nn.Module):
    """conv w@14x14 -> conv 2w@7x7 (BN), LeakyReLU 0.2 -> FC hidden -> FC latent_dim."""

    def __init__(self, latent_dim: int = EncoderConfig.latent_dim, width: int = EncoderConfig.width,
                 hidden: int = EncoderConfig.hidden):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2, True),
            nn.Flatten(), nn.Linear(2 * width * 7 * 7, hidden), nn.LeakyReLU(0.2, True),
            nn.Linear(hidden, latent_dim),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images)


def build(config: EncoderConfig) -> Encoder:
    return Encoder(config.latent_dim, config.width, config.hidden)


def from_entry(entry: ModelEntry, device: torch.device, progress: Progress | None = None) -> Encoder:
    """The encoder in eval mode, its config at `.config`."""
    config = EncoderConfig.from_dict(entry.config)
    encoder = build(config)
    load_into(encoder, entry, progress)
    encoder.config = config
    return encoder.to(device).eval()
