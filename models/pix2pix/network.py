"""pix2pix networks (Isola et al. 2017): the U-Net generator of the sketch colorizer and the PatchGAN discriminator
that trains it (training/pix2pix/train.py).

Generator input, 5 channels in [-1, 1] at a grid that is a multiple of 2**depth (128 for depth 7):
    0   the sketch, greyscale (white paper = 1, black ink = -1)
    1-3 hint colours in RGB where the hint mask is 1, else 0
    4   hint mask (1 where the user gave a colour)
Output: RGB in [-1, 1]. With `paint_mask` (the shipped model) the last layer gives a colour (tanh) and a paint
mask m (sigmoid) per pixel, and the output is m * colour + (1 - m) * sketch: paper and lines stay as drawn
unless the network decides to paint there.
"""
from __future__ import annotations

from collections.abc import Mapping

import torch
import torch.nn as nn

from models.pix2pix.config import Pix2PixConfig


class UNetGenerator(nn.Module):
    """pix2pix U-Net: `depth` stride-2 convolutions down to 1x1 (at 128 px), mirrored up, with skip connections.

    Channels per level: ngf * min(2**i, 8). BatchNorm everywhere except the outermost layers and the innermost down
    convolution; dropout 0.5 in the three innermost up blocks during training (off at inference: deterministic).
    paint_mask: one more output channel blends the colour with the input sketch (channel 0), see the module doc.
    """

    def __init__(self, ngf: int = Pix2PixConfig.ngf, depth: int = Pix2PixConfig.depth,
                 in_channels: int = Pix2PixConfig.in_channels, out_channels: int = Pix2PixConfig.out_channels,
                 paint_mask: bool = Pix2PixConfig.paint_mask):
        super().__init__()
        self.paint_mask = paint_mask
        ch = [ngf * min(2 ** i, 8) for i in range(depth)]
        self.downs = nn.ModuleList()
        for i in range(depth):
            if i == 0:
                self.downs.append(nn.Conv2d(in_channels, ch[0], 4, 2, 1))
            elif i == depth - 1:
                self.downs.append(nn.Sequential(nn.LeakyReLU(0.2), nn.Conv2d(ch[i - 1], ch[i], 4, 2, 1)))
            else:
                self.downs.append(nn.Sequential(nn.LeakyReLU(0.2), nn.Conv2d(ch[i - 1], ch[i], 4, 2, 1, bias=False),
                                                nn.BatchNorm2d(ch[i])))
        self.ups = nn.ModuleList()
        for i in reversed(range(depth)):  # up block i undoes down block i
            in_ch = ch[i] if i == depth - 1 else 2 * ch[i]
            if i == 0:
                last = nn.ConvTranspose2d(in_ch, out_channels + int(paint_mask), 4, 2, 1)
                self.ups.append(nn.Sequential(nn.ReLU(), last) if paint_mask else nn.Sequential(nn.ReLU(), last, nn.Tanh()))
            else:
                layers = [nn.ReLU(), nn.ConvTranspose2d(in_ch, ch[i - 1], 4, 2, 1, bias=False), nn.BatchNorm2d(ch[i - 1])]
                if i >= depth - 3:
                    layers.append(nn.Dropout(0.5))
                self.ups.append(nn.Sequential(*layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        sketch = x[:, :1]
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
        x = skips.pop()
        for j, up in enumerate(self.ups):
            if j > 0:
                x = torch.cat([x, skips.pop()], 1)
            x = up(x)
        if self.paint_mask:
            colour, mask = torch.tanh(x[:, :-1]), torch.sigmoid(x[:, -1:])
            return mask * colour + (1 - mask) * sketch
        return x


class PatchDiscriminator(nn.Module):
    """70x70 PatchGAN: judges overlapping patches of (input 5 ch + colour 3 ch) as real or fake (logits)."""

    def __init__(self, in_channels: int = 8, ndf: int = 32):
        super().__init__()

        def block(cin, cout, stride, norm=True):
            layers = [nn.Conv2d(cin, cout, 4, stride, 1, bias=not norm)]
            if norm:
                layers.append(nn.BatchNorm2d(cout))
            return layers + [nn.LeakyReLU(0.2)]

        self.net = nn.Sequential(*block(in_channels, ndf, 2, norm=False), *block(ndf, ndf * 2, 2),
                                 *block(ndf * 2, ndf * 4, 2), *block(ndf * 4, ndf * 8, 1),
                                 nn.Conv2d(ndf * 8, 1, 4, 1, 1))

    def forward(self, x):
        return self.net(x)


def build(config: Pix2PixConfig | Mapping) -> UNetGenerator:
    """The generator a config describes (a Pix2PixConfig or its dict)."""
    config = Pix2PixConfig.coerce(config)
    return UNetGenerator(config.ngf, config.depth, config.in_channels, config.out_channels, config.paint_mask)
