"""DCGAN latent-space tools and the loaded model the Latent Explorer drives (networks: models/dcgan/network.py).

`DCGANModel` (built by `from_entry`) wraps the generator with what the Latent Explorer needs: seeded latents,
batched generation, SeFa directions (Shen & Zhou 2021: eigenvectors of W^T W of the first layer), slerp / lerp
interpolation and random neighbours. Everything is deterministic given a seed (CPU torch.Generator).
`LatentPrior` says where latents come from: N(0, I) (the DCGAN default) or, where a model's config has a "prior",
a mixture of K Gaussians around fixed centres drawn from a seed (a Gaussian-mixture prior, as in DeLiGAN,
Gurumurthy et al. 2017, and GM-GAN, Ben-Yosef & Weinshall 2018, with the centres kept fixed).
"""
from __future__ import annotations

import math
import threading
from collections.abc import Mapping

import torch
from torch import nn

from models.dcgan.config import LATENT_DIM, DCGANConfig, PriorConfig
from models.dcgan.network import build_generator
from models.registry import ModelEntry
from models.limits import MAX_SEED
from models.store import Progress
from models.weights_io import dequantize_fill, load_into


class LatentPrior:
    """z ~ N(0, I) (components = 0), or z = c_k + spread * e with k uniform over K fixed centres c_k ~ N(0, I)
    (drawn once from centre_seed) and e ~ N(0, I). A draw takes e first, then k, from one torch.Generator, so the
    N(0, I) prior gives exactly torch.randn's latents."""

    def __init__(self, dim: int = LATENT_DIM, components: int = PriorConfig.components,
                 centre_seed: int = PriorConfig.centre_seed, spread: float = PriorConfig.spread):
        if components < 0 or spread <= 0:
            raise ValueError(f"bad prior: components {components}, spread {spread}")
        self.dim, self.components, self.centre_seed, self.spread = dim, int(components), int(centre_seed), float(spread)
        self.centres = (torch.randn(self.components, dim, generator=torch.Generator().manual_seed(self.centre_seed))
                        if self.components else None)

    @classmethod
    def from_config(cls, config: DCGANConfig | Mapping, dim: int | None = None) -> "LatentPrior":
        """The prior a config names (a DCGANConfig or its dict), for latents of its latent_dim (or of dim)."""
        config = DCGANConfig.coerce(config)
        prior = config.prior or PriorConfig()
        return cls(dim or config.latent_dim, prior.components, prior.centre_seed, prior.spread)

    def config(self) -> dict:
        """What goes into a model's config ({} for N(0, I))."""
        if not self.components:
            return {}
        return {"prior": {"components": self.components, "centre_seed": self.centre_seed, "spread": self.spread}}

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """(n, dim) latents from a CPU generator."""
        e = torch.randn(n, self.dim, generator=generator)
        if not self.components:
            return e
        k = torch.randint(0, self.components, (n,), generator=generator)
        return self.centres[k] + self.spread * e

    @property
    def typical_norm(self) -> float:
        """The length of a typical latent: sqrt(dim) for N(0, I), sqrt(dim (1 + spread^2)) for the mixture."""
        return math.sqrt(self.dim * (1 + self.spread ** 2 if self.components else 1))

    def describe(self) -> str:
        if not self.components:
            return "N(0, I)"
        return f"a mixture of {self.components} Gaussians N(c_k, {self.spread:g}^2 I), fixed centres c_k ~ N(0, I)"


def sefa(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """SeFa for a first layer whose weight is (latent_dim, ...): rows of the result are unit directions in z space,
    eigenvectors of W^T W (W = the layer as a matrix acting on z), strongest (largest eigenvalue) first."""
    w = weight.detach().double().reshape(weight.shape[0], -1)  # (latent, out): output = w^T z
    eigenvalues, eigenvectors = torch.linalg.eigh(w @ w.T)     # ascending
    order = torch.argsort(eigenvalues, descending=True)
    directions = eigenvectors[:, order].T
    # a fixed sign so a direction means the same thing on every machine: the largest-magnitude entry is positive
    signs = torch.sign(directions.gather(1, directions.abs().argmax(1, keepdim=True)))
    return (directions * signs).float(), eigenvalues[order].float()


def lerp(z0: torch.Tensor, z1: torch.Tensor, t: float) -> torch.Tensor:
    return (1 - t) * z0 + t * z1


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: float, eps: float = 1e-4) -> torch.Tensor:
    """Spherical interpolation (White 2016); plain lerp when the two latents point (almost) the same way."""
    a, b = z0.flatten().double(), z1.flatten().double()
    cos = torch.dot(a, b) / (a.norm() * b.norm()).clamp_min(1e-12)
    omega = math.acos(float(cos.clamp(-1.0, 1.0)))
    if abs(math.sin(omega)) < eps:
        return lerp(z0, z1, t)
    s = math.sin(omega)
    return (math.sin((1 - t) * omega) / s) * z0 + (math.sin(t * omega) / s) * z1


