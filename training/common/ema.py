"""An exponential moving average (EMA) of a module's weights: what the GAN and WaveNet trainers sample, judge and ship.

A generator's weights wander from step to step under an adversarial loss; their running average gives steadier
samples (Karras et al. 2018; Yazici et al. 2019), and for the WaveNet a lower held-out loss.
"""
from __future__ import annotations

import torch


def warmup_decay(decay: float, step: int) -> float:
    """The decay to use after `step` updates: (1 + step) / (10 + step) at first, so the average is not held back by
    the random initial weights, and `decay` once that is larger."""
    return min(decay, (1 + step) / (10 + step))


@torch.no_grad()
def update_ema(ema: torch.nn.Module, live: torch.nn.Module, decay: float, copy_buffers: bool = False) -> None:
    """ema <- decay * ema + (1 - decay) * live for every parameter (one fused lerp over all of them); with
    copy_buffers, buffers (BatchNorm statistics) are copied from live instead of averaged."""
    torch._foreach_lerp_(list(ema.parameters()), list(live.parameters()), 1 - decay)
    if copy_buffers:
        for e, b in zip(ema.buffers(), live.buffers()):
            e.copy_(b)
