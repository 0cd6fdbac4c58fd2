"""Fundamental frequency of a note with YIN (de Cheveigné & Kawahara 2002): no trained networks, numpy only.

`note_f0` estimates one f0 per note from frames of its steady part (median of the voiced frames), `cents_off` says
how far that is from a requested MIDI pitch. Used by training/wavenet/evaluate.py and tests/test_wavenet.py.
"""
from __future__ import annotations

import numpy as np


def midi_to_hz(pitch: float) -> float:
    return 440.0 * 2 ** ((pitch - 69) / 12)


def cents_off(f0: float, pitch: int) -> float:
    """Signed distance in cents from f0 to the MIDI pitch (nan when f0 is nan)."""
    return 1200 * np.log2(f0 / midi_to_hz(pitch)) if f0 > 0 else float("nan")


def yin_frame(frame: np.ndarray, sample_rate: int, fmin: float, fmax: float, threshold: float = 0.15
              ) -> tuple[float, float]:
    """(f0 in Hz or nan, aperiodicity = the normalised difference at the chosen lag) for one frame."""
    tau_min = max(int(sample_rate / fmax), 2)
    tau_max = min(int(sample_rate / fmin) + 1, len(frame) // 2)
    w = len(frame) - tau_max
    x = frame.astype(np.float64)
    # difference d(tau) = sum_{j<w} (x[j] - x[j+tau])^2 via energies and a cross-correlation (FFT)
    n = 1 << int(np.ceil(np.log2(len(x) + w)))
    spec_x = np.fft.rfft(x, n)
    spec_w = np.fft.rfft(x[:w][::-1], n)
    corr = np.fft.irfft(spec_x * spec_w, n)[w - 1: w - 1 + tau_max + 1]
    csum = np.concatenate([[0.0], np.cumsum(x * x)])
    energy_0 = csum[w]
    energy_tau = csum[np.arange(tau_max + 1) + w] - csum[np.arange(tau_max + 1)]
    diff = np.maximum(energy_0 + energy_tau - 2 * corr, 0.0)
    cmnd = np.ones_like(diff)
    running = np.cumsum(diff[1:])
    cmnd[1:] = diff[1:] * np.arange(1, tau_max + 1) / np.maximum(running, 1e-12)
    below = np.flatnonzero(cmnd[tau_min:tau_max] < threshold)
    if len(below):
        start = below[0] + tau_min  # the first dip below the threshold: its minimum over the whole run below it
        end = start
        while end + 1 < tau_max and cmnd[end + 1] < threshold:  # (a small bump inside a dip must not stop us)
            end += 1
        tau = int(np.argmin(cmnd[start: end + 1]) + start)
    else:
        tau = int(np.argmin(cmnd[tau_min:tau_max]) + tau_min)
        if cmnd[tau] > 0.5:
            return float("nan"), float(cmnd[tau])
    if 1 <= tau < tau_max:  # parabolic interpolation of the dip
        a, b, c = cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]
        denom = a - 2 * b + c
        shift = 0.5 * (a - c) / denom if abs(denom) > 1e-12 else 0.0
    else:
        shift = 0.0
    return sample_rate / (tau + shift), float(cmnd[tau])


def note_f0(audio: np.ndarray, sample_rate: int, start_s: float = 0.08, end_s: float | None = None,
            fmin: float = 50.0, fmax: float = 2500.0, frame: int = 1024, hop: int = 256) -> float:
    """The median f0 of the voiced frames between start_s and end_s (skips the attack), or nan if none is voiced."""
    seg = audio[int(start_s * sample_rate): None if end_s is None else int(end_s * sample_rate)]
    if np.sqrt(np.mean(seg ** 2) if len(seg) else 0.0) < 1e-4:
        return float("nan")
    estimates = []
    for s in range(0, max(len(seg) - frame, 0) + 1, hop):
        f0, aperiodicity = yin_frame(seg[s: s + frame], sample_rate, fmin, fmax)
        if np.isfinite(f0) and aperiodicity < 0.3:
            estimates.append(f0)
    return float(np.median(estimates)) if estimates else float("nan")
