"""pix2pix family: the sketch colorizer (line art + colour hints -> colour picture at any size).

model.py: the U-Net generator, hint planes and the Colorizer with its clean-up steps; cli.py: `python -m models colorize`.
"""
from models.pix2pix.model import from_entry
from models.pix2pix.cli import register as register_cli

__all__ = ["from_entry", "register_cli"]
