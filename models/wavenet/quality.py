"""How clean and how loud one generated note is: off-harmonic energy and loudness (numpy only).

`off_harmonic_db(audio, sr, pitch)`: over the note's loud part (frames within LOUD_PART_DB of its loudest frame), the
energy outside narrow bands (+-BAND of each frequency) around the harmonics k * f0 of the *requested* pitch, relative
to all energy above MIN_HZ, in dB. A clean tone at the right pitch scores far below zero (FluidSynth's notes: about
-20 to -30 dB); white noise scores near 0 dB; a tone at the wrong pitch scores high too, since its partials miss the
bands. `loudness_db(audio, sr)`: RMS in dBFS over the note's length (after its first ONSET_S), so a note that fades
to silence early counts as quiet. `note_quality` gives both. Used by training/wavenet/evaluate.py (the model card's
sound-quality figures, each note against FluidSynth's rendering of the same note) and tests/test_wavenet*.py.
"""
from __future__ import annotations

import numpy as np

from models.wavenet.pitch import midi_to_hz

BAND = 0.03  # a harmonic's band: k f0 (1 +- BAND)
MIN_HZ = 40.0  # energy below this (DC offsets, rumble) is left out of both sums
LOUD_PART_DB = 20.0  # frames within this of the note's loudest frame make its loud part
ONSET_S = 0.02  # the loudness skips the note's first 20 ms (FluidSynth's own onset latency)
FRAME, HOP = 4096, 1024  # 3.9 Hz bins: bands stay narrow even around a 65 Hz fundamental
SILENT_DB = -120.0  # the loudness of digital silence


def _frames(audio: np.ndarray) -> np.ndarray:
    x = np.asarray(audio, np.float64)
    if len(x) < FRAME:
        x = np.pad(x, (0, FRAME - len(x)))
    return np.lib.stride_tricks.sliding_window_view(x, FRAME)[::HOP]


def off_harmonic_db(audio: np.ndarray, sample_rate: int, pitch: int) -> float:
    """Energy outside the requested pitch's harmonic bands / all energy above MIN_HZ, in dB, over the loud part
    (0.0 for a silent note: nothing of it is harmonic)."""
    frames = _frames(audio)
    energy = (frames ** 2).sum(axis=1)
    if energy.max() <= 1e-12:
        return 0.0
    loud = frames[energy >= energy.max() * 10 ** (-LOUD_PART_DB / 10)]
    power = (np.abs(np.fft.rfft(loud * np.hanning(FRAME), axis=1)) ** 2).sum(axis=0)
    freqs = np.fft.rfftfreq(FRAME, 1.0 / sample_rate)
    f0 = midi_to_hz(pitch)
    k = np.maximum(np.round(freqs / f0), 1)
    harmonic = np.abs(freqs - k * f0) <= BAND * k * f0
    # a Hann window spreads a partial over +-2 bins: no band is narrower than that
    harmonic |= np.abs(freqs - k * f0) <= 2 * sample_rate / FRAME
    keep = freqs >= MIN_HZ
    total = power[keep].sum()
    if total <= 0:
        return 0.0
    off = power[keep & ~harmonic].sum()
    return float(10 * np.log10(max(off / total, 1e-12)))


def loudness_db(audio: np.ndarray, sample_rate: int) -> float:
    """RMS level in dBFS of the note after its first ONSET_S (SILENT_DB for silence)."""
    x = np.asarray(audio, np.float64)[int(ONSET_S * sample_rate):]
    rms = np.sqrt(np.mean(x ** 2)) if len(x) else 0.0
    return float(20 * np.log10(rms)) if rms > 10 ** (SILENT_DB / 20) else SILENT_DB


def note_quality(audio: np.ndarray, sample_rate: int, pitch: int) -> dict:
    """{"off_harmonic_db": ..., "loudness_db": ...} of one note."""
    return {"off_harmonic_db": off_harmonic_db(audio, sample_rate, pitch),
            "loudness_db": loudness_db(audio, sample_rate)}
