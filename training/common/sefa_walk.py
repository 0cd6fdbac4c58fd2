"""Walking a generator's SeFa directions, for the scripts that measure and name them (training/dcgan/
measure_directions.py for the grey DCGANs, measure_emoji_directions.py for dcgan-emoji): the same latents moved
`step` units each way along each direction, the pictures measured and judged at both ends."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class DirectionWalk:
    delta: dict[str, float]  # mean measure at +step minus at -step
    effects: dict[str, float]  # delta over the base pictures' spread of that measure
    changed: dict[int, np.ndarray]  # sign -> which pictures the judge now labels otherwise than at the start
    change: float  # the share changed, averaged over both ends
    top_change: dict[int, tuple[str, str, float] | None]  # sign -> the commonest (from, to, share of all pictures)


def walk_directions(model, judge, measure: Callable[[torch.Tensor], dict[str, np.ndarray]], keys, n: int,
                    seed: int, step: float, count: int) -> list[DirectionWalk]:
    """The first `count` SeFa directions of model walked from n latents of seed; measure(pictures) gives the
    measures named by keys per picture; judge labels the pictures."""
    z = model.sample_latents(n, seed)
    base = model.generate(z)
    base_measures, base_class = measure(base), judge.predict(base)[0].numpy()
    spread = {k: float(v.std()) + 1e-8 for k, v in base_measures.items()}
    directions, _ = model.sefa_directions(count)
    walks = []
    for i in range(count):
        ends = {}
        for sign in (1, -1):
            images = model.generate(z + sign * step * directions[i])
            ends[sign] = (measure(images), judge.predict(images)[0].numpy())
        delta = {k: float((ends[1][0][k] - ends[-1][0][k]).mean()) for k in keys}
        changed = {s: ends[s][1] != base_class for s in (1, -1)}
        top = {}
        for s in (1, -1):
            counts = Counter((judge.class_names[a], judge.class_names[b])
                             for a, b, c in zip(base_class, ends[s][1], changed[s]) if c)
            top[s] = None
            if counts:
                (a, b), number = counts.most_common(1)[0]
                top[s] = (a, b, number / n)
        walks.append(DirectionWalk(delta, {k: delta[k] / spread[k] for k in keys}, changed,
                                   float(np.mean([changed[1].mean(), changed[-1].mean()])), top))
    return walks
