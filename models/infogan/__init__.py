"""InfoGAN family: the MNIST InfoGAN whose learned codes (digit, rotation, stroke width) the InfoGAN Controls page sets.

config.py: InfoGANConfig (input size, category-to-digit map, code matrix); network.py: generator, discriminator body,
Q head and the latent layout; model.py: InfoGANModel (controllable generation); cli.py: `python -m models infogan`.
"""
from models.infogan.config import InfoGANConfig as CONFIG
from models.infogan.model import from_entry
from models.infogan.cli import register as register_cli

__all__ = ["CONFIG", "from_entry", "register_cli"]