class DCGANModel:
    """A loaded generator plus latent tools. Thread-safe (one lock around inference); CPU-seeded latents."""

    def __init__(self, generator: nn.Module, config: DCGANConfig | Mapping, device: torch.device):
        self.generator = generator.to(device).eval()
        self.config = DCGANConfig.coerce(config)
        self.device = device
        self.latent_dim = generator.latent_dim
        self.prior = LatentPrior.from_config(self.config, dim=self.latent_dim)
        self._lock = threading.Lock()
        self._sefa = sefa(generator.first_layer_weight.cpu())
        self.image_size = 64 if self.config.arch == "conv64" else 28  # side in pixels; channels: 3 or 1
        self.channels = 3 if self.config.arch == "conv64" else 1

    def latent(self, seed: int) -> torch.Tensor:
        """z (latent_dim,) from the model's prior, the same for a seed on every machine."""
        if not 0 <= int(seed) <= MAX_SEED:
            raise ValueError(f"seed must be between 0 and {MAX_SEED}, got {seed}")
        return self.sample_latents(1, seed)[0]

    def sample_latents(self, n: int, seed: int) -> torch.Tensor:
        """(n, latent_dim) latents from the prior, one generator seeded once (what evaluations use)."""
        return self.prior.sample(n, torch.Generator().manual_seed(int(seed)))

    def latents(self, seeds) -> torch.Tensor:
        return torch.stack([self.latent(s) for s in seeds])

    @torch.inference_mode()
    def generate(self, z: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
        """Images (N, C, H, W) in [-1, 1] ((N, 1, 28, 28) or, for "conv64", (N, 3, 64, 64)) on the CPU for latents (N, latent_dim) or one latent (latent_dim,)."""
        z = z.reshape(-1, self.latent_dim).float()
        with self._lock:
            outs = [self.generator(z[i:i + batch_size].to(self.device)).float().cpu()
                    for i in range(0, len(z), batch_size)]
        return torch.cat(outs)

    def sefa_directions(self, k: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(directions (k, latent_dim) orthonormal rows, eigenvalues (k,)), strongest first."""
        directions, eigenvalues = self._sefa
        return directions[:k].clone(), eigenvalues[:k].clone()

    def edit(self, z: torch.Tensor, sefa_steps=(), raw_steps=()) -> torch.Tensor:
        """z moved by sefa_steps[i] along SeFa direction i and by raw_steps[j] along latent dimension j."""
        z = z.clone().float()
        if len(sefa_steps):
            directions, _ = self.sefa_directions(len(sefa_steps))
            z = z + torch.as_tensor(list(sefa_steps), dtype=torch.float32) @ directions
        for j, step in enumerate(raw_steps):
            z[j] += float(step)
        return z

    @staticmethod
    def interpolate(z0: torch.Tensor, z1: torch.Tensor, steps: int, method: str = "slerp") -> torch.Tensor:
        """steps latents from z0 to z1 inclusive, (steps, latent_dim)."""
        if method not in ("slerp", "lerp"):
            raise ValueError(f"method must be 'slerp' or 'lerp', got {method!r}")
        fn = slerp if method == "slerp" else lerp
        ts = [i / (steps - 1) for i in range(steps)] if steps > 1 else [0.0]
        return torch.stack([fn(z0, z1, t).float() for t in ts])

    def neighbours(self, z: torch.Tensor, n: int, radius: float = 0.5, seed: int = 0) -> torch.Tensor:
        """n latents z + radius * e, e ~ N(0, I) drawn from seed: random points around z."""
        gen = torch.Generator().manual_seed(int(seed))
        return z.float().unsqueeze(0) + radius * torch.randn(n, self.latent_dim, generator=gen)


def from_entry(entry: ModelEntry, device: torch.device, progress: Progress | None = None) -> DCGANModel:
    config = DCGANConfig.from_dict(entry.config)
    generator = build_generator(config.arch, config.latent_dim, config.g_width)
    load_into(generator, entry, progress, fill=dequantize_fill)  # plain files load as they are
    return DCGANModel(generator, config, device)
