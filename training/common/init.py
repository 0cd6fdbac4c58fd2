"""Weight initialisation of the GAN networks (DCGAN, InfoGAN): Radford et al. 2016's N(0, 0.02) for convolutions and
linear layers, N(1, 0.02) for BatchNorm scales, zero biases."""
from __future__ import annotations

from torch import nn


def init_weights(module: nn.Module) -> None:
    """Use as net.apply(init_weights)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
