"""Every GAN_STUDIO_* environment variable the backend reads (the limits a visitor meets are in models/limits.py).

Read through the functions here (not os.environ directly) so each variable is named and documented once:
    GAN_STUDIO_WEIGHTS_DIR   a directory whose weight files take precedence over the shipped ones
    GAN_STUDIO_CACHE         the download cache (default: the OS cache directory / gan-studio)
    GAN_STUDIO_WEIGHTS_URL   base URL for weight downloads (file name appended) when an entry has no URL
    GAN_STUDIO_DEVICE        cpu | cuda | cuda:N | mps: overrides the automatic device choice
    GAN_STUDIO_KERNEL        auto | compiled | jit: which WaveNet sampling loop runs
    GAN_STUDIO_SF2           the General MIDI SoundFont for the SoundFont comparison (and the WaveNet's data)
    GAN_STUDIO_DATA          training data cache (training/ only; default ./data)
    GAN_STUDIO_LIVE          on | off: the slider pages' live preview in the visitor's browser (pages/live_generator.py)
"""
from __future__ import annotations

import os
from pathlib import Path

WEIGHTS_DIR = "GAN_STUDIO_WEIGHTS_DIR"
CACHE = "GAN_STUDIO_CACHE"
WEIGHTS_URL = "GAN_STUDIO_WEIGHTS_URL"
DEVICE = "GAN_STUDIO_DEVICE"
KERNEL = "GAN_STUDIO_KERNEL"
SF2 = "GAN_STUDIO_SF2"
DATA = "GAN_STUDIO_DATA"
LIVE = "GAN_STUDIO_LIVE"


def text(name: str, default: str = "") -> str:
    """The variable's value with surrounding white space removed ('' or default when unset)."""
    return os.environ.get(name, default).strip()


def path(name: str, default: Path | str | None = None) -> Path | None:
    value = text(name)
    if value:
        return Path(value)
    return Path(default) if default is not None else None


def data_root() -> Path:
    """The training data cache: data/ under the working directory unless GAN_STUDIO_DATA says otherwise."""
    return path(DATA, "data")
