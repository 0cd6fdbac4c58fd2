"""DCGAN for 28x28 greyscale images (MNIST digits, Fashion-MNIST clothes): networks, loading and latent-space tools.

Two shapes ("arch" in a model's config):
- "conv" (Radford et al.): z (100) -> ConvT 2w@7x7 -> ConvT w@14x14 -> ConvT 1@28x28, BN + ReLU, tanh output.
  Discriminator: strided convs w@14 -> 2w@7 (BN) with LeakyReLU 0.2 -> one logit.
- "fc" (the MNIST networks of the InfoGAN paper, Chen et al. 2016, appendix C.1, as a plain GAN): z (100) -> FC 1024
  -> FC 128@7x7 -> ConvT 64@14x14 -> ConvT 1@28x28, BN + ReLU, tanh. Discriminator: strided convs 64@14 -> 128@7 (BN)
  -> FC 1024 (BN) with LeakyReLU 0.2 -> one logit. Its big FC layer ships as int8 rows (see models.infogan.model).
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

import torch
from torch import nn

from models.registry import ModelEntry
from models.store import Progress
from models.weights_io import dequantize_fill, load_into, quantize_state
from models.settings import MAX_SEED

LATENT_DIM = 100


ARCHS = ("conv", "fc")


class LatentPrior:
    """z ~ N(0, I) (components = 0), or z = c_k + spread * e with k uniform over K fixed centres c_k ~ N(0, I)
    (drawn once from centre_seed) and e ~ N(0, I). A draw takes e first, then k, from one torch.Generator, so the
    N(0, I) prior gives exactly torch.randn's latents."""

    def __init__(self, dim: int = LATENT_DIM, components: int = 0, centre_seed: int = 0, spread: float = 1.0):
        if components < 0 or spread <= 0:
            raise ValueError(f"bad prior: components {components}, spread {spread}")
        self.dim, self.components, self.centre_seed, self.spread = dim, int(components), int(centre_seed), float(spread)
        self.centres = (torch.randn(self.components, dim, generator=torch.Generator().manual_seed(self.centre_seed))
                        if self.components else None)

    @classmethod
    def from_config(cls, config: dict) -> "LatentPrior":
        prior = config.get("prior") or {}
        return cls(int(config.get("latent_dim", LATENT_DIM)), int(prior.get("components", 0)),
                   int(prior.get("centre_seed", 0)), float(prior.get("spread", 1.0)))

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


class Generator(nn.Module):
    """The "conv" generator; width w gives 2w channels at 7x7 and w at 14x14."""

    def __init__(self, latent_dim: int = LATENT_DIM, width: int = 128):
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, 2 * width, 7, 1, 0, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(True),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(True),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z.view(len(z), self.latent_dim, 1, 1))

    @property
    def first_layer_weight(self) -> torch.Tensor:
        """The first layer as (latent_dim, ...): what SeFa factorises."""
        return self.net[0].weight


class FCGenerator(nn.Module):
    """The "fc" generator: FC 1024 -> FC 128@7x7 -> ConvT 64@14x14 -> ConvT 1@28x28 (BN + ReLU, tanh)."""

    def __init__(self, latent_dim: int = LATENT_DIM, width: int = 64):
        super().__init__()
        self.latent_dim = latent_dim
        self.fc = nn.Sequential(
            nn.Linear(latent_dim, 1024, bias=False), nn.BatchNorm1d(1024), nn.ReLU(True),
            nn.Linear(1024, 2 * width * 7 * 7, bias=False), nn.BatchNorm1d(2 * width * 7 * 7), nn.ReLU(True),
        )
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(True),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        hidden = self.fc(z.view(len(z), self.latent_dim))
        return self.deconv(hidden.view(len(z), -1, 7, 7))

    @property
    def first_layer_weight(self) -> torch.Tensor:
        return self.fc[0].weight.T


def strided_convs(width: int) -> list[nn.Module]:
    """Both discriminators start so: 1@28x28 -> conv w@14x14 -> conv 2w@7x7 (BN), LeakyReLU 0.2."""
    return [nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2, True)]


class Discriminator(nn.Module):
    """The "conv" discriminator."""

    def __init__(self, width: int = 64):
        super().__init__()
        self.net = nn.Sequential(*strided_convs(width), nn.Conv2d(2 * width, 1, 7, 1, 0))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


class FCDiscriminator(nn.Module):
    """The "fc" discriminator: conv 64@14 -> conv 128@7 (BN) -> FC 1024 (BN) -> one logit, LeakyReLU 0.2."""

    def __init__(self, width: int = 64):
        super().__init__()
        self.net = nn.Sequential(
            *strided_convs(width), nn.Flatten(),
            nn.Linear(2 * width * 7 * 7, 1024, bias=False), nn.BatchNorm1d(1024), nn.LeakyReLU(0.2, True),
            nn.Linear(1024, 1),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).view(-1)


def build_generator(arch: str = "conv", latent_dim: int = LATENT_DIM, width: int = 128) -> nn.Module:
    if arch not in ARCHS:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {arch!r}")
    return (Generator if arch == "conv" else FCGenerator)(latent_dim, width)


def build_discriminator(arch: str = "conv", width: int = 64) -> nn.Module:
    if arch not in ARCHS:
        raise ValueError(f"arch must be one of {', '.join(ARCHS)}, got {arch!r}")
    return (Discriminator if arch == "conv" else FCDiscriminator)(width)


def storage_form(state: dict[str, torch.Tensor], arch: str) -> dict[str, torch.Tensor]:
    """A generator's tensors as its shipped file holds them: the "fc" shape's big FC layer as int8 rows (fp32 it
    would be 26 MB, over the 10 MB limit); the "conv" shape as it is. from_entry reads either form."""
    return quantize_state(state) if arch == "fc" else state


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

    def __init__(self, generator: Generator, config: dict, device: torch.device):
        self.generator = generator.to(device).eval()
        self.config = config
        self.device = device
        self.latent_dim = generator.latent_dim
        self.prior = LatentPrior.from_config({**config, "latent_dim": self.latent_dim})
        self._lock = threading.Lock()
        self._sefa = sefa(generator.first_layer_weight.cpu())

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
        """Images (N, 1, 28, 28) in [-1, 1] on the CPU for latents (N, latent_dim) or one latent (latent_dim,)."""
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
    generator = build_generator(entry.config.get("arch", "conv"), int(entry.config.get("latent_dim", LATENT_DIM)),
                                int(entry.config.get("g_width", 128)))
    load_into(generator, entry, progress, fill=dequantize_fill)  # plain files load as they are
    return DCGANModel(generator, entry.config, device)
