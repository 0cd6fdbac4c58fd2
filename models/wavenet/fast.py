"""Fast WaveNet sampling (Paine et al. 2016) in compiled code: O(layers) work per sample, all notes of a melody in one batch.

Each layer keeps a ring buffer of its last `dilation` inputs: at step t the slot t % d holds the input from t - d
(read it, then overwrite it with the input at t). A layer's two taps, filter and gate are one matrix product
(2R x 2R over cat(x[t-d], x[t])); its residual and skip 1x1 convolutions are another (R + S x R). The weights are
taken from the torch module once (it already has this layout, see models/wavenet/model.py) and stored transposed for
the kernel. The per-sample loop is
compiled code (models/wavenet/kernel_src.py, built ahead of time or by numba's JIT, see models/wavenet/kernel.py)
over a chunk of steps, so callers can report progress between chunks.

On CUDA machines sampling still runs here on the CPU: a per-step torch loop (benchmarks/wavenet_reference.py) is bound by kernel launches, ~45x slower than real time on an H200; the same step
captured in a CUDA graph (models/wavenet/graph.py) takes ~350 us per sample, 5.5 s per second of audio for one note,
so the GPU only pays off for batches of dozens of notes (see the card).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from models.wavenet.audio import mu_law_decode
from models.wavenet.kernel import run_steps

SILENCE = 128


@dataclass
class FusedWeights:
    embed: np.ndarray  # (classes, R)
    # matrices are stored transposed, (inputs, outputs), for the kernel's axpy-form products
    dil_wt: np.ndarray  # (L, 2R, 2R): [past tap, current tap] x [filter; gate]
    rs_wt: np.ndarray  # (L, R, R + S)
    rs_b: np.ndarray  # (L, R + S)
    o1_wt: np.ndarray  # (S, S)
    o1_b: np.ndarray
    o2_wt: np.ndarray  # (S, classes)
    o2_b: np.ndarray
    dilations: np.ndarray  # (L,) int64
    receptive_field: int
    excite_w: np.ndarray  # (L, 2H, 2R): sinusoidal excitation weights (transposed); H = 0 without it
    levels: np.ndarray  # (classes,) float64: the amplitude each mu-law class decodes to (the level rule's measure)

    @classmethod
    def from_net(cls, net, excitation_gain: float = 1.0) -> "FusedWeights":
        """The net's weights in the kernel's layout; excitation_gain scales the excitation's (sampling only)."""
        def f32(t):
            return np.ascontiguousarray(t.detach().cpu().float().numpy())

        return cls(
            embed=f32(net.embed.weight),
            dil_wt=f32(torch.stack([m.weight.t() for m in net.dilated])),
            rs_wt=f32(torch.stack([m.weight.t() for m in net.res_skip])),
            rs_b=f32(torch.stack([m.bias for m in net.res_skip])),
            o1_wt=f32(net.out1.weight.t()), o1_b=f32(net.out1.bias),
            o2_wt=f32(net.out2.weight.t()), o2_b=f32(net.out2.bias),
            dilations=np.array(net.dilations, dtype=np.int64),
            receptive_field=net.receptive_field,
            excite_w=f32(torch.stack([m.weight.t() for m in net.excite]) * excitation_gain) if net.excite is not None
            else np.zeros((len(net.dilations), 0, 2 * net.residual), np.float32),
            levels=mu_law_decode(np.arange(net.classes), net.classes - 1, dtype=np.float64),
        )


