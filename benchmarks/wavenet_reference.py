"""Reference WaveNet samplers for the benchmark (never imported by the app).

`torch_cached_sample` is the Fast WaveNet ring-buffer algorithm of models/wavenet/fast.py as a per-step eager
PyTorch loop, on the net's device; `load_synth` loads a weight file's WaveNet or, without one, the published model.
"""
from __future__ import annotations

from pathlib import Path

import torch

from models import registry
from models.wavenet.model import SILENCE, WaveNetSynth, from_entry, from_file

MODEL_NAME = "wavenet-instruments"


def load_synth(weights: Path | None) -> WaveNetSynth:
    if weights is None:
        return from_entry(registry.get(MODEL_NAME), torch.device("cpu"))
    return from_file(weights)


@torch.inference_mode()
def torch_cached_sample(net, instrument: torch.Tensor, pitch_index: torch.Tensor, n_samples: int,
                        temperature: float = 1.0, seed: int = 0) -> torch.Tensor:
    """Reference: the same cached (ring-buffer) algorithm as a per-step eager PyTorch loop, on the net's device.
    Slow (each step is ~100 tiny ops): the benchmark's baseline, and a readable statement of what the compiled
    kernel (models/wavenet/kernel_src.py) and the CUDA-graph step (models/wavenet/graph.py) compute."""
    device = next(net.parameters()).device
    pitch_index = pitch_index.to(device)
    gen = torch.Generator(device=device).manual_seed(seed)
    batch = instrument.shape[0]
    c = net.cond_vector(instrument.to(device), pitch_index)
    biases = [cond(c) + dil.bias for cond, dil in zip(net.condition, net.dilated)]
    queues = [torch.zeros(d, batch, net.residual, device=device) for d in net.dilations]
    current = torch.full((batch,), SILENCE, dtype=torch.long, device=device)
    warm = net.receptive_field - 1
    out = torch.empty(batch, n_samples, dtype=torch.long, device=device)
    for t in range(warm + n_samples):
        h = net.embed(current)
        e = net.excitation(pitch_index, torch.full((batch,), t - warm, device=device), 1)[:, 0] if net.harmonics \
            else None
        skip = 0
        for layer, (d, dil, rs) in enumerate(zip(net.dilations, net.dilated, net.res_skip)):
            slot = t % d
            past = queues[layer][slot].clone()
            queues[layer][slot] = h
            z = torch.addmm(biases[layer], torch.cat([past, h], dim=1), dil.weight.t())
            if e is not None:
                z = z + net.excite[layer](e)
            filt, gate = z.chunk(2, dim=1)
            o = rs(torch.tanh(filt) * torch.sigmoid(gate))
            h = h + o[:, : net.residual]
            skip = skip + o[:, net.residual:]
        logits = net.out2(torch.relu(net.out1(torch.relu(skip))))
        if t < warm:
            continue
        probs = torch.softmax(logits / max(temperature, 1e-6), dim=1)
        current = torch.multinomial(probs, 1, generator=gen)[:, 0]
        out[:, t - warm] = current
    return out
