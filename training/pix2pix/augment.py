"""Training-time input simulation for the sketch colorizer: make clean OpenMoji line art look like user sketches,
and simulate user colour hints (Zhang et al. 2017 style) from the ground truth.

Every function takes a numpy Generator so a batch is reproducible from (seed, epoch, batch index).
"""
from __future__ import annotations

import cv2
import numpy as np


def geometric(sketch: np.ndarray, colour: np.ndarray, rng: np.random.Generator):
    """The same slight rotation / scale / offset / mirror for sketch (H, W) and colour (H, W, 3), white borders."""
    h, w = sketch.shape
    angle = rng.uniform(-8, 8)
    scale = rng.uniform(0.85, 1.1)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[:, 2] += rng.uniform(-0.07, 0.07, 2) * (w, h)
    if rng.random() < 0.5:  # mirror
        m[0] = -m[0]
        m[0, 2] += w - 1
    kw = dict(flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return (cv2.warpAffine(sketch, m, (w, h), borderValue=255, **kw),
            cv2.warpAffine(colour, m, (w, h), borderValue=(255, 255, 255), **kw))


def sketch_style(sketch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Line thickness, pencil grey and uneven ink, blurry re-scaled strokes, off-white textured paper, JPEG noise."""
    h, w = sketch.shape
    s = sketch
    r = rng.random()
    if r < 0.25:  # thicker lines (erode = grow dark)
        k = rng.integers(2, 4)
        s = cv2.erode(s, np.ones((k, k), np.uint8))
    elif r < 0.4:  # thinner lines
        s = cv2.dilate(s, np.ones((2, 2), np.uint8))
    if rng.random() < 0.3:  # strokes drawn smaller / larger and resampled
        f = rng.uniform(0.35, 0.8)
        small = cv2.resize(s, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
        s = cv2.resize(small, (w, h), interpolation=rng.choice([cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_NEAREST]))
    ink = (255.0 - s.astype(np.float32)) / 255.0  # 1 = full ink
    if rng.random() < 0.4:  # pencil: lighter, uneven strokes
        ink *= rng.uniform(0.45, 0.95)
        field = cv2.resize(rng.uniform(0.55, 1.0, (6, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        ink *= np.clip(field, 0.3, 1.0)
    paper = np.full((h, w), 255.0, np.float32)
    if rng.random() < 0.5:  # off-white, shaded, grainy paper
        paper[:] = rng.uniform(205, 252)
        shade = cv2.resize(rng.normal(0, 1, (3, 3)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
        paper += shade * rng.uniform(0, 8) + rng.normal(0, rng.uniform(0, 6), (h, w))
    out = np.clip(paper * (1.0 - ink), 0, 255).astype(np.uint8)
    if rng.random() < 0.3:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 90))])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def simulate_hints(colour: np.ndarray, sketch: np.ndarray, rng: np.random.Generator, p_none: float = 0.45,
                   p_geometric: float = 1 / 8, count: int | None = None) -> np.ndarray:
    """(4, H, W) float32 hint planes: a geometric number of small patches holding the ground truth's mean colour.

    Points fall off the lines; coloured (non-white) areas are 4x as likely as white paper. count: exactly that many."""
    h, w = sketch.shape
    planes = np.zeros((4, h, w), np.float32)
    if count is None and rng.random() < p_none:
        return planes
    n = int(rng.geometric(p_geometric)) if count is None else count
    if n == 0:
        return planes
    weights = (sketch > 128).astype(np.float64) * np.where(colour.min(axis=2) < 235, 4.0, 1.0)
    total = weights.sum()
    if total <= 0:
        return planes
    idx = rng.choice(h * w, size=min(n, 40), p=(weights / total).ravel())
    for i in idx:
        cy, cx = divmod(int(i), w)
        r = int(rng.integers(0, 5))  # patch 1..9 px
        ys, xs = slice(max(cy - r, 0), cy + r + 1), slice(max(cx - r, 0), cx + r + 1)
        mean = colour[ys, xs].reshape(-1, 3).mean(0) / 127.5 - 1
        planes[:3, ys, xs] = mean[:, None, None]
        planes[3, ys, xs] = 1.0
    return planes


def network_input(sketch: np.ndarray, hints: np.ndarray) -> np.ndarray:
    """(5, H, W) float32: sketch in [-1, 1] stacked on the hint planes."""
    return np.concatenate([(sketch.astype(np.float32) / 127.5 - 1)[None], hints], 0)
