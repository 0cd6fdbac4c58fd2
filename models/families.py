"""The table of model families: the one place that says which packages exist, which page shows each, and how a
family is loaded and put on the command line. Loading (models.loading), the CLI (models.cli) and the home page
(pages/home.py: each page with its models) all read it, so adding a family means adding one row here, one package
under models/ and, for a family with a page, the page in pages/ and app.py's navigation.

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
    page_title: str | None = None  # the page's title and icon as app.py's navigation names it
    icon: str | None = None
    summary: str = ""  # what a visitor does on its page (the home page), or what its models are for


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("pix2pix", "models.pix2pix", "pages/sketch_colorizer.py", "Sketch Colorizer", "🖍️",
           "Upload or draw a black-on-white line drawing; a pix2pix GAN colors it. Click to add colour hints."),
    Family("photo", "models.photo", "pages/photo_colorizer.py", "Photo Colorizer", "📷",
           "Upload a black-and-white photograph; a small Lab-space GAN guesses its colours at full size."),
    Family("dcgan", "models.dcgan", "pages/latent_explorer.py", "Latent Explorer", "🎚️",
           "Move sliders along a DCGAN's strongest latent directions and watch digits or clothes morph; "
           "interpolate between seeds."),
    Family("infogan", "models.infogan", "pages/infogan_controls.py", "InfoGAN Controls", "🔢",
           "Pick a digit, rotation and stroke width: codes that an InfoGAN learned without ever seeing a label."),
    Family("wavenet", "models.wavenet", "pages/wavenet_audio.py", "WaveNet Audio", "🎵",
           "Type a melody, pick an instrument, and hear a WaveNet play it sample by sample."),
    Family("encoder", "models.encoder", None,
           summary="Image-to-latent encoders: the first guess when a visitor's own image is inverted into a DCGAN."),
    Family("classifier", "models.classifier", None,
           summary="Independent judges of the generators: FID features and how recognizable their samples are."),
]}


class UnknownFamily(KeyError):
    def __str__(self) -> str:
        return self.args[0]


def family(name: str) -> Family:
    if name not in FAMILIES:
        raise UnknownFamily(f"Unknown model family '{name}'. Known families: {', '.join(FAMILIES)}.")
    return FAMILIES[name]


def shown() -> list[Family]:
    """The families whose models visitors see, in the order of the app's pages."""
    return [f for f in FAMILIES.values() if f.page is not None]


def package(name: str) -> ModuleType:
    """The family's package (imported on first use)."""
    return importlib.import_module(family(name).package)
