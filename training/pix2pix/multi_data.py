"""The multi-artist colorizer data prepared by training.pix2pix.sources: loading, the training pool, and training
examples (line art of a random kind, user-like augmentation, simulated hints; target = the clean colour art on white).

    pool = TrainingPool(size=256)                 # train split of the training artists only
    x, y = pool.batch(np.random.default_rng([seed, step]), 4)
Noto (held-out artist) and Twemoji (evaluation only) are refused by TrainingPool.
"""
from __future__ import annotations


import numpy as np
import torch

from training.common.emoji_art import load_artist
from training.pix2pix.lineart import derive
from training.pix2pix.user_style import canvas, geometric, user_sketch
from training.pix2pix.augment import network_input, simulate_hints

TRAINING_ARTISTS = ("openmoji", "fluent")
NEVER_TRAIN = ("noto", "twemoji")
# line-art kinds: (kind, weight) for items with the artist's own line art, and for items without
KINDS_WITH_LINES = (("artist", 0.45), ("outline", 0.15), ("regions", 0.2), ("xdog", 0.2))
KINDS_DERIVED = (("regions", 0.5), ("xdog", 0.5))


def choose(options, rng: np.random.Generator) -> str:
    kinds, weights = zip(*options)
    return kinds[int(rng.choice(len(kinds), p=np.array(weights) / sum(weights)))]


class TrainingPool:
    """The train split of the training artists; each artist is drawn equally often."""

    def __init__(self, size: int = 256, artists=TRAINING_ARTISTS, canvas_p: float = 0.2, clean_p: float = 0.15):
        bad = set(artists) & set(NEVER_TRAIN)
        if bad:
            raise ValueError(f"{sorted(bad)} are held out (Noto) or evaluation-only (Twemoji): never train on them")
        self.size, self.canvas_p, self.clean_p = size, canvas_p, clean_p
        self.data = {a: load_artist(a, size) for a in artists}
        self.index = {a: np.array([i for i, m in enumerate(d["items"]) if m["split"] == "train"])
                      for a, d in self.data.items()}
        self.artists = list(artists)

    def __len__(self) -> int:
        return sum(len(v) for v in self.index.values())

    def pair(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(clean line art, colour) of one random training item, line art of a random kind."""
        artist = self.artists[int(rng.integers(len(self.artists)))]
        d = self.data[artist]
        i = int(self.index[artist][int(rng.integers(len(self.index[artist])))])
        colour = np.array(d["colour"][i])
        own = np.array(d["lines"][i]) if d["items"][i]["has_lines"] else None
        kind = choose(KINDS_WITH_LINES if own is not None else KINDS_DERIVED, rng)
        return derive(colour, own, kind), colour

    def example(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(network input (5, S, S) float32, target (3, S, S) float32), both in [-1, 1]."""
        if rng.random() < self.canvas_p:
            lines, colour = canvas([self.pair(rng) for _ in range(int(rng.integers(2, 5)))], rng, self.size)
        else:
            lines, colour = self.pair(rng)
        lines, colour = geometric(lines, colour, rng)
        sketch = lines if rng.random() < self.clean_p else user_sketch(lines, colour, rng)
        hints = simulate_hints(colour, lines, rng)
        target = colour.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1
        return network_input(sketch, hints), target

    def batch(self, rng: np.random.Generator, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = zip(*(self.example(rng) for _ in range(size)))
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))
