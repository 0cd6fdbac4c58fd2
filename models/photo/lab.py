"""sRGB <-> CIE Lab (D65) for the photo colorizer, in float32 with OpenCV (L in 0..100, a and b about -110..110),
and the same conversion in torch for training batches."""
from __future__ import annotations

import numpy as np
import torch


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 sRGB -> (H, W, 3) float32 Lab."""
    import cv2

    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """(H, W, 3) float32 Lab -> (H, W, 3) uint8 sRGB (out-of-gamut colours clipped)."""
    import cv2

    rgb = cv2.cvtColor(np.ascontiguousarray(lab, np.float32), cv2.COLOR_Lab2RGB)
    return (np.clip(rgb, 0, 1) * 255 + 0.5).astype(np.uint8)


def grey_lightness(grey: np.ndarray) -> np.ndarray:
    """(H, W) uint8 grey levels -> (H, W) float32 Lab L of that neutral grey (exact sRGB curve)."""
    v = grey.astype(np.float32) / 255.0
    linear = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    return np.where(linear > 0.008856, 116.0 * np.cbrt(linear) - 16.0, 903.3 * linear).astype(np.float32)


def torch_rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) float sRGB in [0, 1] -> (B, 3, H, W) Lab (D65)."""
    linear = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = torch.tensor([[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169],
                      [0.019334, 0.119193, 0.950227]], dtype=rgb.dtype, device=rgb.device)
    xyz = torch.einsum("ij,bjhw->bihw", m, linear)
    xyz = xyz / torch.tensor([0.950456, 1.0, 1.088754], dtype=rgb.dtype, device=rgb.device).view(1, 3, 1, 1)
    f = torch.where(xyz > 0.008856, xyz.clamp_min(1e-8) ** (1 / 3), 7.787 * xyz + 16 / 116)
    L = torch.where(xyz[:, 1:2] > 0.008856, 116 * f[:, 1:2] - 16, 903.3 * xyz[:, 1:2])
    return torch.cat([L, 500 * (f[:, 0:1] - f[:, 1:2]), 200 * (f[:, 1:2] - f[:, 2:3])], 1)
