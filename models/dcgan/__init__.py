"""DCGAN family: 28x28 greyscale DCGANs (dcgan-mnist digits, dcgan-fashion clothes) and their latent-space tools.

model.py: the networks, the latent prior, SeFa directions, interpolation and DCGANModel (what the Latent Explorer
drives); cli.py: `python -m models generate`.
"""
from models.dcgan.model import from_entry
from models.dcgan.cli import register as register_cli

__all__ = ["from_entry", "register_cli"]
