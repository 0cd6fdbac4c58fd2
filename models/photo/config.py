"""The photo colorizer config: the U-Net's shape, the Lab scaling of its output, the working size and whether it reads
colour hints."""
from __future__ import annotations

from dataclasses import dataclass

from models.config import ModelConfig


@dataclass
class PhotoConfig(ModelConfig):
    ngf: int = 24  # channels of the U-Net's outermost layer (models/pix2pix/network.py)
    depth: int = 7  # stride-2 levels: the network grid is a multiple of 2**depth
    ab_scale: float = 110.0  # the network's tanh output times this is Lab a, b
    work_size: int = 256  # shorter side of the photo inside the network
    max_work_side: int = 768  # longer side at most this inside the network (panoramas)
    flip_average: bool = True  # average with the mirrored photo's colours
    hint_planes: int = 0  # 3: the network also reads colour hints (models/photo/hints.py); 0: lightness only
    hint_radius: int = 2  # a hint covers (2 * hint_radius + 1)^2 pixels at the working size
DEFAULT_CONFIG = PhotoConfig().to_dict()