class Sampler:
    """The state of one batch of notes being generated: ring buffers, current inputs, time step."""

    def __init__(self, fused: FusedWeights, biases: np.ndarray, phase_steps: np.ndarray | None = None,
                 onset: int = 0, start_after: int = -1, start_level: int = 0,
                 ceiling: float | np.ndarray = 0.0, level_window: int = 256):
        """phase_steps (B,): radians per sample of each note's pitch (for models with an excitation); onset: the
        step at which the notes start (the excitation is silent before it). start_after >= 0 turns on the onset rule:
        from start_after steps after the onset, a note that has not yet drawn a class start_level or more away from
        silence may not draw a near-silent one (see `sample`). ceiling (one or (B,), > 0 turns on the level rule):
        while a note's RMS over about level_window samples is above it, it may only draw samples below it."""
        self.w = fused
        self.bias = np.ascontiguousarray(biases, dtype=np.float32)  # (L, B, 2R): per-note condition + conv bias
        n_layers, batch = self.bias.shape[:2]
        res = fused.embed.shape[1]
        self.buffers = np.zeros((n_layers, int(fused.dilations.max()), batch, res), np.float32)
        self.current = np.full(batch, SILENCE, np.int64)
        self.t = 0
        self.batch = batch
        self.phase_steps = np.zeros(batch) if phase_steps is None else np.ascontiguousarray(phase_steps, np.float64)
        self.onset = int(onset)
        self.start_after, self.start_level = int(start_after), int(start_level)
        self.started = np.zeros(batch, np.int64)
        self.ceiling = np.ascontiguousarray(np.broadcast_to(np.asarray(ceiling, np.float64), (batch,)))
        self.power = np.zeros(batch, np.float64)  # each note's running mean square (level rule)
        self.power_decay = 1.0 / level_window

    def keep(self, mask: np.ndarray) -> None:
        """Continue with only the notes where mask is True."""
        self.bias = np.ascontiguousarray(self.bias[:, mask])
        self.buffers = np.ascontiguousarray(self.buffers[:, :, mask])
        self.current = np.ascontiguousarray(self.current[mask])
        self.phase_steps = np.ascontiguousarray(self.phase_steps[mask])
        self.started = np.ascontiguousarray(self.started[mask])
        self.ceiling = np.ascontiguousarray(self.ceiling[mask])
        self.power = np.ascontiguousarray(self.power[mask])
        self.batch = int(mask.sum())

    def run(self, n: int, uniforms: np.ndarray | None = None, forced: np.ndarray | None = None,
            temperature: float = 1.0, keep_logits: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """Advance n steps: the classes chosen (n, B), and their logits (n, B, classes) if keep_logits."""
        w = self.w
        if uniforms is None:
            uniforms = np.zeros((n, self.batch))
        if forced is None:
            forced = np.full((n, self.batch), -1, np.int64)
        out = np.empty((n, self.batch), np.int64)
        logits = np.empty((n if keep_logits else 0, self.batch, w.o2_wt.shape[1]), np.float32)
        inv_t = 1.0 / temperature if temperature > 0 else 0.0
        run_steps()(w.embed, w.dil_wt, w.rs_wt, w.rs_b, w.o1_wt, w.o1_b, w.o2_wt, w.o2_b, w.dilations, self.bias,
                   self.buffers, self.current, self.t, n, np.ascontiguousarray(uniforms, np.float64),
                   np.ascontiguousarray(forced, np.int64), inv_t, out, logits, w.excite_w, self.phase_steps,
                   self.onset, self.started, self.start_after, self.start_level, self.power,
                   self.power_decay, self.ceiling, w.levels)
        self.t += n
        return out, (logits if keep_logits else None)


def sample(fused: FusedWeights, biases: np.ndarray, n_samples: int | list[int], temperature: float = 1.0,
           seed: int = 0, progress: Callable[[float], None] | None = None, chunk: int = 1600,
           phase_steps: np.ndarray | None = None, start_after: int = -1,
           start_level: int = 0, ceiling: float | np.ndarray = 0.0, level_window: int = 256) -> np.ndarray:
    """Mu-law classes (B, max length) of B notes that start after a receptive field of silence (as in training).

    Onset rule (start_after >= 0): the training notes begin 65-150 samples after note-on (FluidSynth's own latency),
    so the model learned to wait before a note sounds; a note that has not sounded by the time its receptive field
    has moved past the onset looks like one that already decayed, and stays silent. From start_after samples on, a
    note that has not yet drawn a sample start_level or more mu-law classes away from silence may not draw a
    near-silent one, the way a text generator may be kept from ending before a minimum length.

    Level rule (ceiling > 0, one for all notes or (B,)): a note whose RMS (a running mean square over about
    level_window samples) rises above its ceiling may only draw samples quieter than the ceiling until it is below
    again. Free-running generation sometimes drifts into loud noise or a stuck offset far louder than any training
    note; a ceiling above the loudest training note (see models.wavenet.model.LEVEL_RULE) never touches a note that sounds
    like the data.

    n_samples is one length for all notes or one per note; notes that are done leave the batch at the next chunk
    boundary (their rows are padded with silence), so a melody of short notes and one long one costs little more
    than its notes' total length."""
    if not temperature >= 0:
        raise ValueError("temperature must be >= 0")
    batch = biases.shape[1]
    lengths = np.full(batch, n_samples, np.int64) if np.isscalar(n_samples) else np.asarray(n_samples, np.int64)
    total = int(lengths.max()) if batch else 0
    out = np.full((batch, total), SILENCE, np.int64)
    warm = fused.receptive_field - 1
    sampler = Sampler(fused, biases, phase_steps, onset=warm, start_after=start_after, start_level=start_level,
                      ceiling=ceiling, level_window=level_window)
    sampler.run(warm, forced=np.full((warm, batch), SILENCE, np.int64))
    rng = np.random.default_rng(seed)
    active = np.arange(batch)
    work_total, work_done, done = max(int(lengths.sum()), 1), 0, 0
    while done < total:
        keep = lengths[active] > done
        if not keep.all():  # drop finished notes from the batch
            active = active[keep]
            sampler.keep(keep)
        n = min(chunk, total - done)
        classes, _ = sampler.run(n, uniforms=rng.random((n, len(active))), temperature=temperature)
        out[active, done: done + n] = classes.T
        work_done += int(np.minimum(lengths[active] - done, n).sum())
        done += n
        if progress:
            progress(min(work_done / work_total, 1.0))
    for b in range(batch):
        out[b, lengths[b]:] = SILENCE
    return out

