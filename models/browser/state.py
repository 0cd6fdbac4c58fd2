"""The base inputs a page sends with the live generator (the part of the latent the sliders do not move), computed
with the server's own random draws so the browser never has to replay torch's RNG; no onnx / onnxruntime here."""
from __future__ import annotations

import numpy as np
import torch

from models.infogan.model import noise_for_seed


def dcgan_base(z: torch.Tensor) -> np.ndarray:
    """A DCGAN's base latent (a seed's, or a visitor's inverted one) as float32 (latent_dim,)."""
    return z.detach().float().cpu().reshape(-1).numpy().astype(np.float32)


def infogan_base(model, digit: int, seed: int) -> np.ndarray:
    """An InfoGAN's fixed inputs for a digit and a noise seed: the 62 noise values ++ the digit's one-hot category."""
    onehot = torch.zeros(len(model.digit_to_category))
    onehot[model.digit_to_category[model.check_digit(digit)]] = 1
    return torch.cat([noise_for_seed(model.check_seed(seed)), onehot]).numpy().astype(np.float32)
