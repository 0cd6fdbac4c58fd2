"""Turning generator outputs into pictures: tensors in [-1, 1] to PIL images, grids, PNG and animated GIF bytes,
and the on-screen size of a picture (from its aspect, inside a box)."""
from __future__ import annotations

import io

import numpy as np
import torch
from PIL import Image


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) or (C, H, W) floats in [-1, 1] -> uint8 array (N, H, W, C) or (H, W, C)."""
    arr = ((images.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return arr.movedim(-3, -1).numpy()


def to_pil(image: torch.Tensor, scale: int = 1) -> Image.Image:
    """One image (C, H, W) in [-1, 1] as a PIL image, optionally enlarged with crisp pixels."""
    arr = to_uint8(image)
    pil = Image.fromarray(arr[..., 0] if arr.shape[-1] == 1 else arr)
    if scale > 1:
        pil = pil.resize((pil.width * scale, pil.height * scale), Image.NEAREST)
    return pil


def grid(images: torch.Tensor, nrow: int = 8, pad: int = 2, scale: int = 1, pad_value: float = -1.0) -> Image.Image:
    """A batch (N, C, H, W) in [-1, 1] laid out nrow per row with pad pixels between."""
    n, c, h, w = images.shape
    ncol = min(nrow, n)
    rows = (n + ncol - 1) // ncol
    canvas = torch.full((c, rows * (h + pad) + pad, ncol * (w + pad) + pad), pad_value)
    for i, img in enumerate(images.detach().float().cpu()):
        r, col = divmod(i, ncol)
        canvas[:, pad + r * (h + pad): pad + r * (h + pad) + h, pad + col * (w + pad): pad + col * (w + pad) + w] = img
    return to_pil(canvas, scale)


def display_size(width: int, height: int, box_width: int, box_height: int, min_side: int = 128) -> tuple[int, int]:
    """The on-screen size of a width x height picture: its aspect kept, inside box_width x box_height; small pictures
    are enlarged until their longer side is min_side (never past the box), large ones shrunk to fit. The size is
    computed from the aspect, so a strip can never be enlarged into a huge image."""
    width, height = max(1, int(width)), max(1, int(height))
    scale = min(box_width / width, box_height / height)
    longer = max(width, height)
    if longer * scale > max(min_side, longer):  # would enlarge: only as far as min_side
        scale = max(min_side, longer) / longer
        scale = min(scale, box_width / width, box_height / height)
    return max(1, min(box_width, round(width * scale))), max(1, min(box_height, round(height * scale)))


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def gif_bytes(frames: list[Image.Image], ms_per_frame: int = 80, bounce: bool = True) -> bytes:
    """An endlessly looping animated GIF; bounce plays the frames forward then back."""
    seq = frames + frames[-2:0:-1] if bounce and len(frames) > 2 else frames
    seq = [f.convert("P", palette=Image.ADAPTIVE) if f.mode not in ("L", "P") else f for f in seq]
    buf = io.BytesIO()
    seq[0].save(buf, format="GIF", save_all=True, append_images=seq[1:], duration=ms_per_frame, loop=0)
    return buf.getvalue()


class NoInkError(ValueError):
    """A picture with nothing drawn on it (a blank or uniform image)."""


def ink_map(image: Image.Image) -> np.ndarray:
    """A picture as float32 ink in [0, 1] (1 = full ink) on a 0 background: greyscale, made light-on-dark when the
    paper is light (judged by the border), the paper's level subtracted and the strongest ink stretched to 1."""
    grey = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    paper = float(np.median(border))
    ink = paper - grey if paper > 0.5 else grey - paper
    ink = np.clip(ink, 0.0, None)
    top = float(ink.max())
    if top < 0.1:
        raise NoInkError("The picture looks blank: nothing darker or lighter than the paper was found. "
                         "Draw or upload a digit or a garment.")
    ink = ink / top
    ink[ink < 0.15] = 0.0  # paper texture and JPEG noise
    return ink


def mnist_like(image: Image.Image, box: int = 20, centre_by_mass: bool = True, size: int = 28) -> torch.Tensor:
    """Any picture as a (1, size, size) tensor in [-1, 1] prepared as MNIST was: white ink on black, cropped to the
    ink, its longer side scaled to box pixels (aspect kept, antialiased), then placed in size x size so that the
    ink's centre of mass (centre_by_mass) or its bounding box sits in the middle. Fashion-MNIST: box = size, by box."""
    ink = ink_map(image)
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = crop.shape
    scale = box / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    small = np.asarray(Image.fromarray((crop * 255).astype(np.uint8)).resize((new_w, new_h), Image.LANCZOS),
                       dtype=np.float32) / 255.0
    canvas = np.zeros((size, size), np.float32)
    if centre_by_mass and small.sum() > 0:
        ys, xs = np.mgrid[0:new_h, 0:new_w]
        cy, cx = (ys * small).sum() / small.sum(), (xs * small).sum() / small.sum()
        top, left = round(size / 2 - 0.5 - cy), round(size / 2 - 0.5 - cx)
    else:
        top, left = (size - new_h) // 2, (size - new_w) // 2
    top, left = min(max(top, 0), size - new_h), min(max(left, 0), size - new_w)
    canvas[top:top + new_h, left:left + new_w] = small
    return torch.from_numpy(np.clip(canvas, 0, 1) * 2 - 1).unsqueeze(0)
