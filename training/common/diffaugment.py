"""DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training") for colour images in
[-1, 1] on a white background: the same random, differentiable colour / translation / cutout applied to real and fake
images before D, so D cannot memorise a small training set while G's gradient still passes through.

    x = diff_augment(images, gen, policy=("color", "translation", "cutout"))
Random draws come from the given CPU torch.Generator (the same stream on any device); translated-in and cut-out
pixels are white (+1), the emoji's own background.
"""
from __future__ import annotations

import torch

POLICIES = ("color", "translation", "cutout")


def _rand(n: int, gen: torch.Generator, device) -> torch.Tensor:
    return torch.rand(n, 1, 1, 1, generator=gen).to(device)


def color(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Brightness +-0.5, saturation x[0, 2], contrast x[0.5, 1.5] (the reference's ranges, in [-1, 1] units)."""
    n, device = len(x), x.device
    x = x + (_rand(n, gen, device) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_rand(n, gen, device) * 2) + mean
    mean = x.mean(dim=[1, 2, 3], keepdim=True)
    return (x - mean) * (_rand(n, gen, device) + 0.5) + mean


def translation(x: torch.Tensor, gen: torch.Generator, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by up to ratio x size pixels in x and y, white coming in."""
    n, c, h, w = x.shape
    device = x.device
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sy, sy + 1, (n, 1, 1), generator=gen).to(device)
    dx = torch.randint(-sx, sx + 1, (n, 1, 1), generator=gen).to(device)
    rows = torch.arange(h, device=device).view(1, h, 1) - dy
    cols = torch.arange(w, device=device).view(1, 1, w) - dx
    inside = ((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)).unsqueeze(1)
    flat = (rows.clamp(0, h - 1) * w + cols.clamp(0, w - 1)).view(n, 1, h * w).expand(n, c, h * w)
    shifted = x.reshape(n, c, h * w).gather(2, flat).view(n, c, h, w)
    return torch.where(inside, shifted, torch.ones_like(shifted))


def cutout(x: torch.Tensor, gen: torch.Generator, ratio: float = 0.25) -> torch.Tensor:
    """One ratio x size square per image set to white."""
    n, _, h, w = x.shape
    device = x.device
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = torch.randint(0, h, (n, 1, 1), generator=gen).to(device)
    cx = torch.randint(0, w, (n, 1, 1), generator=gen).to(device)
    yy, xx = torch.arange(h, device=device).view(1, h, 1), torch.arange(w, device=device).view(1, 1, w)
    cut = (((yy - cy).abs() < ch // 2 + 1) & ((xx - cx).abs() < cw // 2 + 1)).unsqueeze(1)
    return torch.where(cut, torch.ones_like(x), x)


def diff_augment(x: torch.Tensor, gen: torch.Generator, policy=POLICIES) -> torch.Tensor:
    unknown = set(policy) - set(POLICIES)
    if unknown:
        raise ValueError(f"unknown DiffAugment policy {sorted(unknown)}; choose from {POLICIES}")
    for name in POLICIES:  # a fixed order whatever order policy lists them in
        if name in policy:
            x = {"color": color, "translation": translation, "cutout": cutout}[name](x, gen)
    return x
