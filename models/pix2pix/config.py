"""The pix2pix colorizer config: the U-Net's shape, the working scale and the clean-up steps after the network."""
from __future__ import annotations

from dataclasses import dataclass

from models.config import ModelConfig


@dataclass
class Pix2PixConfig(ModelConfig):
    ngf: int = 32  # channels of the outermost layer; level i has ngf * min(2**i, 8)
    depth: int = 7  # stride-2 levels: the network grid is a multiple of 2**depth
    in_channels: int = 5  # sketch, hint RGB, hint mask
    out_channels: int = 3
    paint_mask: bool = False  # an extra output channel blends the colour with the sketch (models/pix2pix/network.py)
    work_size: int = 128  # shorter side of the picture inside the network: the training scale
    hint_patch: int = 5  # side in pixels of the square a colour hint paints into the hint planes
    paper_tone: bool = True  # tinted or textured paper is made white before the network (models/pix2pix/paper.py)
    # clean-up after the network (Colorizer.clean_up)
    keep_lines: bool = True  # darken blend with the sketch: the user's lines win
    paper_snap: int = 12  # paper within this many levels of white becomes white (0: off)
    flat_fill: bool = True  # each enclosed region takes one colour
    flip_average: bool = True  # average with the mirrored picture's colours
DEFAULT_CONFIG = Pix2PixConfig().to_dict()  # every field at its default, as a dict (for training scripts)
