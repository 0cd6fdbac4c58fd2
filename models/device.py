"""Which torch device inference runs on: CUDA, else Apple MPS, else CPU; GAN_STUDIO_DEVICE overrides."""
from __future__ import annotations

import torch

from models import settings

ENV_DEVICE = settings.DEVICE


def pick_device() -> torch.device:
    """The device named by GAN_STUDIO_DEVICE, else the best one present."""
    wanted = settings.text(ENV_DEVICE).lower()
    if wanted:
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(f"{ENV_DEVICE}={wanted} but no CUDA GPU is visible; unset it or use 'cpu'.")
        if wanted == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError(f"{ENV_DEVICE}=mps but Apple MPS is not available; unset it or use 'cpu'.")
        return torch.device(wanted)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe(device: torch.device) -> str:
    """A one-line human description of a device, for the home page and the CLI."""
    if device.type == "cuda":
        return f"GPU: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU ({torch.get_num_threads()} threads)"
