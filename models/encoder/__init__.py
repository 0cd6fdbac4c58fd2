"""Encoder family: small conv nets that map a 28x28 image to a DCGAN latent (encoder-dcgan-mnist,
encoder-dcgan-fashion), the first guess of GAN inversion (models/dcgan/invert.py refines it).

config.py: EncoderConfig (network width, which generator and classifier it serves, the refinement's settings);
network.py: the network and `from_entry`. No page and no CLI of its own: `python -m models invert` (models/dcgan/cli.py).
"""
from models.encoder.config import EncoderConfig as CONFIG
from models.encoder.network import from_entry

__all__ = ["CONFIG", "from_entry"]
