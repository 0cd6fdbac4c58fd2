"""Where training data and runs live: the data cache (GAN_STUDIO_DATA, default ./data) and run folders (./runs)."""
from __future__ import annotations

from pathlib import Path

from models.settings import data_root

RUNS = Path("runs")


def dataset_dir(name: str) -> Path:
    """The prepared data of one dataset (mnist, fashion, openmoji, audio, ...) under the data cache."""
    return data_root() / name


__all__ = ["RUNS", "data_root", "dataset_dir"]
