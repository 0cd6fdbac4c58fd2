"""Audio helpers for the WaveNet: 8-bit mu-law coding, WAV bytes, note envelopes and a spectrogram image (numpy only)."""
from __future__ import annotations

import io
import wave

import numpy as np

MU = 255  # 256 mu-law classes


def mu_law_encode(audio: np.ndarray, mu: int = MU) -> np.ndarray:
    """Float audio in [-1, 1] -> integer classes 0..mu (silence is class 128 for mu=255)."""
    x = np.clip(audio, -1.0, 1.0)
    y = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    return np.clip(np.floor((y + 1) / 2 * mu + 0.5), 0, mu).astype(np.int64)


def mu_law_decode(classes: np.ndarray, mu: int = MU, dtype=np.float32) -> np.ndarray:
    """Integer classes 0..mu -> audio in [-1, 1] (float32, or dtype)."""
    y = 2 * np.asarray(classes, dtype=np.float64) / mu - 1
    return (np.sign(y) * np.expm1(np.abs(y) * np.log1p(mu)) / mu).astype(dtype)


def wav_bytes(audio: np.ndarray, sample_rate: int) -> bytes:
    """16-bit PCM mono WAV file contents; levels are kept as they are (clipped to [-1, 1])."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def waveform_image(audio: np.ndarray, height: int = 140, width: int = 720) -> np.ndarray:
    """A waveform display as a uint8 RGB image: each column is filled between the min and max of its stretch of
    samples (what audio editors draw), on white with a grey zero line. Amplitude +-1 spans the full height."""
    img = np.full((height, width, 3), 255, np.uint8)
    img[height // 2] = (200, 200, 200)
    if len(audio) == 0:
        return img
    edges = np.linspace(0, len(audio), width + 1).astype(int)
    edges[1:] = np.maximum(edges[1:], edges[:-1] + 1)  # at least one sample per column
    edges = np.minimum(edges, len(audio))
    clipped = np.clip(audio.astype(np.float32), -1, 1)
    to_row = lambda v: np.round((1 - v) * 0.5 * (height - 1)).astype(int)  # noqa: E731
    for x, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        if b > a:
            seg = clipped[a:b]
            img[to_row(seg.max()): to_row(seg.min()) + 1, x] = (31, 119, 180)
    return img


def fit_peak(audio: np.ndarray, peak: float) -> np.ndarray:
    """audio scaled down (never up) so its largest absolute sample is at most peak: a mix that cannot clip."""
    top = float(np.abs(audio).max()) if len(audio) else 0.0
    return (audio * (peak / top)).astype(np.float32) if top > peak else audio


def note_envelope(n: int, sample_rate: int, attack_s: float = 0.003, release_s: float = 0.03) -> np.ndarray:
    """A gain curve of n samples: short linear fade in and out so joined notes do not click."""
    env = np.ones(n, np.float32)
    a = min(int(attack_s * sample_rate), n // 2)
    r = min(int(release_s * sample_rate), n - a)
    if a:
        env[:a] = np.linspace(0, 1, a, endpoint=False)
    if r:
        env[n - r:] = np.linspace(1, 0, r)
    return env


def spectrogram_image(audio: np.ndarray, sample_rate: int, n_fft: int = 512, hop: int = 128, height: int = 160,
                      width: int | None = 720, max_hz: float = 8000.0) -> np.ndarray:
    """A log-magnitude spectrogram as a uint8 RGB image (low frequencies at the bottom), for st.image."""
    if len(audio) < n_fft:
        audio = np.pad(audio, (0, n_fft - len(audio)))
    frames = np.lib.stride_tricks.sliding_window_view(audio, n_fft)[::hop] * np.hanning(n_fft)
    mag = np.abs(np.fft.rfft(frames, axis=1)).T  # (freq, time)
    mag = mag[: int(max_hz / (sample_rate / 2) * (n_fft // 2)) + 1]
    db = 20 * np.log10(mag + 1e-6)
    db = np.clip((db - (db.max() - 80)) / 80, 0, 1)[::-1]
    rows = np.linspace(0, db.shape[0] - 1, height).astype(int)
    img = db[rows]
    if width:
        img = img[:, np.linspace(0, img.shape[1] - 1, width).astype(int)]
    # a simple dark-blue -> orange -> yellow colour map
    r = np.clip(img * 2.0, 0, 1)
    g = np.clip(img * 1.6 - 0.5, 0, 1)
    b = np.clip(0.35 + img * 0.8 - np.clip(img * 2 - 1, 0, 1) * 1.15, 0, 1)
    return (np.stack([r, g, b], axis=-1) * 255).astype(np.uint8)
