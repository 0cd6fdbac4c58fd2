"""WaveNet (van den Oord et al. 2016) for single instrument notes, globally conditioned on instrument and pitch.

Network: mu-law class embedding -> stacks of dilated causal convolutions (kernel 2, dilations 1, 2, ..., 2^(L-1))
with gated tanh x sigmoid units, residual and skip 1x1 convolutions -> ReLU, 1x1, ReLU, 1x1 -> 256 mu-law logits.
The global condition (instrument embedding ++ pitch embedding) adds a learned bias to every layer's filter and gate.
Optionally (config arch.harmonics = H > 0) a local condition adds a sinusoidal excitation at the requested pitch, as
neural source-filter models do: sin and cos of h * phase(t) for h = 1..H, with phase(t) = 2 pi f0 t / sample_rate
counted from the note's first sample (zero before it), enter every layer through a learned (2R x 2H) matrix. The
network then only has to shape a tone that already has the right period, instead of inventing the period itself.
Notes that never started are handled when sampling (ONSET_RULE), notes
that drift into loud noise by a ceiling on their level (LEVEL_RULE); the excitation is played louder than in training
(EXCITATION_GAIN), which keeps free-running notes on their period. After sampling, a note that came out far
quieter than its instrument's training notes is turned up (LOUDNESS_FLOOR, a plain gain), and the voices of a piece
(chords, a MIDI file's overlapping notes) are summed and scaled down only if the mix would clip (MIX_PEAK).
`WaveNet.forward` is the full convolutional pass used for training; fast sampling lives in models/wavenet/fast.py
(ring buffers, fused matrices, compiled loop) and is driven by `WaveNetSynth` here.
"""
from __future__ import annotations

import threading
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from models import limits
from models.wavenet import audio as audio_lib
from models.wavenet import melody as melody_lib
from models.wavenet.config import InstrumentConfig, WaveNetConfig

SILENCE = 128  # mu-law class of 0.0
DEFAULT_TEMPERATURE = 0.7  # chosen on sampling seed 1 (pitch accuracy and closeness of spectra to the SoundFont's)
ONSET_RULE = (160, 16)  # a note silent 10 ms after its onset must sound (1/255 of full scale): models.wavenet.fast.sample
# Sampling only (the network is trained and scored at gain 1): the excitation's weights times this. Like the guidance
# scale of a conditional generator, it makes generated notes follow the requested period more closely. This is the
# default; a config may set its own per instrument (instruments[i]["excitation_gain"], training/wavenet/tune_sampling.py).
EXCITATION_GAIN = 2.0
# Level rule (models.wavenet.fast.sample): (window in samples, factor): a note whose running RMS (over about the window)
# rises above factor x the loudest any training note of its instrument gets by the same measure (config
# instruments[i].loudest_rms, training/wavenet/data.py set_levels) may draw only quieter samples until it is below.
LEVEL_RULE = (256, 1.0)
# Loudness floor (WaveNetSynth.voices, sampling only): (dB below the instrument's loudest training level, largest
# boost in dB). A generated note whose RMS (after its first 20 ms) is more than the first figure below its instrument's
# config loudest_rms is turned up to that level, by at most the second. A plain per-note gain, not a better model:
# some notes come out 10-30 dB quieter than the SoundFont plays the same pitch (one hears three notes of a four-note
# arpeggio); the gain makes them audible and leaves their noise share (models/wavenet/quality.py) as it was. The
# SoundFont's own notes are at most 23 dB (piano), 14 (marimba, violin), 21 (guitar) and 9 dB (flute) below that level.
LOUDNESS_FLOOR = (16.0, 20.0)
MAX_SECONDS = limits.MAX_MELODY_SECONDS  # longest melody one request may generate
NOTE_TAIL_S = 0.04  # each note rings this long past its end, fading out (a crossfade into the next)
MIX_PEAK = 0.98  # a mix of voices whose peak is above this is scaled down to it (chords never clip)


