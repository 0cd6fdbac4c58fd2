"""pix2pix family: the sketch colorizer (line art + colour hints -> colour picture at any size).

config.py: Pix2PixConfig (network shape, working scale, clean-up switches); network.py: the U-Net generator and the
PatchGAN discriminator that trains it; model.py: hint planes and the Colorizer with its clean-up steps; cli.py:
`python -m models colorize`.
"""
from models.pix2pix.config import Pix2PixConfig as CONFIG
from models.pix2pix.model import from_entry
from models.pix2pix.cli import register as register_cli

__all__ = ["CONFIG", "from_entry", "register_cli"]
