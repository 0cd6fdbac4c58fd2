"""The table of model families: the one place that says which packages exist, which page shows each, and how a
family is loaded and put on the command line. Loading (models.loading), the CLI (models.cli) and the home page's
model status all read it, so adding a family means adding one row here and one package under models/.

Each family package (models/<family>/__init__.py) exposes the same small face:
    from_entry(entry, device, progress) -> the ready model object (weights verified and loaded)
    register_cli(subparsers) -> None      (optional: adds the family's `python -m models ...` subcommands)
    CONFIG                                 the family's typed config class (from_dict / to_dict)
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Family:
    name: str
    package: str
    page: str | None  # the app page that shows its models (None: used only as a judge, never shown to visitors)
    page_title: str | None = None


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("pix2pix", "models.pix2pix", "pages/sketch_colorizer.py", "Sketch Colorizer"),
    Family("dcgan", "models.dcgan", "pages/latent_explorer.py", "Latent Explorer"),
    Family("infogan", "models.infogan", "pages/infogan_controls.py", "InfoGAN Controls"),
    Family("wavenet", "models.wavenet", "pages/wavenet_audio.py", "WaveNet Audio"),
    Family("classifier", "models.classifier", None),
]}


class UnknownFamily(KeyError):
    def __str__(self) -> str:
        return self.args[0]


def family(name: str) -> Family:
    if name not in FAMILIES:
        raise UnknownFamily(f"Unknown model family '{name}'. Known families: {', '.join(FAMILIES)}.")
    return FAMILIES[name]


def package(name: str) -> ModuleType:
    """The family's package (imported on first use)."""
    return importlib.import_module(family(name).package)
