"""Loading a WaveNet to sample from (a weight file or the published model) and measuring the pitch of the notes it
generates: shared by training/wavenet/evaluate.py and training/wavenet/tune_sampling.py."""
from __future__ import annotations

from pathlib import Path

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
