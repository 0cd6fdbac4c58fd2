"""The WaveNet's prepared notes (training/wavenet/prepare.py writes them) and what training, evaluation and the
sampling tuner read from them: the notes themselves and each instrument's loudest training level."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.wavenet import audio as audio_lib
from models.wavenet.model import LEVEL_RULE
from training.common.paths import dataset_dir

MODEL_NAME = "wavenet-instruments"


def data_dir() -> Path:
    return dataset_dir("audio")


def load_notes(path: Path | None = None) -> dict:
    folder = path or data_dir()
    raw = np.load(folder / "notes.npz")
    meta = json.loads((folder / "meta.json").read_text())
    if "classes" in raw.files:  # a compact copy (uint8 mu-law classes, no audio), e.g. carried to a GPU machine
        classes = raw["classes"].astype(np.int16)
    else:
        classes = audio_lib.mu_law_encode(raw["audio"].astype(np.float32) / 32767).astype(np.int16)
    return {"classes": classes, "instrument": raw["instrument"].astype(np.int64),
            "pitch": raw["pitch"].astype(np.int64),
            "held_out": raw["held_out"].astype(bool), "meta": meta}


def loudest_levels(data: dict, window: int = LEVEL_RULE[0]) -> list[float]:
    """Per instrument: the highest level any of its training notes reaches, measured as the sampler's level rule
    measures it (the square root of x^2 averaged exponentially with weight 1/window, on the mu-law audio the model
    hears). Held-out notes are not used."""
    x2 = audio_lib.mu_law_decode(data["classes"]).astype(np.float64) ** 2
    power, peak = np.zeros(len(x2)), np.zeros(len(x2))
    for t in range(x2.shape[1]):
        power += (x2[:, t] - power) / window
        np.maximum(peak, power, out=peak)
    train = ~data["held_out"]
    n = int(data["instrument"].max()) + 1
    return [float(np.sqrt(peak[train & (data["instrument"] == i)].max())) for i in range(n)]


def set_levels(config: dict, data: dict) -> None:
    """Store each instrument's loudest training level in the config (instruments[i]["loudest_rms"]): the level
    rule's ceilings when sampling (models.wavenet.model.LEVEL_RULE)."""
    for info, level in zip(config["instruments"], loudest_levels(data)):
        info["loudest_rms"] = round(level, 4)
