"""Line art derived from colour art, for artists without their own outlines (or as extra variety for those with them).

    region_lines(colour)   boundaries between colour regions (and between art and white paper), Canny on Lab
    xdog_lines(colour)     an XDoG edge extractor (Winnemoeller et al. 2012) on the art's luminance
    outline_lines(lines)   the artist's own monochrome art reduced to outlines where it fills areas black
Every function maps uint8 RGB (H, W, 3) or grey (H, W) to uint8 grey (H, W): white paper 255, black ink 0.
"""
from __future__ import annotations

import cv2
import numpy as np


def luminance(colour: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY) if colour.ndim == 3 else colour


def region_lines(colour: np.ndarray, low: float = 30, high: float = 70, width: int = 2) -> np.ndarray:
    """Boundaries of the colour regions (and of the art against white paper): Canny edges (hysteresis `low` /
    `high`) of each Lab channel after a sigma-1 blur, OR-ed and grown to `width` px. Edge localisation by
    non-maximum suppression keeps soft (upscaled, anti-aliased) boundaries as thin as crisp vector ones."""
    lab = cv2.cvtColor(cv2.GaussianBlur(colour, (0, 0), 1.0), cv2.COLOR_RGB2LAB)
    edge = np.zeros(colour.shape[:2], np.uint8)
    for c in range(3):
        edge |= cv2.Canny(np.ascontiguousarray(lab[..., c]), low, high, L2gradient=True)
    edge = (edge > 0).astype(np.uint8)
    if width > 1:
        edge = cv2.dilate(edge, np.ones((width, width), np.uint8))
    return np.where(edge > 0, 0, 255).astype(np.uint8)


def xdog_lines(colour: np.ndarray, sigma: float = 1.0, k: float = 1.6, p: float = 20.0, eps: float = 0.02,
               phi: float = 10.0) -> np.ndarray:
    """XDoG: sharpened difference of Gaussians, soft-thresholded; dark where the luminance has edges or dark areas."""
    g = luminance(colour).astype(np.float32) / 255.0
    g1 = cv2.GaussianBlur(g, (0, 0), sigma)
    g2 = cv2.GaussianBlur(g, (0, 0), sigma * k)
    d = (1 + p) * g1 - p * g2
    out = np.where(d >= eps, 1.0, 1.0 + np.tanh(phi * (d - eps)))
    return np.clip(out * 255, 0, 255).astype(np.uint8)


def outline_lines(lines: np.ndarray, max_fill: int = 4) -> np.ndarray:
    """The artist's monochrome art with solid black areas (wider than 2 * max_fill px) hollowed out to their outline,
    so a filled-black shape reads like a drawn one."""
    ink = (lines < 128).astype(np.uint8)
    core = cv2.erode(ink, np.ones((2 * max_fill + 1, 2 * max_fill + 1), np.uint8))
    if not core.any():
        return lines
    core = cv2.erode(core, np.ones((3, 3), np.uint8))  # keep a rim of about max_fill px
    out = lines.copy()
    out[core > 0] = 255
    return out


def derive(colour: np.ndarray, artist_lines: np.ndarray | None, kind: str) -> np.ndarray:
    """Line art of one kind: 'artist' (as drawn), 'outline' (artist's with black fills hollowed), 'regions', 'xdog'."""
    if kind in ("artist", "outline") and artist_lines is not None:
        return artist_lines if kind == "artist" else outline_lines(artist_lines)
    if kind == "xdog":
        return xdog_lines(colour)
    return region_lines(colour)
