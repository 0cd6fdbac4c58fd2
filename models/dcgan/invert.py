"""GAN inversion for the DCGANs: find the latent whose image looks like a visitor's own digit or garment.

    inverter = Inverter(load_model("dcgan-mnist"), load_model("encoder-dcgan-mnist"), load_model("classifier-mnist"))
    result = inverter.invert_picture(pil_image)      # result.z (latent_dim,), result.image, result.target, .error

Two stages, as in the hybrid inversion of Zhu et al. 2016 (iGAN) and Bau et al. 2019: the encoder (trained on the
generator's own samples and on real images, training/dcgan/train_encoder.py) gives a first latent in one forward
pass, then `steps` Adam steps refine it on pixel loss (MSE) plus a feature loss in the shipped classifier's 128-d
features (so the reconstruction keeps what makes the digit its class). The latent is kept where the prior puts its
latents: its noise part (z - c_k) / spread, for the mixture component c_k nearest the encoder's guess (0 for N(0, I)),
is never longer than max_radius * sqrt(latent_dim), so the generator is never asked about a region it was not
trained on. Inputs are first made MNIST-like (models.imaging.mnist_like).
"""
from __future__ import annotations

import base64
import binascii
import math
import threading
from dataclasses import dataclass

import numpy as np
import torch

from models.dcgan.model import DCGANModel
from models.encoder.config import EncoderConfig
from models.imaging import mnist_like
from models.latent_fit import frozen, image_loss
from models.limits import MAX_LATENT_ABS, MAX_LATENT_PARAM_CHARS


@dataclass
class Inversion:
    z: torch.Tensor       # (latent_dim,)
    image: torch.Tensor   # (1, 28, 28) reconstruction in [-1, 1]
    target: torch.Tensor  # (1, 28, 28) the prepared input in [-1, 1]
    error: float          # mean absolute pixel error on the [0, 1] scale
    component: int        # the mixture component the latent was kept in (-1 for N(0, I))


class Inverter:
    """A DCGAN, its encoder and its dataset's classifier, put together for inversion. Thread-safe (one lock)."""

    def __init__(self, model: DCGANModel, encoder: torch.nn.Module, classifier, config: EncoderConfig | None = None):
        self.model, self.encoder, self.classifier = model, encoder, classifier
        self.config = EncoderConfig.coerce(config if config is not None else encoder.config)
        self._lock = threading.Lock()

    def prepare(self, picture) -> torch.Tensor:
        """A PIL picture as the (1, 28, 28) MNIST-like target (NoInkError for a blank one)."""
        return mnist_like(picture, self.config.box, self.config.centre_by_mass)

    def _centres(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(centre (N, dim), component index (N,)) of the nearest mixture component, zeros / -1 for N(0, I)."""
        prior = self.model.prior
        if not prior.components:
            return torch.zeros_like(z), torch.full((len(z),), -1)
        k = torch.cdist(z, prior.centres).argmin(1)
        return prior.centres[k], k

    def _keep_typical(self, z: torch.Tensor, centre: torch.Tensor) -> torch.Tensor:
        prior = self.model.prior
        spread = prior.spread if prior.components else 1.0
        noise = (z - centre) / spread
        limit = self.config.max_radius * math.sqrt(prior.dim)
        scale = (limit / noise.norm(dim=1, keepdim=True).clamp_min(1e-8)).clamp(max=1.0)
        return centre + spread * noise * scale

    def invert(self, targets: torch.Tensor, steps: int | None = None) -> list[Inversion]:
        """Inversions of prepared targets (N, 1, 28, 28) in [-1, 1]; steps = 0 gives the encoder's guess alone."""
        cfg = self.config
        steps = cfg.steps if steps is None else int(steps)
        gen, clf = self.model.generator, self.classifier.net
        with self._lock, torch.inference_mode(False), torch.enable_grad():
            targets = targets.reshape(-1, 1, 28, 28).float().to(self.model.device).clone()
            with torch.no_grad():
                z = self.encoder(targets)
                centre, k = self._centres(z)
                z = self._keep_typical(z, centre)
                target_features = clf.features(targets)
            z = z.clone().requires_grad_(True)
            opt = torch.optim.Adam([z], lr=cfg.lr)
            with frozen(gen, clf):
                for _ in range(steps):
                    opt.zero_grad(set_to_none=True)
                    image_loss(gen(z), targets, clf, target_features, cfg.feature_weight).backward()
                    opt.step()
                    with torch.no_grad():
                        z.copy_(self._keep_typical(z, centre))
            with torch.no_grad():
                images = gen(z).float()
        z, images, targets = z.detach().cpu(), images.cpu(), targets.cpu()
        errors = ((images - targets).abs() / 2).mean(dim=(1, 2, 3))
        return [Inversion(z[i], images[i], targets[i], float(errors[i]), int(k[i])) for i in range(len(z))]

    def invert_picture(self, picture, steps: int | None = None) -> Inversion:
        """One PIL picture, prepared and inverted."""
        return self.invert(self.prepare(picture).unsqueeze(0), steps)[0]


def encoder_name(generator: str) -> str:
    """The manifest name of a DCGAN's encoder."""
    return f"encoder-{generator}"


def load_inverter(generator: str) -> Inverter:
    """The generator, its encoder and the encoder's classifier from the manifest (one instance each per process)."""
    from models.loading import load_model

    encoder = load_model(encoder_name(generator))
    return Inverter(load_model(generator), encoder, load_model(encoder.config.classifier))


def latent_to_text(z: torch.Tensor) -> str:
    """A latent as compact link text: URL-safe base64 of its float16 values, no padding (100 values: 267 chars)."""
    raw = z.detach().float().clamp(-MAX_LATENT_ABS, MAX_LATENT_ABS).half().numpy().tobytes()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def latent_from_text(text: object, dim: int) -> torch.Tensor:
    """The latent of latent_to_text's text; ValueError saying why for anything else (length, characters, values)."""
    text = str(text).strip()
    if not text or len(text) > MAX_LATENT_PARAM_CHARS:
        raise ValueError(f"expected a latent of {dim} numbers as base64 text of at most {MAX_LATENT_PARAM_CHARS} "
                         "characters")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, binascii.Error):
        raise ValueError("the latent is not base64 text") from None
    if len(raw) != 2 * dim:
        raise ValueError(f"the latent holds {len(raw) // 2} numbers, this model takes {dim}")
    values = torch.from_numpy(np.frombuffer(raw, dtype=np.float16).astype(np.float32).copy())
    if not torch.isfinite(values).all() or values.abs().max() > MAX_LATENT_ABS:
        raise ValueError(f"the latent holds values that are not numbers from -{MAX_LATENT_ABS:g} to "
                         f"{MAX_LATENT_ABS:g}")
    return values
