"""The generator files a colorizer run writes (runs/<name>/), as training's --publish-only and evaluation read them."""
from __future__ import annotations

import torch
from safetensors.torch import load_file

CHECKPOINT = "checkpoint.safetensors"  # G, D, E (the generator's weight average) and both optimisers


def generator_state(path: str) -> dict[str, torch.Tensor]:
    """The generator tensors of a run's file: a checkpoint's weight average (E.*), else its generator (G.*), else a
    generator file (G_epochNNN.safetensors) as it is."""
    tensors = load_file(path)
    return ({k[2:]: v for k, v in tensors.items() if k.startswith("E.")}
            or {k[2:]: v for k, v in tensors.items() if k.startswith("G.")} or tensors)
