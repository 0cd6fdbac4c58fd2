"""What the inversions share (models/dcgan/invert.py for the DCGANs, models/infogan/read.py for the InfoGAN): the
loss a latent is fitted on, and a context that freezes the generator and classifier while the latent moves."""
from __future__ import annotations

from contextlib import contextmanager

import torch
from torch.nn import functional as F


def image_loss(images: torch.Tensor, targets: torch.Tensor, classifier_net, target_features: torch.Tensor,
               feature_weight: float) -> torch.Tensor:
    """Pixel MSE plus feature_weight x MSE in the classifier's features, summed per image, averaged over the batch."""
    loss = F.mse_loss(images, targets, reduction="sum") / len(images)
    if feature_weight:
        loss = loss + feature_weight * F.mse_loss(classifier_net.features(images), target_features,
                                                  reduction="sum") / len(images)
    return loss


@contextmanager
def frozen(*modules: torch.nn.Module):
    """The modules' parameters need no gradient inside the block (they are restored after, also on errors)."""
    params = [p for m in modules for p in m.parameters()]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)
