"""Morpho-MNIST style measurements of 28x28 digits (Castro et al. 2019), shared by the InfoGAN evaluation
(training/infogan/evaluate.py) and the SeFa direction measurement (training/dcgan/measure_directions.py).

    slant      = cov(x, y) / var(y) of the ink (image moments, y pointing up, so > 0 means the top leans right,
                 i.e. a clockwise slant),
    thickness  = mean stroke thickness: 2 x the mean distance-to-background over the skeleton of the image upscaled
                 4x and thresholded at half intensity (skeleton by Zhang-Suen thinning, in numpy),
    extent     = horizontal spread of the de-slanted ink (2 x its std along x), a proxy for the digit's width.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy import ndimage


def _ink(images: torch.Tensor) -> np.ndarray:
    """(N, 1, 28, 28) in [-1, 1] -> (N, 28, 28) ink intensity in [0, 1]."""
    return ((images[:, 0].float().clamp(-1, 1) + 1) / 2).numpy()


def slant(images: torch.Tensor) -> np.ndarray:
    """cov(x, y) / var(y) of the ink with y pointing up: > 0 = top leans right (clockwise)."""
    ink = _ink(images)
    h, w = ink.shape[1:]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    ys = -ys
    mass = ink.sum((1, 2)) + 1e-8
    mx = (ink * xs).sum((1, 2)) / mass
    my = (ink * ys).sum((1, 2)) / mass
    cov = (ink * (xs - mx[:, None, None]) * (ys - my[:, None, None])).sum((1, 2)) / mass
    var_y = (ink * (ys - my[:, None, None]) ** 2).sum((1, 2)) / mass
    return cov / (var_y + 1e-8)


def extent(images: torch.Tensor) -> np.ndarray:
    """2 x the std along x of the ink after removing the slant (x - slant * y)."""
    ink = _ink(images)
    h, w = ink.shape[1:]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    ys = -ys
    s = slant(images)
    mass = ink.sum((1, 2)) + 1e-8
    my = (ink * ys).sum((1, 2)) / mass
    xd = xs[None] - s[:, None, None] * (ys[None] - my[:, None, None])
    mx = (ink * xd).sum((1, 2)) / mass
    return 2 * np.sqrt((ink * (xd - mx[:, None, None]) ** 2).sum((1, 2)) / mass)


def zhang_suen_thin(binary: np.ndarray) -> np.ndarray:
    """Skeletons of a batch of binary images (N, H, W) by Zhang-Suen thinning, vectorised over the batch."""
    img = np.pad(binary.astype(np.uint8), ((0, 0), (1, 1), (1, 1)))
    while True:
        changed = False
        for step in (0, 1):
            p = img
            n = [p[:, :-2, 1:-1], p[:, :-2, 2:], p[:, 1:-1, 2:], p[:, 2:, 2:],      # P2 N, P3 NE, P4 E, P5 SE
                 p[:, 2:, 1:-1], p[:, 2:, :-2], p[:, 1:-1, :-2], p[:, :-2, :-2]]    # P6 S, P7 SW, P8 W, P9 NW
            centre = p[:, 1:-1, 1:-1]
            b = sum(x.astype(np.int32) for x in n)
            a = sum(((n[i] == 0) & (n[(i + 1) % 8] == 1)).astype(np.int32) for i in range(8))
            p2, p4, p6, p8 = n[0], n[2], n[4], n[6]
            if step == 0:
                c1, c2 = p2 * p4 * p6, p4 * p6 * p8
            else:
                c1, c2 = p2 * p4 * p8, p2 * p6 * p8
            remove = (centre == 1) & (b >= 2) & (b <= 6) & (a == 1) & (c1 == 0) & (c2 == 0)
            if remove.any():
                changed = True
                img = img.copy()
                img[:, 1:-1, 1:-1][remove] = 0
        if not changed:
            return img[:, 1:-1, 1:-1].astype(bool)


def thickness(images: torch.Tensor, upscale: int = 4) -> np.ndarray:
    """Mean stroke thickness in pixels (Morpho-MNIST style: 2 x mean distance transform along the skeleton)."""
    ink = _ink(images)
    big = ndimage.zoom(ink, (1, upscale, upscale), order=1)
    binary = big >= 0.5
    skeleton = zhang_suen_thin(binary)
    out = np.zeros(len(ink))
    for i in range(len(ink)):
        if skeleton[i].any():
            dist = ndimage.distance_transform_edt(binary[i])
            out[i] = 2 * dist[skeleton[i]].mean() / upscale
    return out


MEASURES = {"slant": slant, "thickness": thickness, "extent": extent}
