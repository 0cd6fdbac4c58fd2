"""A note's loudness curve, the WaveNet's second local condition (as DDSP and neural vocoders condition on loudness).

`frames` measures it on audio: the RMS of 256-sample windows every HOP samples, on a log scale mapped to [0, 1]
(RMS 1e-4 or less -> 0, full scale -> 1). `per_sample` interpolates frames to one value per sample and holds the last
frame's value after the end (notes longer than the clips the model was trained on). For generation the WaveNet
stores one curve per (instrument, pitch): the mean of its training notes' curves (models/wavenet/model.py).
"""
from __future__ import annotations

import numpy as np

HOP = 64
WINDOW = 256
FLOOR = 1e-4


def frames(audio: np.ndarray) -> np.ndarray:
    """(..., samples) float audio -> (..., samples // HOP + 1) loudness in [0, 1], frame m centred on sample m * HOP."""
    x = np.asarray(audio, np.float64)
    pad = [(0, 0)] * (x.ndim - 1) + [(WINDOW // 2, WINDOW // 2)]
    power = np.pad(x * x, pad)
    csum = np.concatenate([np.zeros(x.shape[:-1] + (1,)), np.cumsum(power, axis=-1)], axis=-1)
    starts = np.arange(0, x.shape[-1] + 1, HOP)
    rms = np.sqrt(np.maximum(csum[..., starts + WINDOW] - csum[..., starts], 0.0) / WINDOW)
    return (np.clip(np.log10(np.maximum(rms, FLOOR)) - np.log10(FLOOR), 0, None) / -np.log10(FLOOR)).astype(np.float32)


def per_sample(curve: np.ndarray, n: int) -> np.ndarray:
    """(..., F) frames -> (..., n) values at samples 0..n-1 (linear between frame centres, the last one held)."""
    curve = np.asarray(curve, np.float32)
    pos = np.minimum(np.arange(n) / HOP, curve.shape[-1] - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, curve.shape[-1] - 1)
    frac = (pos - lo).astype(np.float32)
    return curve[..., lo] * (1 - frac) + curve[..., hi] * frac
