"""The judge used while training a generator: scores each snapshot, logs the scores, keeps the best snapshot.

A GAN's losses say little about how good its samples are, and later epochs are not always better; so trainers score
snapshots with a measure of the samples (for example a shipped classifier's opinion of them) and keep the best one.
What the measure is stays with the family (`score`); keeping, logging and resuming are the same for all of them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import torch

from models.weights_io import save, stored_config


class Judge:
    """score(generator) -> dict of figures, one of them `key` (higher is better). Each call scores a snapshot, appends
    the figures (with the caller's extra fields, e.g. epoch and step) to run_dir/log_name if given, and when `key`
    beats the best so far saves the generator as run_dir/best_name with the config and the figures as its metadata.
    A resumed run's judge starts from the best file's figure, so a worse later snapshot cannot replace it."""

    def __init__(self, run_dir: Path, score: Callable[[torch.nn.Module], dict], key: str, best_name: str,
                 log_name: str | None = None):
        self.run_dir, self.score, self.key = Path(run_dir), score, key
        self.best_path = self.run_dir / best_name
        self.log_path = self.run_dir / log_name if log_name else None
        self.best = stored_config(self.best_path).get(key, -1.0) if self.best_path.exists() else -1.0

    def __call__(self, gen: torch.nn.Module, config: dict, **extra) -> dict:
        figures = {**self.score(gen), **extra}
        if self.log_path is not None:
            with open(self.log_path, "a") as f:
                f.write(json.dumps(figures) + "\n")
        if figures[self.key] > self.best:
            self.best = figures[self.key]
            save(gen.state_dict(), self.best_path, {**config, **figures})
        return figures
