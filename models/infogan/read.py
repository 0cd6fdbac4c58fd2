"""InfoGAN as an encoder: read a visitor's digit as the InfoGAN's codes (digit, rotation, width) and fit its noise.

    reader = load_reader()                       # infogan-mnist + encoder-infogan-mnist + classifier-mnist
    reading = reader.read_picture(pil_image)     # .digit, .rotation, .width, .noise (62,), .image, .error
    reader.model.restyle(reading.noise, reading.rotation, reading.width)   # the same hand as every digit 0-9

The shipped infogan-mnist file holds no Q head, so a Q-like code reader (encoder-infogan-mnist, trained on the
generator's own samples and real digits by training/infogan/train_reader.py) gives the first guess: the category
(mapped to a digit by the shipped category_to_digit), the continuous codes (turned into the app's rotation and width
by least squares through the shipped code_matrix) and the noise. Then, as for the DCGANs (models/dcgan/invert.py),
`steps` Adam steps refine noise, rotation and width (the category stays) on pixel loss plus a feature loss in the
classifier's features, keeping every value inside its prior's range [-1, 1].
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import torch

from models.encoder.config import EncoderConfig
from models.imaging import mnist_like
from models.latent_fit import frozen, image_loss
from models.infogan.config import N_CATEGORIES, NOISE_DIM
from models.infogan.model import InfoGANModel
from models.infogan.network import make_latent

READER_NAME = "encoder-infogan-mnist"
CODE_RANGE = 1.0  # noise, rotation and width are kept in [-1, 1], the range the generator was trained on


@dataclass
class CodeReading:
    digit: int            # the digit the read category draws (shipped category_to_digit)
    confidence: float     # the reader's probability for that category
    rotation: float       # the app's codes, in [-1, 1]
    width: float
    noise: torch.Tensor   # (62,) in [-1, 1]: the handwriting
    image: torch.Tensor | None   # (1, 28, 28) the reconstruction in [-1, 1] (None: handwriting from a link)
    target: torch.Tensor | None  # (1, 28, 28) the prepared input in [-1, 1] (None: from a link)
    error: float          # mean absolute pixel error on the [0, 1] scale

    def to_dict(self) -> dict:
        """What `python -m models invert infogan-mnist ... --out-dir` writes as NAME.json."""
        return {"digit": self.digit, "rotation": round(self.rotation, 4), "width": round(self.width, 4),
                "noise": [round(float(v), 5) for v in self.noise]}


class CodeReader:
    """The InfoGAN, its code reader and the classifier, put together. Thread-safe (one lock)."""

    def __init__(self, model: InfoGANModel, reader: torch.nn.Module, classifier, config: EncoderConfig | None = None):
        self.model, self.reader, self.classifier = model, reader, classifier
        self.config = EncoderConfig.coerce(config if config is not None else reader.config)
        self._unmix = torch.linalg.pinv(model.code_matrix)  # raw continuous codes -> (rotation, width)
        self._lock = threading.Lock()

    def prepare(self, picture) -> torch.Tensor:
        """A PIL picture as the (1, 28, 28) MNIST-like target (NoInkError for a blank one)."""
        return mnist_like(picture, self.config.box, self.config.centre_by_mass)

    def first_guess(self, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The reader alone: (category probabilities (N, 10), (rotation, width) (N, 2), noise (N, 62))."""
        with torch.no_grad():
            out = self.reader(targets.reshape(-1, 1, 28, 28).float().to(self.model.device)).float().cpu()
        noise, logits = out[:, :NOISE_DIM], out[:, NOISE_DIM:NOISE_DIM + N_CATEGORIES]
        codes = out[:, NOISE_DIM + N_CATEGORIES:] @ self._unmix.T
        return logits.softmax(1), codes.clamp(-CODE_RANGE, CODE_RANGE), noise.clamp(-CODE_RANGE, CODE_RANGE)

    def read_digits(self, targets: torch.Tensor) -> list[int]:
        """The digit the reader sees in each prepared target (no refinement): what the card's accuracy measures."""
        probs, _, _ = self.first_guess(targets)
        return [self.model.category_to_digit[int(c)] for c in probs.argmax(1)]

    def read(self, targets: torch.Tensor, steps: int | None = None) -> list[CodeReading]:
        """Readings of prepared targets (N, 1, 28, 28) in [-1, 1]; steps = 0 keeps the reader's guess."""
        cfg, model = self.config, self.model
        steps = cfg.steps if steps is None else int(steps)
        gen, clf = model.generator, self.classifier.net
        targets = targets.reshape(-1, 1, 28, 28).float().cpu().clone()  # a normal tensor (inputs may be inference ones)
        probs, codes, noise = self.first_guess(targets)
        categories = probs.argmax(1)
        matrix = model.code_matrix.to(model.device)
        with self._lock, torch.inference_mode(False), torch.enable_grad():
            dev_targets = targets.to(model.device)
            with torch.no_grad():
                target_features = clf.features(dev_targets)
            noise = noise.to(model.device).clone().requires_grad_(True)
            codes = codes.to(model.device).clone().requires_grad_(True)
            cats = categories.to(model.device)
            opt = torch.optim.Adam([noise, codes], lr=cfg.lr)
            with frozen(gen, clf):
                for _ in range(steps):
                    opt.zero_grad(set_to_none=True)
                    images = gen(make_latent(noise, cats, codes @ matrix.T))
                    image_loss(images, dev_targets, clf, target_features, cfg.feature_weight).backward()
                    opt.step()
                    with torch.no_grad():
                        noise.clamp_(-CODE_RANGE, CODE_RANGE)
                        codes.clamp_(-CODE_RANGE, CODE_RANGE)
            with torch.no_grad():
                images = gen(make_latent(noise, cats, codes @ matrix.T)).float().cpu()
        noise, codes = noise.detach().cpu(), codes.detach().cpu()
        errors = ((images - targets).abs() / 2).mean(dim=(1, 2, 3))
        return [CodeReading(model.category_to_digit[int(categories[i])], float(probs[i, categories[i]]),
                            float(codes[i, 0]), float(codes[i, 1]), noise[i], images[i], targets[i],
                            float(errors[i])) for i in range(len(noise))]

    def read_picture(self, picture, steps: int | None = None) -> CodeReading:
        """One PIL picture, prepared and read."""
        return self.read(self.prepare(picture).unsqueeze(0), steps)[0]


