"""The WaveNet config: network shape, pitch range, sample rate and, per instrument, its range and sampling settings.
A run's training settings ("train") stay in `extra`."""
from __future__ import annotations

from dataclasses import dataclass, field

from models.config import ModelConfig


@dataclass
class ArchConfig(ModelConfig):
    layers_per_stack: int = 8  # dilations 1, 2, ..., 2^(layers - 1) per stack
    stacks: int = 2
    residual: int = 32
    skip: int = 64
    cond: int = 32  # instrument embedding ++ pitch embedding
    harmonics: int = 0  # H > 0: a sinusoidal excitation of H harmonics at the requested pitch


@dataclass
class InstrumentConfig(ModelConfig):
    name: str
    program: int  # its General MIDI program (the SoundFont rendering and the training notes)
    low: int  # trained MIDI range
    high: int
    loudest_rms: float = 0.0  # the level rule's reference (models.wavenet.model.LEVEL_RULE); 0: no level rule
    excitation_gain: float | None = None  # the sampling gain chosen for it; None: models.wavenet.model.EXCITATION_GAIN


@dataclass
class WaveNetConfig(ModelConfig):
    instruments: list[InstrumentConfig]
    arch: ArchConfig = field(default_factory=ArchConfig)
    pitch_low: int = 36  # MIDI pitch of pitch embedding 0
    pitch_high: int = 96
    sample_rate: int = 16000
    clip_s: float = 1.0  # length of a training note
    mu: int = 255  # mu-law: 256 classes
