"""InfoGAN family: the MNIST InfoGAN whose learned codes (digit, rotation, stroke width) the InfoGAN Controls page sets.

model.py: generator, discriminator body and Q head, latent layout and InfoGANModel; cli.py: `python -m models infogan`.
"""
from models.infogan.model import from_entry
from models.infogan.cli import register as register_cli

__all__ = ["from_entry", "register_cli"]
