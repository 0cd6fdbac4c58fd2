"""Loading a WaveNet to sample from (a weight file or the published model), measuring the pitch of the notes it
generates, and the sound-quality protocol (off-harmonic energy and loudness of each note against FluidSynth's
rendering of the same note): shared by training/wavenet/evaluate.py, tune_sampling.py and the tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from models import registry
from models.wavenet.model import DEFAULT_TEMPERATURE, WaveNetSynth, from_entry, from_file
from models.wavenet.pitch import cents_off, note_f0
from training.wavenet.data import MODEL_NAME

NOTE_S = 0.6  # length of each generated test note; its f0 is estimated on 0.08 s .. NOTE_S


def load_synth(weights: Path | None) -> WaveNetSynth:
    """The WaveNet in a weight file (its config from the file's metadata, else config.json beside it), or the
    published model when weights is None."""
    if weights is None:
        return from_entry(registry.get(MODEL_NAME), torch.device("cpu"))
    return from_file(weights)


def note_cents(synth: WaveNetSynth, name: str, temperature: float = DEFAULT_TEMPERATURE, every: int = 1,
               seed: int = 0, onset_rule: bool = True, level_rule: bool = True) -> tuple[list[int], list[float]]:
    """Every `every`-th pitch of the instrument's range, generated as one batch (one random stream), and how far each
    note's f0 (YIN, NOTE_S s) is from its pitch in cents (nan: unvoiced)."""
    sr = synth.sample_rate
    low, high = synth.pitch_range(name)
    pitches = list(range(low, high + 1, every))
    batch = synth.generate_notes(name, pitches, int(NOTE_S * sr), temperature=temperature, seed=seed,
                                 onset_rule=onset_rule, level_rule=level_rule)
    return pitches, [cents_off(note_f0(audio, sr, end_s=NOTE_S), p) for p, audio in zip(pitches, batch)]


QUALITY_NOTE_S = 1.0  # each test note of the sound-quality figures: 2 beats at 120 bpm, the default arpeggio's last
QUALITY_SLOT_S = 2.0  # the SoundFont renders one note every 2 s (the previous note has died away by the next)
QUALITY_VELOCITY = 100  # the velocity of the page's SoundFont rendering


def soundfont_notes(synth: WaveNetSynth, name: str, pitches: list[int], note_s: float = QUALITY_NOTE_S) -> list:
    """FluidSynth's rendering of each pitch as the page renders its reference (velocity 100, gain 1.5), one run."""
    from models.wavenet import soundfont

    sr = synth.sample_rate
    program = synth.info(name).program
    events = [(i * QUALITY_SLOT_S, note_s, p, QUALITY_VELOCITY) for i, p in enumerate(pitches)]
    audio = soundfont.render(program, events, len(pitches) * QUALITY_SLOT_S, sample_rate=sr, gain=1.5)
    n = int(note_s * sr)
    return [audio[int(i * QUALITY_SLOT_S * sr): int(i * QUALITY_SLOT_S * sr) + n] for i in range(len(pitches))]


def note_quality_rows(synth: WaveNetSynth, name: str, every: int = 3, seeds: tuple[int, ...] = (0, 2, 3),
                      temperature: float = DEFAULT_TEMPERATURE, note_s: float = QUALITY_NOTE_S,
                      pitches: list[int] | None = None, loudness_floor: bool = True) -> list[dict]:
    """Every `every`-th pitch of the instrument's range (or the given pitches), played as the app plays a note of
    note_s seconds (WaveNetSynth.voices: one batch per seed) and by the SoundFont: per note and seed, the
    off-harmonic energy and loudness of both (models/wavenet/quality.py) and their differences."""
    from models.wavenet.quality import note_quality

    sr = synth.sample_rate
    low, high = synth.pitch_range(name)
    pitches = list(range(low, high + 1, every)) if pitches is None else list(pitches)
    n = int(note_s * sr)
    reference = [note_quality(a, sr, p) for a, p in zip(soundfont_notes(synth, name, pitches, note_s), pitches)]
    rows = []
    for seed in seeds:
        ours = synth.voices(name, pitches, [n] * len(pitches), temperature=temperature, seed=seed,
                            loudness_floor=loudness_floor)
        for p, audio, ref in zip(pitches, ours, reference):
            q = note_quality(audio, sr, p)
            rows.append({"instrument": name, "pitch": p, "seed": seed,
                         "off_harmonic_db": round(q["off_harmonic_db"], 2),
                         "soundfont_off_harmonic_db": round(ref["off_harmonic_db"], 2),
                         "loudness_db": round(q["loudness_db"], 2),
                         "soundfont_loudness_db": round(ref["loudness_db"], 2),
                         "loudness_vs_soundfont_db": round(q["loudness_db"] - ref["loudness_db"], 2)})
    return rows


def quality_summary(rows: list[dict], names: list[str]) -> dict:
    """Per instrument: the median off-harmonic energy of ours and of the SoundFont's notes (dB), their gap, the
    median and the worst loudness against the SoundFont's and how many notes are over 10 dB quieter."""
    out = {}
    for name in names:
        mine = [r for r in rows if r["instrument"] == name]
        if not mine:
            continue
        ours = float(np.median([r["off_harmonic_db"] for r in mine]))
        ref = float(np.median([r["soundfont_off_harmonic_db"] for r in mine]))
        gap = [r["loudness_vs_soundfont_db"] for r in mine]
        out[f"off_harmonic_db_{name}"] = round(ours, 2)
        out[f"off_harmonic_db_soundfont_{name}"] = round(ref, 2)
        out[f"off_harmonic_gap_db_{name}"] = round(ours - ref, 2)
        out[f"loudness_vs_soundfont_median_db_{name}"] = round(float(np.median(gap)), 2)
        out[f"loudness_vs_soundfont_worst_db_{name}"] = round(float(np.min(gap)), 2)
        out[f"notes_over_10db_quieter_{name}"] = int(sum(g < -10 for g in gap))
        out[f"quality_notes_{name}"] = len(mine)
    return out
