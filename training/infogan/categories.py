"""Category accuracy of an InfoGAN generator (its categorical code against the digits a classifier sees), shared by
the evaluation (training/infogan/evaluate.py) and the judge of training (training/infogan/train.py --judge)."""
from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment

from models.infogan.model import N_CATEGORIES, NOISE_DIM, InfoGANModel, make_latent


def classify(classifier, images: torch.Tensor) -> np.ndarray:
    """Digit predicted by classifier-mnist (models.classifier.model.Classifier) for each image."""
    return classifier.logits(images).argmax(1).numpy()


def category_samples(model: InfoGANModel, per_category: int, seed: int) -> tuple[torch.Tensor, np.ndarray]:
    """per_category samples of every raw category, noise and continuous codes drawn from the prior."""
    gen = torch.Generator().manual_seed(seed)
    n = per_category * N_CATEGORIES
    noise = torch.rand(n, NOISE_DIM, generator=gen) * 2 - 1
    cats = torch.arange(N_CATEGORIES).repeat_interleave(per_category)
    cont = torch.rand(n, model.n_continuous, generator=gen) * 2 - 1
    images = torch.cat([model.decode(make_latent(noise[i:i + 1000], cats[i:i + 1000], cont[i:i + 1000]))
                        for i in range(0, n, 1000)])
    return images, cats.numpy()


def category_accuracy(model: InfoGANModel, classifier, per_category: int = 1000, seed: int = 0) -> dict:
    """Hungarian-matched mapping (fitted on seed) and its accuracy on fresh samples (seed + 1)."""
    images, cats = category_samples(model, per_category, seed)
    preds = classify(classifier, images)
    counts = np.zeros((N_CATEGORIES, 10), dtype=np.int64)
    np.add.at(counts, (cats, preds), 1)
    rows, cols = linear_sum_assignment(-counts)
    mapping = [int(c) for _, c in sorted(zip(rows, cols))]
    fit_acc = counts[rows, cols].sum() / counts.sum()
    images, cats = category_samples(model, per_category, seed + 1)
    preds = classify(classifier, images)
    digit = np.array(mapping)[cats]
    per_digit = {int(d): round(float((preds[digit == d] == d).mean()), 4) for d in range(10)}
    return {"category_to_digit": mapping, "accuracy_fit": round(float(fit_acc), 4),
            "accuracy": round(float((preds == digit).mean()), 4), "accuracy_per_digit": per_digit,
            "confusion_fit": counts.tolist()}
