"""The paper-tone step: a sketch on tinted or textured paper is put on clean white paper before the colorizer sees it.

The network learned on white paper; cream, grey or grainy scanned paper reaches it as a light grey that it colours
muddy and that the clean-up keeps grey (its lines-win blend takes the darker of colour and sketch). So the paper's
brightness is estimated from the picture's border (the brightest mode of its grey levels: paper surrounds a drawing),
the sketch is divided by it (paper -> 255, lines keep their darkness relative to the paper), and what is left of the
paper's grain near white becomes white. The colored result is therefore on clean white paper, whatever the paper was
(the choice made here, rather than tinting the result back: white is what a paint program or a print expects).
A sketch on white paper, and a picture without light paper (a dark or photographic one), pass unchanged.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

BORDER_SHARE = 0.06  # the ring of the picture, this share of each side, where the paper is measured
MIN_PAPER_LEVEL = 110  # a darker "paper" is not paper (line_art.py tells the visitor); nothing is changed
WHITE_ENOUGH = 250  # paper at least this bright, with grain below MIN_GRAIN, is left as it is
MIN_GRAIN = 1.5  # grey levels of grain (robust spread) below which paper counts as plain
GRAIN_WIDTH = 3.0  # spreads of grain around the paper level that still become white
MAX_SNAP = 40  # at most this many levels below white become white (pencil lines stay darker than that)


def paper_level(grey: np.ndarray) -> tuple[float, float]:
    """(paper brightness, grain spread) of a greyscale sketch: the brightest mode of the border's grey levels and the
    median absolute deviation of the border pixels near it."""
    h, w = grey.shape
    bh, bw = max(1, round(h * BORDER_SHARE)), max(1, round(w * BORDER_SHARE))
    ring = np.concatenate([grey[:bh].ravel(), grey[-bh:].ravel(), grey[:, :bw].ravel(), grey[:, -bw:].ravel()])
    counts = np.convolve(np.bincount(ring, minlength=256), np.ones(9), mode="same")  # smoothed histogram
    bright = np.arange(256) >= MIN_PAPER_LEVEL
    if counts[bright].sum() < 0.25 * counts.sum():
        return float(np.median(ring)), 0.0  # the border is mostly dark: no light paper
    mode = int(np.argmax(np.where(bright, counts, -1)))
    near = ring[np.abs(ring.astype(np.int16) - mode) <= MAX_SNAP].astype(np.float32)
    level = float(np.median(near))
    return level, float(np.median(np.abs(near - level)) * 1.4826)


def whiten_paper(sketch: Image.Image) -> Image.Image:
    """A greyscale ("L") sketch on white paper: the input itself when its paper is already white or not light."""
    grey = np.asarray(sketch.convert("L"))
    small = sketch.convert("L")
    small.thumbnail((512, 512))  # the estimate looks at a small copy: cheap on a 2000 x 2000 upload
    level, grain = paper_level(np.asarray(small))
    if level < MIN_PAPER_LEVEL or (level >= WHITE_ENOUGH and grain < MIN_GRAIN):
        return sketch.convert("L")
    lut = np.arange(256, dtype=np.float32) * (255.0 / level)
    snap = 255.0 - min(MAX_SNAP, max(255.0 - WHITE_ENOUGH, GRAIN_WIDTH * grain * 255.0 / level))
    lut = np.where(lut >= snap, 255.0, lut).clip(0, 255).round().astype(np.uint8)
    return Image.fromarray(lut[grey])  # a table lookup: one uint8 copy of the picture
