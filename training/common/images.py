"""Load the prepared MNIST / Fashion-MNIST splits (see training.classifier.prepare) as uint8 arrays or [-1, 1] tensors.

    images, labels = load("mnist", "train")     # uint8 (N, 28, 28), int64 (N,)
    x = to_tensor(images)                        # float32 (N, 1, 28, 28) in [-1, 1]
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from training.common.paths import data_root

DATASETS = ("mnist", "fashion")
SPLITS = ("train", "test")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                   "Ankle boot")




def split_path(dataset: str, split: str) -> Path:
    if dataset not in DATASETS or split not in SPLITS:
        raise ValueError(f"unknown dataset/split {dataset}/{split}; datasets {DATASETS}, splits {SPLITS}")
    return data_root() / dataset / f"{split}.npz"


def load(dataset: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images (N, 28, 28) and int64 labels (N,) of one prepared split."""
    path = split_path(dataset, split)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `python -m training.classifier.prepare {dataset}` first")
    with np.load(path) as npz:
        return npz["images"].astype(np.uint8), npz["labels"].astype(np.int64)


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) in [-1, 1], the range every network here uses."""
    return torch.from_numpy(np.ascontiguousarray(images)).float().div(127.5).sub(1.0).unsqueeze(1)


def load_tensors(dataset: str, split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A split as (images (N, 1, 28, 28) in [-1, 1], labels int64)."""
    images, labels = load(dataset, split)
    return to_tensor(images), torch.from_numpy(labels)


def shift(images: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """The batch moved by -1..1 px in x and y (background -1 comes in): the encoders' augmentation."""
    dy, dx = (int(v) for v in torch.randint(-1, 2, (2,), generator=gen))
    return torch.roll(F.pad(images, (1, 1, 1, 1), value=-1.0), (dy, dx), (2, 3))[:, :, 1:-1, 1:-1]