class WaveNet(nn.Module):
    def __init__(self, n_instruments: int, n_pitches: int, layers_per_stack: int = 8, stacks: int = 2,
                 residual: int = 32, skip: int = 64, cond: int = 32, classes: int = 256, harmonics: int = 0,
                 pitch_low: int = 36, sample_rate: int = 16000):
        super().__init__()
        self.harmonics, self.pitch_low, self.sample_rate = harmonics, pitch_low, sample_rate
        self.residual, self.skip_channels, self.classes = residual, skip, classes
        self.dilations = [2 ** i for i in range(layers_per_stack)] * stacks
        self.embed = nn.Embedding(classes, residual)  # = a 1x1 convolution of the one-hot input
        self.instrument = nn.Embedding(n_instruments, cond // 2)
        self.pitch = nn.Embedding(n_pitches, cond - cond // 2)
        n = len(self.dilations)
        # Convolutions are written as Linear layers over time-major (B, T, C) tensors: a kernel-2 dilated convolution
        # is cat(h[t - d], h[t]) @ W^T, filter and gate come from one matrix (2R x 2R), and residual + skip 1x1
        # convolutions share one (R + S x R) matrix. This is faster on CPU than Conv1d and is exactly the fused
        # layout that sampling uses.
        self.dilated = nn.ModuleList(nn.Linear(2 * residual, 2 * residual) for _ in range(n))
        self.condition = nn.ModuleList(nn.Linear(cond, 2 * residual, bias=False) for _ in range(n))
        self.res_skip = nn.ModuleList(nn.Linear(residual, residual + skip) for _ in range(n))
        self.excite = nn.ModuleList(nn.Linear(2 * harmonics, 2 * residual, bias=False) for _ in range(n)) \
            if harmonics else None
        self.out1 = nn.Linear(skip, skip)
        self.out2 = nn.Linear(skip, classes)

    @property
    def receptive_field(self) -> int:
        return sum(self.dilations) + 1

    def cond_vector(self, instrument: torch.Tensor, pitch_index: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.instrument(instrument), self.pitch(pitch_index)], dim=1)

    def phase_step(self, pitch_index: torch.Tensor) -> torch.Tensor:
        """Radians per sample of each note's fundamental (float64)."""
        midi = pitch_index.double() + self.pitch_low
        return 2 * np.pi * 440.0 * 2 ** ((midi - 69) / 12) / self.sample_rate

    def excitation(self, pitch_index: torch.Tensor, first_index: torch.Tensor, length: int) -> torch.Tensor:
        """(B, length, 2H) sin/cos of the first H harmonics at output positions first_index + 0..length-1 of each
        note (position 0 = the note's first sample; zeros before it). float64 phase, float32 result."""
        device = first_index.device
        k = first_index.double()[:, None] + torch.arange(length, dtype=torch.float64, device=device)[None, :]
        h = torch.arange(1, self.harmonics + 1, dtype=torch.float64, device=device)
        phase = (self.phase_step(pitch_index)[:, None] * k)[..., None] * h  # (B, T, H)
        e = torch.cat([torch.sin(phase), torch.cos(phase)], dim=-1) * (k >= 0)[..., None]
        return e.float()

    def forward(self, inputs: torch.Tensor, instrument: torch.Tensor, pitch_index: torch.Tensor,
                skip_first: int = 0, first_index: torch.Tensor | None = None,
                excitation_gain: float = 1.0) -> torch.Tensor:
        """inputs (B, T) mu-law classes of the previous samples -> logits (B, T - skip_first, classes) for the next.

        Every layer sees zeros before the first input (causal zero padding), as the ring buffers do when sampling
        starts; `skip_first` drops the first outputs before the output layers (training scores only positions with
        a full receptive field). first_index (B,): the note position of the sample output 0 predicts (for the
        excitation; default 0). excitation_gain scales the excitation's contribution (1 in training; the
        sampler's EXCITATION_GAIN, to check that sampling computes the same logits)."""
        h = self.embed(inputs)  # (B, T, R)
        c = self.cond_vector(instrument, pitch_index)
        e = None
        if self.harmonics:
            start = torch.zeros(len(inputs), dtype=torch.long, device=inputs.device) if first_index is None \
                else first_index
            e = self.excitation(pitch_index, start, inputs.shape[1])
        skip = 0
        for i, (d, dil, cond, rs) in enumerate(zip(self.dilations, self.dilated, self.condition, self.res_skip)):
            past = F.pad(h, (0, 0, d, 0))[:, : h.shape[1]]
            z = dil(torch.cat([past, h], dim=-1)) + cond(c)[:, None, :]
            if e is not None:
                z = z + excitation_gain * self.excite[i](e)
            filt, gate = z.chunk(2, dim=-1)
            out = rs(torch.tanh(filt) * torch.sigmoid(gate))
            h = h + out[..., : self.residual]
            skip = skip + out[..., self.residual:]
        return self.out2(F.relu(self.out1(F.relu(skip[:, skip_first:]))))


def build(config: WaveNetConfig | dict) -> WaveNet:
    config = WaveNetConfig.coerce(config)
    arch = config.arch
    return WaveNet(n_instruments=len(config.instruments), n_pitches=config.pitch_high - config.pitch_low + 1,
                   layers_per_stack=arch.layers_per_stack, stacks=arch.stacks, residual=arch.residual,
                   skip=arch.skip, cond=arch.cond, harmonics=arch.harmonics,
                   pitch_low=config.pitch_low, sample_rate=config.sample_rate)


def check_duration(notes: list[melody_lib.Note], tempo: float) -> float:
    """The melody's length in seconds; ValueError when it is longer than one request may generate."""
    if not 20 <= tempo <= 300:
        raise ValueError(f"The tempo must be between 20 and 300 beats per minute, not {tempo:g}.")
    total_s = sum(n.beats for n in notes) * 60.0 / tempo
    if total_s > MAX_SECONDS:
        raise ValueError(f"The melody lasts {total_s:.1f} s at {tempo:g} bpm; at most {MAX_SECONDS} s can be "
                         "generated: use fewer or shorter notes, or a faster tempo.")
    return total_s


class WaveNetSynth:
    """A loaded WaveNet plus everything needed to play melodies with it (numba sampling on CPU)."""

    def __init__(self, net: WaveNet, config: WaveNetConfig | dict, device: torch.device | None = None):
        self.net = net.eval()
        self.config = WaveNetConfig.coerce(config)
        self.device = device or torch.device("cpu")
        self.sample_rate = self.config.sample_rate
        self.instruments = [i.name for i in self.config.instruments]
        self._fused = {}  # excitation gain -> the weights in the kernel's layout
        self.gain_override: float | None = None  # one excitation gain for every instrument (evaluation ablations)
        self._lock = threading.Lock()  # one generation at a time per model (shared by Streamlit sessions)

    # -- conditioning ---------------------------------------------------------------------------------------------
    def instrument_index(self, name: str) -> int:
        if name not in self.instruments:
            raise ValueError(f"Unknown instrument '{name}'. Choose one of: {', '.join(self.instruments)}.")
        return self.instruments.index(name)

    def info(self, instrument: str) -> InstrumentConfig:
        """The instrument's entry in the config (range, and the sampling settings recorded for it)."""
        return self.config.instruments[self.instrument_index(instrument)]

    def pitch_range(self, instrument: str) -> tuple[int, int]:
        info = self.info(instrument)
        return info.low, info.high

    def ceiling(self, instrument: str) -> float:
        """The level rule's RMS ceiling for the instrument's notes (0 = none: a config without loudest_rms)."""
        return LEVEL_RULE[1] * self.info(instrument).loudest_rms

    def parse(self, text: str, instrument: str) -> list[melody_lib.Note]:
        """Melody text -> notes, checked against the instrument's trained range (ValueError with what to fix)."""
        low, high = self.pitch_range(instrument)
        return melody_lib.parse_melody(text, low=low, high=high, instrument=instrument)

    # -- sampling ---------------------------------------------------------------------------------------------------
    def excitation_gain(self, instrument: str) -> float:
        """The excitation's gain when sampling this instrument: the config's choice, else EXCITATION_GAIN."""
        if self.gain_override is not None:
            return self.gain_override
        gain = self.info(instrument).excitation_gain
        return EXCITATION_GAIN if gain is None else float(gain)

    def fused(self, gain: float = 1.0):
        """The weights in the sampling kernel's layout, the excitation's scaled by gain (cached per gain)."""
        from models.wavenet import fast as wavenet_fast

        if gain not in self._fused:
            self._fused[gain] = wavenet_fast.FusedWeights.from_net(self.net, excitation_gain=gain)
        return self._fused[gain]

    def warm_up(self) -> None:
        """Prepare what a first melody would otherwise wait for: the compiled sampling loop (loaded, or compiled by
        numba's JIT) and the kernel-layout weights of every instrument."""
        from models.wavenet import kernel

        kernel.run_steps()
        with self._lock:
            for instrument in self.instruments:
                self.fused(self.excitation_gain(instrument))

    def generate_notes(self, instrument: str, pitches: list[int], n_samples: int | list[int],
                       temperature: float = DEFAULT_TEMPERATURE,
                       seed: int = 0, progress: Callable[[float], None] | None = None, onset_rule: bool = True,
                       level_rule: bool = True) -> np.ndarray:
        """One batch: float32 audio (len(pitches), max length), row i a note of MIDI pitch pitches[i] lasting
        n_samples (or n_samples[i]) samples, silent after its length. onset_rule, level_rule: see ONSET_RULE and
        LEVEL_RULE (the level rule needs the instrument's loudest_rms in the config; without it it is off)."""
        from models.wavenet import fast as wavenet_fast

        inst = self.instrument_index(instrument)
        low, high = self.pitch_range(instrument)
        for p in pitches:
            if not low <= p <= high:
                raise ValueError(f"MIDI pitch {p} is outside {instrument}'s trained range {low}-{high}.")
        with torch.inference_mode():
            pitch_index = torch.tensor(pitches, dtype=torch.long) - self.config.pitch_low
            c = self.net.cond_vector(torch.full((len(pitches),), inst, dtype=torch.long), pitch_index)
            biases = torch.stack([cond(c) + dil.bias for cond, dil in zip(self.net.condition, self.net.dilated)])
            steps = self.net.phase_step(pitch_index).numpy()
        ceiling = self.ceiling(instrument) if level_rule else 0.0
        with self._lock:  # (the fused weights are built, once per gain, under the lock too)
            classes = wavenet_fast.sample(self.fused(self.excitation_gain(instrument)),
                                          biases.numpy().astype(np.float32), n_samples,
                                          temperature=temperature, seed=seed, progress=progress, phase_steps=steps,
                                          start_after=ONSET_RULE[0] if onset_rule else -1,
                                          start_level=ONSET_RULE[1], ceiling=ceiling, level_window=LEVEL_RULE[0])
        return audio_lib.mu_law_decode(classes)

    def voices(self, instrument: str, pitches: list[int], lengths: list[int],
               temperature: float = DEFAULT_TEMPERATURE, seed: int = 0,
               progress: Callable[[float], None] | None = None, loudness_floor: bool = True) -> list[np.ndarray]:
        """The notes of a piece as the app plays them: generated as one batch, each turned up to the loudness floor
        if it came out quieter (LOUDNESS_FLOOR; loudness_floor=False for the evaluation's ablation) and enveloped
        (3 ms fade in, 40 ms fade out). Row i has lengths[i] samples. The evaluation's sound-quality figures measure
        these rows."""
        rows = self.generate_notes(instrument, pitches, lengths, temperature, seed, progress)
        sr = self.sample_rate
        floor = self.info(instrument).loudest_rms * 10 ** (-LOUDNESS_FLOOR[0] / 20) if loudness_floor else 0.0
        out = []
        for row, n in zip(rows, lengths):
            note = row[:n]
            rms = float(np.sqrt(np.mean(note[int(0.02 * sr):].astype(np.float64) ** 2))) if n > 0.02 * sr else 0.0
            if 0 < rms < floor:
                note = note * np.float32(min(floor / rms, 10 ** (LOUDNESS_FLOOR[1] / 20)))
            out.append(note * audio_lib.note_envelope(n, sr, release_s=NOTE_TAIL_S))
        return out

    def render(self, notes: list[melody_lib.Note], instrument: str, tempo: float = 120.0,
               temperature: float = DEFAULT_TEMPERATURE,
               seed: int = 0, progress: Callable[[float], None] | None = None) -> np.ndarray:
        """A melody (chords included) as float32 mono audio: see render_events."""
        check_duration(notes, tempo)
        total_s = sum(n.beats for n in notes) * 60.0 / tempo  # (a trailing rest counts)
        return self.render_events(melody_lib.to_events(notes, tempo), instrument, temperature, seed, progress,
                                  total_s=total_s)

    def render_events(self, events: list[melody_lib.Event], instrument: str,
                      temperature: float = DEFAULT_TEMPERATURE, seed: int = 0,
                      progress: Callable[[float], None] | None = None, total_s: float = 0.0) -> np.ndarray:
        """Timed voices (a melody's notes and chords, or a MIDI file's notes) as float32 mono audio: every voice
        generated in one batch, enveloped, overlap-added (each rings 40 ms past its end and fades out there: a
        short crossfade, no clicks), then the mix scaled down if its peak would clip (MIX_PEAK)."""
        melody_lib.check_events(events, MAX_SECONDS)
        sr = self.sample_rate
        tail = int(NOTE_TAIL_S * sr)
        end_s = max([total_s] + [e.start_s + e.length_s for e in events])
        out = np.zeros(int(round(end_s * sr)) + tail, np.float32)
        if not events:
            return out
        starts = [int(round(e.start_s * sr)) for e in events]
        lengths = [max(int(round(e.length_s * sr)), 1) + tail for e in events]
        rows = self.voices(instrument, [e.pitch for e in events], lengths, temperature, seed, progress)
        for row, start in zip(rows, starts):
            out[start: start + len(row)] += row[: len(out) - start]
        return audio_lib.fit_peak(out, MIX_PEAK)


def from_entry(entry, device, progress=None) -> WaveNetSynth:
    """Build the network from the manifest entry's config and fill it with its verified weights (CPU sampling)."""
    from models.weights_io import load_into

    config = WaveNetConfig.from_dict(entry.config)
    net = build(config)
    load_into(net, entry, progress)
    synth = WaveNetSynth(net, config, device)
    first = synth.instruments[0]
    synth.generate_notes(first, [synth.pitch_range(first)[0]], 1)  # load numba's compiled loop now, not on first click
    return synth


def from_file(path, device=None) -> WaveNetSynth:
    """A WaveNet from a weight file outside the manifest (a training run's snapshot): its config from the file's
    metadata, else the config.json beside it. Used by evaluation, tuning and the benchmark, not by the app."""
    import json
    from pathlib import Path

    from safetensors.torch import load_file

    from models.weights_io import stored_config

    config = stored_config(path) or json.loads((Path(path).parent / "config.json").read_text())
    net = build(config)
    net.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    return WaveNetSynth(net, config, device)
