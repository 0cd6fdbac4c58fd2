"""InfoGAN for MNIST (Chen et al. 2016, arXiv:1606.03657): the loaded model the InfoGAN Controls page drives.

Networks and the latent layout live in models/infogan/network.py. The categories were learned without labels; the shipped
config maps each category to the digit it draws ("category_to_digit", found by Hungarian matching against an
independent classifier) and how the user's rotation and width drive the K raw continuous codes ("code_matrix": raw =
M @ (rotation, width), a K x 2 matrix chosen from measured sweeps so that +rotation = clockwise slant and +width =
thicker strokes; raw codes it leaves at 0 stay at the middle of their prior).
"""
from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Mapping

import torch

from models.infogan.config import N_CATEGORIES, NOISE_DIM, InfoGANConfig
from models.infogan.network import Generator, continuous_count, make_latent
from models.registry import ModelEntry
from models.limits import MAX_SEED
from models.store import Progress
from models.weights_io import dequantize_fill, load_into

CODE_MIN, CODE_MAX = -2.0, 2.0  # the app's range: trained on [-1, 1], extrapolated to +-2 as in the paper
CODES = ("rotation", "width")


def noise_for_seed(seed: int) -> torch.Tensor:
    """The 62 noise values for a seed: the same on every machine (CPU generator, fixed draw order)."""
    gen = torch.Generator().manual_seed(int(seed))
    return torch.rand(NOISE_DIM, generator=gen) * 2 - 1


