"""DCGAN family: 28x28 greyscale DCGANs (dcgan-mnist digits, dcgan-fashion clothes) and their latent-space tools.

config.py: DCGANConfig (network shape, latent prior); network.py: generators and discriminators; model.py: the latent
prior, SeFa directions, interpolation and DCGANModel (what the Latent Explorer drives); cli.py: `python -m models
generate`.
"""
from models.dcgan.config import DCGANConfig as CONFIG
from models.dcgan.model import from_entry
from models.dcgan.cli import register as register_cli

__all__ = ["CONFIG", "from_entry", "register_cli"]
