"""The photo colorizer's network: the pix2pix U-Net (models/pix2pix/network.py) with one input channel, Lab
lightness L/50 - 1 (then, for a model that reads hints, the three hint planes of models/photo/hints.py), and two
outputs, Lab a and b divided by ab_scale (tanh). Its PatchGAN judges (L, a, b)."""
from __future__ import annotations

from collections.abc import Mapping

from models.photo.config import PhotoConfig
from models.pix2pix.network import PatchDiscriminator, UNetGenerator

__all__ = ["build", "build_discriminator"]


def build(config: PhotoConfig | Mapping) -> UNetGenerator:
    config = PhotoConfig.coerce(config)
    return UNetGenerator(config.ngf, config.depth, in_channels=1 + config.hint_planes, out_channels=2, paint_mask=False)


def build_discriminator(ndf: int = 32) -> PatchDiscriminator:
    return PatchDiscriminator(in_channels=3, ndf=ndf)