class InfoGANModel:
    """A trained generator plus the shipped mapping from categories to digits and codes to rotation/width."""

    def __init__(self, generator: Generator, config: InfoGANConfig | Mapping, device: torch.device | str = "cpu"):
        self.device = torch.device(device)
        self.generator = generator.to(self.device).eval()
        self.config = InfoGANConfig.coerce(config)
        mapping = list(self.config.category_to_digit)
        if sorted(mapping) != list(range(N_CATEGORIES)):
            raise ValueError(f"category_to_digit must be a permutation of 0-9, got {mapping}")
        self.category_to_digit = mapping
        self.digit_to_category = [mapping.index(d) for d in range(N_CATEGORIES)]
        # raw continuous codes = code_matrix @ (rotation, width); training/infogan/evaluate.py fits the shipped matrix
        self.n_continuous = continuous_count(generator)
        given = self.config.code_matrix
        matrix = torch.eye(self.n_continuous, 2) if given is None else torch.tensor(given, dtype=torch.float32)
        if matrix.shape != (self.n_continuous, 2) or not torch.isfinite(matrix).all():
            raise ValueError(f"code_matrix must be a finite {self.n_continuous}x2 list, got {given}")
        self.code_matrix = matrix
        self._lock = threading.Lock()

    # validation shared by the CLI and the page
    @staticmethod
    def check_digit(digit) -> int:
        if isinstance(digit, bool) or not isinstance(digit, numbers.Integral) or not 0 <= digit <= 9:
            raise ValueError(f"digit must be an integer 0-9, got {digit!r}")
        return int(digit)

    @staticmethod
    def check_code(name: str, value) -> float:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number from {CODE_MIN:g} to {CODE_MAX:g}, got {value!r}") from None
        if not math.isfinite(value) or not CODE_MIN <= value <= CODE_MAX:
            raise ValueError(f"{name} must be a number from {CODE_MIN:g} to {CODE_MAX:g}, got {value!r}")
        return value

    @staticmethod
    def check_seed(seed) -> int:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"seed must be an integer 0-{MAX_SEED}, got {seed!r}")
        return int(seed)

    def continuous(self, rotation: float, width: float) -> torch.Tensor:
        """User-facing (rotation, width) -> the generator's K continuous code values."""
        return self.code_matrix @ torch.tensor([float(rotation), float(width)])

    @torch.inference_mode()
    def generate_batch(self, digits, rotations, widths, seeds) -> torch.Tensor:
        """Equal-length sequences -> images (N, 1, 28, 28) in [-1, 1]; one noise vector per seed."""
        digits = [self.check_digit(d) for d in digits]
        rotations = [self.check_code("rotation", r) for r in rotations]
        widths = [self.check_code("width", w) for w in widths]
        seeds = [self.check_seed(s) for s in seeds]
        if not len(digits) == len(rotations) == len(widths) == len(seeds):
            raise ValueError("digits, rotations, widths and seeds must have the same length")
        if not digits:
            return torch.empty(0, 1, 28, 28)
        return self.generate_with_noise(digits, rotations, widths, torch.stack([noise_for_seed(s) for s in seeds]))

    def latents(self, digits, rotations, widths, noise: torch.Tensor) -> torch.Tensor:
        """Generator inputs (N, 72 + K) for N digits, rotations, widths (checked by the caller) and noise (N, 62)."""
        categories = torch.tensor([self.digit_to_category[d] for d in digits])
        cont = torch.stack([self.continuous(r, w) for r, w in zip(rotations, widths)])
        return make_latent(noise.float(), categories, cont)

    @torch.inference_mode()
    def generate_with_noise(self, digits, rotations, widths, noise: torch.Tensor) -> torch.Tensor:
        """Like generate_batch, with the noise given (N, 62) instead of seeds: a digit read from a picture."""
        digits = [self.check_digit(d) for d in digits]
        rotations = [self.check_code("rotation", r) for r in rotations]
        widths = [self.check_code("width", w) for w in widths]
        noise = torch.as_tensor(noise).reshape(-1, NOISE_DIM)
        if not len(digits) == len(rotations) == len(widths) == len(noise):
            raise ValueError("digits, rotations, widths and noise rows must have the same length")
        if not torch.isfinite(noise).all():
            raise ValueError("the noise must be finite numbers")
        return self.decode(self.latents(digits, rotations, widths, noise))

    def restyle(self, noise: torch.Tensor, rotation: float, width: float) -> torch.Tensor:
        """One handwriting (noise (62,)) with one rotation and width as every digit 0-9: (10, 1, 28, 28)."""
        noise = torch.as_tensor(noise).reshape(1, NOISE_DIM).expand(N_CATEGORIES, NOISE_DIM)
        return self.generate_with_noise(list(range(N_CATEGORIES)), [rotation] * N_CATEGORIES,
                                        [width] * N_CATEGORIES, noise)

    def generate(self, digit: int, rotation: float = 0.0, width: float = 0.0, seed: int = 0) -> torch.Tensor:
        """One image (1, 28, 28) in [-1, 1]."""
        return self.generate_batch([digit], [rotation], [width], [seed])[0]

    def generate_seeds(self, digit: int, rotation: float, width: float, seeds) -> torch.Tensor:
        """The same codes drawn with several noise seeds: (len(seeds), 1, 28, 28)."""
        seeds = list(seeds)
        n = len(seeds)
        return self.generate_batch([digit] * n, [rotation] * n, [width] * n, seeds)

    def traversal(self, code: str, seed: int = 0, values=None, other: float = 0.0) -> torch.Tensor:
        """A grid batch: rows are digits 0-9, columns sweep `code` ('rotation' or 'width') over values (default -2..2
        in 5 steps) with the other code at `other`. Returns (10 * len(values), 1, 28, 28), row-major."""
        if code not in CODES:
            raise ValueError(f"code must be one of {', '.join(CODES)}, got {code!r}")
        values = [CODE_MIN + i * (CODE_MAX - CODE_MIN) / 4 for i in range(5)] if values is None else list(values)
        digits, rots, wids = [], [], []
        for digit in range(N_CATEGORIES):
            for v in values:
                digits.append(digit)
                rots.append(v if code == "rotation" else other)
                wids.append(v if code == "width" else other)
        return self.generate_batch(digits, rots, wids, [seed] * len(digits))

    @torch.inference_mode()
    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """Raw generator call on (N, 72 + K) latents (used by evaluation); images on CPU."""
        with self._lock:
            return self.generator(latent.to(self.device)).float().cpu()


def from_entry(entry: ModelEntry, device: torch.device, progress: Progress | None = None) -> InfoGANModel:
    config = InfoGANConfig.from_dict(entry.config)
    generator = Generator(config.latent_dim)
    load_into(generator, entry, progress, fill=dequantize_fill)
    return InfoGANModel(generator, config, device)
