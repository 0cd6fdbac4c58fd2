"""photo family: the photo colorizer (a black-and-white photograph -> the same photo in colour, at its own size).

config.py: PhotoConfig (U-Net shape, Lab scaling, working size); network.py: the pix2pix U-Net with L in, a, b out
and its PatchGAN; lab.py: sRGB <-> Lab; model.py: PhotoColorizer (network at the working size, full-size lightness
kept); cli.py: `python -m models photo`.
"""
from models.photo.config import PhotoConfig as CONFIG
from models.photo.model import from_entry
from models.photo.cli import register as register_cli

__all__ = ["CONFIG", "from_entry", "register_cli"]
