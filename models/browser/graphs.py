"""The graphs a browser runs: each takes the slider values and the server's base latent and returns the picture as
uint8 pixels, computing the latent exactly as the server does.

- DCGAN family (`LiveDCGAN`): inputs base (1, latent_dim) = the seed's latent from the model's prior (drawn on the
  server with torch's RNG, which a browser cannot replay, so the page sends it), sefa (1, k) and raw (1, r) slider
  values; z = base + sefa @ directions (the model's SeFa directions, in the graph), then z[:r] += raw
  (models.dcgan.model.DCGANModel.edit); outputs image (1, C, H, W) uint8 = round((clamp(G(z), -1, 1) + 1) * 127.5)
  (models.imaging.to_uint8) and tanh, G(z) itself.
- InfoGAN (`LiveInfoGAN`): inputs base (1, 72) = the seed's noise ++ the digit's one-hot category, controls (1, 2) =
  (rotation, width); the K continuous codes = code_matrix @ controls (models.infogan.model.InfoGANModel.continuous).

Weights that ship as int8 rows (models.weights_io.quantize_state) stay int8 in the graph and are multiplied by their
scales inside it (what dequantize_fill does on the server), so an export is about as small as its safetensors file.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from models.weights_io import QUANT_SUFFIX, SCALE_SUFFIX


class Int8Weight(nn.Module):
    """A Linear or ConvTranspose2d whose weight is int8 rows times fp32 scales, dequantized in the graph."""

    def __init__(self, layer: nn.Module, q: torch.Tensor, scale: torch.Tensor):
        super().__init__()
        if not isinstance(layer, (nn.Linear, nn.ConvTranspose2d)):
            raise TypeError(f"no int8 export for {type(layer).__name__}")
        self.layer = layer
        self.register_buffer("q", q.to(torch.int8))
        self.register_buffer("scale", scale.float().reshape((-1,) + (1,) * (q.dim() - 1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.q.float() * self.scale
        layer = self.layer
        if isinstance(layer, nn.Linear):
            return F.linear(x, w, layer.bias)
        return F.conv_transpose2d(x, w, layer.bias, layer.stride, layer.padding, layer.output_padding,
                                  layer.groups, layer.dilation)


def keep_int8(module: nn.Module, stored) -> nn.Module:
    """Swap each layer whose weight the stored tensors hold as NAME.int8 + NAME.scale for an Int8Weight.
    stored: a mapping of the weight file's tensors (keys() and [key])."""
    for key in list(stored.keys()):
        if not key.endswith(QUANT_SUFFIX):
            continue
        name = key[: -len(QUANT_SUFFIX)]          # e.g. fc.3.weight
        path = name.rsplit(".", 1)[0].split(".")   # fc, 3
        parent = module
        for part in path[:-1]:
            parent = getattr(parent, part) if not part.isdigit() else parent[int(part)]
        last = path[-1]
        layer = parent[int(last)] if last.isdigit() else getattr(parent, last)
        swapped = Int8Weight(layer, stored[key], stored[name + SCALE_SUFFIX])
        if last.isdigit():
            parent[int(last)] = swapped
        else:
            setattr(parent, last, swapped)
    return module


def pixels(images: torch.Tensor) -> torch.Tensor:
    """models.imaging.to_uint8 inside the graph (round half to even, as torch.round and ONNX Round do)."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


class LiveDCGAN(nn.Module):
    def __init__(self, generator: nn.Module, directions: torch.Tensor, n_raw: int):
        super().__init__()
        self.generator = generator
        self.register_buffer("directions", directions.float().clone())
        self.latent_dim, self.n_raw = directions.shape[1], int(n_raw)

    def forward(self, base: torch.Tensor, sefa: torch.Tensor, raw: torch.Tensor):
        z = base + sefa @ self.directions
        z = z + F.pad(raw, (0, self.latent_dim - self.n_raw))
        images = self.generator(z)
        return pixels(images), images


class LiveInfoGAN(nn.Module):
    def __init__(self, generator: nn.Module, code_matrix: torch.Tensor):
        super().__init__()
        self.generator = generator
        self.register_buffer("code_matrix_t", code_matrix.float().T.contiguous())

    def forward(self, base: torch.Tensor, controls: torch.Tensor):
        latent = torch.cat([base, controls @ self.code_matrix_t], dim=1)
        images = self.generator(latent)
        return pixels(images), images
