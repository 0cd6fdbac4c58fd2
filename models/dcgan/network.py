"""DCGAN networks for 28x28 greyscale images, in two shapes ("arch" in the config, models/dcgan/config.py):

- "conv" (Radford et al.): z (100) -> ConvT 2w@7x7 -> ConvT w@14x14 -> ConvT 1@28x28, BN + ReLU, tanh output.
  Discriminator: strided convs w@14 -> 2w@7 (BN) with LeakyReLU 0.2 -> one logit.
- "fc" (the MNIST networks of the InfoGAN paper, Chen et al. 2016, appendix C.1, as a plain GAN): z (100) -> FC 1024
  -> FC 128@7x7 -> ConvT 64@14x14 -> ConvT 1@28x28, BN + ReLU, tanh. Discriminator: strided convs 64@14 -> 128@7 (BN)
  -> FC 1024 (BN) with LeakyReLU 0.2 -> one logit. Its big FC layer ships as int8 rows (storage_form).
- "conv64": 64x64 colour images (the emoji generator), in models/dcgan/network64.py.
"""
from __future__ import annotations

import torch
from torch import nn

from models.dcgan.config import DCGANConfig, LATENT_DIM
from models.dcgan.network64 import Generator64
from models.weights_io import quantize_state

ARCHS = ("conv", "fc")  # the 28x28 shapes; "conv64" is built by build_generator too
G_WIDTH, D_WIDTH = DCGANConfig.g_width, DCGANConfig.d_width


class Generator(nn.Module):
    """The "conv" generator; width w gives 2w channels at 7x7 and w at 14x14."""

    def __init__(self, latent_dim: int = LATENT_DIM, width: int = G_WIDTH):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 7, 1, 0, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(True),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(True),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.view(len(z), self.latent_dim, 1, 1))

    @property
    def first_layer_weight(self) -> torch.Tensor:
        """The first layer as (latent_dim, ...): what SeFa factorises."""
        return self.net[0].weight


class FCGenerator(nn.Module):
    """The "fc" generator: FC 1024 -> FC 128@7x7 -> ConvT 64@14x14 -> ConvT 1@28x28 (BN + ReLU, tanh)."""

    def __init__(self, latent_dim: int = LATENT_DIM, width: int = G_WIDTH):
        super().__init__()
        self.latent_dim = latent_dim
        self.fc = nn.Sequential(
            nn.Linear(latent_dim, 1024, bias=False), nn.BatchNorm1d(1024), nn.ReLU(True),
            nn.Linear(1024, 2 * width * 7 * 7, bias=False), nn.BatchNorm1d(2 * width * 7 * 7), nn.ReLU(True),
        )
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(True),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        hidden = self.fc(z.view(len(z), self.latent_dim))
        return self.deconv(hidden.view(len(z), -1, 7, 7))

    @property
    def first_layer_weight(self) -> torch.Tensor:
        return self.fc[0].weight.T


def strided_convs(width: int) -> list[nn.Module]:
    """Both discriminators start so: 1@28x28 -> conv w@14x14 -> conv 2w@7x7 (BN), LeakyReLU 0.2."""
    return [nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2, True)]


class Discriminator(nn.Module):
    """The "conv" discriminator."""

    def __init__(self, width: int = D_WIDTH):
        super().__init__()
        self.net = nn.Sequential(*strided_convs(width), nn.Conv2d(2 * width, 1, 7, 1, 0))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


class FCDiscriminator(nn.Module):
    """The "fc" discriminator: conv 64@14 -> conv 128@7 (BN) -> FC 1024 (BN) -> one logit, LeakyReLU 0.2."""

    def __init__(self, width: int = D_WIDTH):
        super().__init__()
        self.net = nn.Sequential(
            *strided_convs(width), nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, 1024, bias=False), nn.BatchNorm1d(1024), nn.LeakyReLU(0.2, True),
            nn.Linear(1024, 1),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


def build_generator(arch: str = "conv", latent_dim: int = LATENT_DIM, width: int = G_WIDTH) -> nn.Module:
    if arch not in ARCHS:
        if arch == "conv64":
            return Generator64(latent_dim, width)
        raise ValueError(f"arch must be one of {', '.join(ARCHS + ('conv64',))}, got {arch!r}")
    return (Generator if arch == "conv" else FCGenerator)(latent_dim, width)


def build_discriminator(arch: str = "conv", width: int = D_WIDTH) -> nn.Module:
    """The 28x28 discriminators ("conv64" trains with models.dcgan.network64.Discriminator64)."""
    if arch not in ARCHS:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {arch!r}")
    return (Discriminator if arch == "conv" else FCDiscriminator)(width)


def storage_form(state: dict[str, torch.Tensor], arch: str) -> dict[str, torch.Tensor]:
    """A generator's tensors as its shipped file holds them: the "fc" shape's big FC layer as int8 rows (fp32 it
    would be 26 MB, over the 10 MB limit); the "conv" shape as it is. models.dcgan.model.from_entry reads either form."""
    return quantize_state(state) if arch == "fc" else state