def codes_from_dict(data) -> tuple[int, float, float, torch.Tensor]:
    """(digit, rotation, width, noise (62,)) from what CodeReading.to_dict wrote; ValueError saying what is wrong."""
    from models.numbers import number

    if not isinstance(data, dict) or not {"digit", "rotation", "width", "noise"} <= set(data):
        raise ValueError('expected a JSON object with "digit", "rotation", "width" and "noise" (as `invert '
                         'infogan-mnist` writes)')
    digit = data["digit"]
    if isinstance(digit, bool) or not isinstance(digit, int) or not 0 <= digit <= 9:
        raise ValueError(f'"digit" must be a whole number 0-9, got {str(digit)[:40]}')
    codes = [number(data[k]) for k in ("rotation", "width")]
    if any(c is None or abs(c) > CODE_RANGE for c in codes):
        raise ValueError(f'"rotation" and "width" must be numbers from -{CODE_RANGE:g} to {CODE_RANGE:g}')
    noise = data["noise"]
    values = [number(v) for v in noise] if isinstance(noise, list) and len(noise) == NOISE_DIM else None
    if values is None or any(v is None or abs(v) > CODE_RANGE for v in values):
        raise ValueError(f'"noise" must be a list of {NOISE_DIM} numbers from -{CODE_RANGE:g} to {CODE_RANGE:g}')
    return digit, codes[0], codes[1], torch.tensor(values)


def load_reader() -> CodeReader:
    """infogan-mnist, its code reader and the reader's classifier from the manifest (one instance each per process)."""
    from models.loading import load_model

    reader = load_model(READER_NAME)
    return CodeReader(load_model(reader.config.generator), reader, load_model(reader.config.classifier))
