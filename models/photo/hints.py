"""Colour hints for the photo colorizer ("this coat is red"), as the network reads them: three planes at the working
size beside the lightness, hint a / ab_scale, hint b / ab_scale and a mask that is 1 where a hint lies. A hint is a
small square (2 * radius + 1 pixels wide at the working size) of one a, b: the chroma of the colour the person
picked, whatever its lightness (the photo's own lightness is kept). Hints arrive as {"x", "y", "color": "#rrggbb"}
in the photo's own pixels, checked by models/pix2pix/hints.py like the sketch page's; training/photo/train.py draws
its simulated hints into the same planes with `draw_hints`."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from models.photo.lab import rgb_to_lab
from models.pix2pix.hints import parse_colour

PLANES = 3  # hint a, hint b, mask


def colour_ab(colour: str) -> tuple[float, float]:
    """Lab a, b of a '#rrggbb' colour."""
    lab = rgb_to_lab(np.array([[parse_colour(colour)]], np.uint8))[0, 0]
    return float(lab[1]), float(lab[2])


def draw_hints(planes: np.ndarray, points: Iterable[tuple[float, float, float, float, int]], ab_scale: float) -> None:
    """Draw hints into (3, h, w) planes in place; each point is (x, y, a, b, radius) in working-size pixels."""
    _, h, w = planes.shape
    for x, y, a, b, radius in points:
        cx, cy = min(w - 1, max(0, int(x))), min(h - 1, max(0, int(y)))
        box = (slice(max(0, cy - radius), cy + radius + 1), slice(max(0, cx - radius), cx + radius + 1))
        planes[0][box] = np.clip(a / ab_scale, -1, 1)
        planes[1][box] = np.clip(b / ab_scale, -1, 1)
        planes[2][box] = 1.0


def hint_planes(hints: list[dict], full_size: tuple[int, int], work_size: tuple[int, int], radius: int,
                ab_scale: float) -> np.ndarray:
    """(3, h, w) float32 planes at the working size for hints given in the photo's own pixels (full_size = (W, H))."""
    (width, height), (ww, wh) = full_size, work_size
    planes = np.zeros((PLANES, wh, ww), np.float32)
    draw_hints(planes, ((h["x"] * ww / width, h["y"] * wh / height, *colour_ab(h["color"]), radius) for h in hints),
               ab_scale)
    return planes
