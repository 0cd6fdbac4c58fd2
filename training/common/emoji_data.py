"""The prepared emoji set (training.dcgan.prepare_emoji -> $GAN_STUDIO_DATA/emoji/emoji_64.npz) as tensors, for the
emoji generator's training and evaluation and the category judge's training.

    split = load_split("train")      # split.images uint8 (N, 3, 64, 64); .category, .artist, .group per image
    x = to_unit(split.images)        # float32 in [-1, 1]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from training.common.paths import dataset_dir


@dataclass
class EmojiSplit:
    images: torch.Tensor  # uint8 (N, 3, S, S)
    category: torch.Tensor  # int64 (N,)
    artist: list[str]
    group: list[str]
    categories: list[str]  # names, index = category


def load_split(split: str, size: int = 64) -> EmojiSplit:
    """One split ("train" or "test", the held-out emoji) of the prepared set."""
    path = dataset_dir("emoji") / f"emoji_{size}.npz"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python -m training.dcgan.prepare_emoji` first")
    with np.load(path) as npz:
        keep = npz["split"] == split
        return EmojiSplit(torch.from_numpy(npz["images"][keep]).permute(0, 3, 1, 2).contiguous(),
                          torch.from_numpy(npz["category"][keep].astype(np.int64)),
                          npz["artist"][keep].tolist(), npz["group"][keep].tolist(), npz["categories"].tolist())


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """uint8 images -> float32 in [-1, 1]."""
    return images.float().div(127.5).sub(1.0)
