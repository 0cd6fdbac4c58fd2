"""One pix2pix training step (Isola et al.): the PatchGAN learns real pairs -> 1 and generated -> 0, then the
generator learns to fool it while staying close to the ground truth in L1. Shared by train.py and train_multi.py."""
from __future__ import annotations

import torch
from torch import nn

BCE, L1 = nn.BCEWithLogitsLoss(), nn.L1Loss()


def gan_step(G, D, optG, optD, x: torch.Tensor, y: torch.Tensor, lambda_l1: float) -> tuple[float, float, float]:
    """Update D, then G, on one batch (x: network input, y: target colours); returns (D loss, G GAN loss, G L1)."""
    fake = G(x)
    d_real, d_fake = D(torch.cat([x, y], 1)), D(torch.cat([x, fake.detach()], 1))
    loss_d = 0.5 * (BCE(d_real, torch.ones_like(d_real)) + BCE(d_fake, torch.zeros_like(d_fake)))
    optD.zero_grad(set_to_none=True)
    loss_d.backward()
    optD.step()
    d_fake = D(torch.cat([x, fake], 1))
    loss_gan, loss_l1 = BCE(d_fake, torch.ones_like(d_fake)), L1(fake, y)
    loss_g = loss_gan + lambda_l1 * loss_l1
    optG.zero_grad(set_to_none=True)
    loss_g.backward()
    optG.step()
    return loss_d.item(), loss_gan.item(), loss_l1.item()
