"""WaveNet sampling on a GPU: the Fast WaveNet step written with fixed-shape tensor ops and captured in a CUDA graph.

The step is the ring-buffer algorithm of models/wavenet/fast.py (one fused matrix per layer for both taps and filter +
gate, one for residual + skip), but every piece of changing state lives in device tensors so that one recorded
sequence of kernels can be replayed for every sample: the time step `t` is a tensor (each layer's ring-buffer slot is
t % d, read with index_select and written with index_copy_), the excitation's phase is computed from it, sampling is
the Gumbel-max trick on uniforms drawn inside the graph, and each step writes its class (and, for tests, its logits)
at row t of preallocated outputs. `steps_per_graph` steps are recorded into one graph, so Python replays one graph per
chunk instead of launching ~150 kernels per sample.

On a CPU the same step runs eagerly (no graph): slow, but it lets CPU-only machines check that the step equals the
full convolutional forward (tests/test_wavenet_graph.py). The app samples with the compiled CPU kernel; see the card
for the measured GPU figures and why.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from models.wavenet.audio import mu_law_decode
from models.wavenet.model import SILENCE, WaveNet


class GraphSampler:
    """Generates `batch` notes of `n_samples` samples (after rf - 1 silent warm-up steps, as training saw)."""

    def __init__(self, net: WaveNet, instrument: torch.Tensor, pitch_index: torch.Tensor, n_samples: int,
                 temperature: float = 1.0, steps_per_graph: int = 64, keep_logits: bool = False,
                 forced: torch.Tensor | None = None, onset_rule: tuple[int, int] | None = None, excitation_gain: float = 1.0,
                 ceiling: float | torch.Tensor = 0.0, level_window: int = 256):
        """forced (optional, (n_samples, batch) classes): feed these instead of sampling (teacher forcing; tests).
        onset_rule (start_after, level), excitation_gain, ceiling and level_window (the level rule, one ceiling or (batch,);
        0 = off): as in models.wavenet.fast."""
        self.net = net.eval()
        dev = self.device = next(net.parameters()).device
        self.batch = batch = int(instrument.shape[0])
        self.warm = net.receptive_field - 1
        total = self.warm + n_samples
        self.k = steps_per_graph if dev.type == "cuda" else 1
        self.total = math.ceil(total / self.k) * self.k  # graphs replay whole chunks; extra steps are discarded
        self.n_samples = n_samples
        with torch.inference_mode():
            pitch_index = pitch_index.to(dev)
            c = net.cond_vector(instrument.to(dev), pitch_index)
            self.bias = torch.stack([cond(c) + dil.bias for cond, dil in zip(net.condition, net.dilated)])
            self.phase_step = net.phase_step(pitch_index)  # (B,) float64
        self.w_dil = [m.weight.detach().t().contiguous() for m in net.dilated]
        self.w_rs = [m.weight.detach().t().contiguous() for m in net.res_skip]
        self.b_rs = [m.bias.detach() for m in net.res_skip]
        self.w_ex = [m.weight.detach().t().contiguous() * excitation_gain for m in net.excite] \
            if net.excite is not None else None
        self.queues = [torch.zeros(d, batch, net.residual, device=dev) for d in net.dilations]
        self.dil_t = [torch.tensor([d], device=dev) for d in net.dilations]
        self.harm = torch.arange(1, net.harmonics + 1, dtype=torch.float64, device=dev)
        self.t = torch.zeros(1, dtype=torch.long, device=dev)
        self.inv_t = torch.tensor(1.0 / temperature if temperature > 0 else 0.0, device=dev)
        self.greedy = temperature <= 0
        self.current = torch.full((batch,), SILENCE, dtype=torch.long, device=dev)
        # classes to feed at each step: SILENCE while warming up, then -1 (= sample) or the forced classes
        self.forced = torch.full((self.total, batch), -1, dtype=torch.long, device=dev)
        self.forced[: self.warm] = SILENCE
        if forced is not None:
            self.forced[self.warm: self.warm + n_samples] = forced.to(dev)
        self.out = torch.full((self.total, batch), SILENCE, dtype=torch.long, device=dev)
        self.logits = torch.zeros(self.total, batch, net.classes, device=dev) if keep_logits else None
        self.start_after, level = onset_rule if onset_rule is not None else (-1, 0)
        self.started = torch.zeros(batch, dtype=torch.bool, device=dev)
        self.level = level
        self.near_silence = (torch.arange(net.classes, device=dev) - SILENCE).abs() < level
        self.ceiling = torch.as_tensor(ceiling, dtype=torch.float64, device=dev).expand(batch).contiguous()
        self.power = torch.zeros(batch, dtype=torch.float64, device=dev)  # running mean square (level rule)
        self.power_decay = 1.0 / level_window
        self.levels = torch.from_numpy(mu_law_decode(np.arange(net.classes), net.classes - 1, np.float64)).to(dev)
        self.too_loud = self.levels.abs()[None, :] > self.ceiling[:, None]  # (B, C): classes out while over the ceiling
        self.level_rule = bool((self.ceiling > 0).any())
        self.graph = None

    @torch.inference_mode()
    def _step(self) -> None:
        net, t = self.net, self.t
        h = net.embed(self.current)
        e = None
        if self.w_ex is not None:
            k = (t - self.warm).double()  # the note's sample index (negative while warming up)
            phase = (self.phase_step * k)[:, None] * self.harm  # (B, H)
            e = (torch.cat([torch.sin(phase), torch.cos(phase)], dim=1) * (k >= 0)).float()
        skip = None
        for layer in range(len(self.queues)):
            queue, slot = self.queues[layer], torch.remainder(t, self.dil_t[layer])
            past = queue.index_select(0, slot)[0]
            queue.index_copy_(0, slot, h[None])
            z = torch.addmm(self.bias[layer], torch.cat([past, h], dim=1), self.w_dil[layer])
            if e is not None:
                z = z.addmm_(e, self.w_ex[layer])
            filt, gate = z.chunk(2, dim=1)
            o = torch.addmm(self.b_rs[layer], torch.tanh(filt) * torch.sigmoid(gate), self.w_rs[layer])
            h = h + o[:, : net.residual]
            skip = o[:, net.residual:] if skip is None else skip + o[:, net.residual:]
        logits = net.out2(torch.relu(net.out1(torch.relu(skip))))
        if self.logits is not None:
            self.logits.index_copy_(0, t, logits[None])
        if self.start_after >= 0:  # the onset rule: a note not yet sounding must leave silence now
            hold = ~self.started & (t - self.warm >= self.start_after)
            logits = logits.masked_fill(hold[:, None] & self.near_silence[None, :], float("-inf"))
        if self.level_rule:  # a note louder than its ceiling may only draw quieter samples
            loud = (self.ceiling > 0) & (self.power > self.ceiling ** 2)
            logits = logits.masked_fill(loud[:, None] & self.too_loud, float("-inf"))
        if self.greedy:
            drawn = logits.argmax(dim=1)
        else:  # Gumbel-max: argmax(logits / T + G) is a draw from softmax(logits / T)
            u = torch.rand_like(logits).clamp_(1e-12, 1.0 - 1e-7)
            drawn = (logits * self.inv_t - torch.log(-torch.log(u))).argmax(dim=1)
        fed = self.forced.index_select(0, t)[0]
        self.current.copy_(torch.where(fed >= 0, fed, drawn))
        self.out.index_copy_(0, t, self.current[None])
        self.started |= (t >= self.warm) & ((self.current - SILENCE).abs() >= self.level)
        if self.level_rule:
            step = (self.levels[self.current] ** 2 - self.power) * self.power_decay
            self.power.add_(torch.where(t >= self.warm, step, torch.zeros_like(step)))
        t.add_(1)

    def _chunk(self) -> None:
        for _ in range(self.k):
            self._step()

    def _reset(self) -> None:
        """Back to the start: empty ring buffers, silence as the first input, step 0."""
        for q in self.queues:
            q.zero_()
        self.current.fill_(SILENCE)
        self.started.zero_()
        self.power.zero_()
        self.t.zero_()
        self.out.fill_(SILENCE)
        if self.logits is not None:
            self.logits.zero_()

    def _capture(self) -> None:
        """Record one chunk of steps as a CUDA graph (after a warm-up chunk on a side stream, as PyTorch asks)."""
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            self._chunk()
        torch.cuda.current_stream().wait_stream(side)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self._chunk()

    def run(self, seed: int = 0) -> torch.Tensor:
        """(batch, n_samples) mu-law classes of the generated notes (after the warm-up); each run starts afresh."""
        if self.device.type == "cuda":
            if self.graph is None:
                self._capture()  # the warm-up chunk before the capture changes the state: reset below
            self._reset()
            torch.manual_seed(seed)
            for _ in range(self.total // self.k):
                self.graph.replay()
            torch.cuda.synchronize(self.device)
        else:
            self._reset()
            torch.manual_seed(seed)
            for _ in range(self.total):
                self._step()
        return self.out[self.warm: self.warm + self.n_samples].t()
