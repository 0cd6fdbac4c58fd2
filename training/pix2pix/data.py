"""The colorizer's prepared OpenMoji pairs (training/pix2pix/prepare.py writes them), read by training and evaluation."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from training.common.paths import dataset_dir

MODEL_NAME = "pix2pix-openmoji"  # the published colorizer these pairs train


def data_dir() -> Path:
    return dataset_dir("openmoji")


def load_pairs(size: int = 128) -> dict:
    path = data_dir() / f"pairs_{size}.npz"
    if not path.exists():
        raise SystemExit(f"{path} missing: run `python -m training.pix2pix.prepare --size {size}` first")
    return dict(np.load(path))
