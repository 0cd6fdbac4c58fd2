"""The photo colorizer: Lab a, b predicted from lightness at a working size (models/photo/network.py), enlarged and
combined with the photo's own full-size lightness, so the result keeps every detail and exactly the input's size.

Colour uploads are turned grey first (sepia and faded tints go with the chroma). A model that reads hints takes them
as {"x", "y", "color"} in the photo's pixels (models/photo/hints.py). The enlargement of the chroma and the
full-size composition work in bands of about BAND_PIXELS pixels, so even a PHOTO_MAX_PIXELS photo needs only a few
float32 rows at a time (limits in models/limits.py). The page keeps only the working-size grey photo: chroma() from
it, compose() at display size for the preview and at full size for the download.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping

import numpy as np
import torch
from PIL import Image

from models import limits
from models.photo.config import PhotoConfig
from models.photo.hints import hint_planes
from models.photo.lab import grey_lightness, lab_to_rgb
from models.photo.network import build

BAND_PIXELS = limits.PHOTO_BAND_PIXELS


class PhotoColorizer:
    """Colours a black-and-white photo of any size; thread-safe (one forward pass at a time)."""

    def __init__(self, generator: torch.nn.Module, config: PhotoConfig | Mapping, device: torch.device | str = "cpu"):
        self.config = PhotoConfig.coerce(config)
        self.device = torch.device(device)
        self.generator = generator.to(self.device).eval()
        self._lock = threading.Lock()

    @property
    def grid(self) -> int:
        return 2 ** self.config.depth

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        """Size inside the network: shorter side work_size (never enlarged), longer side at most max_work_side, both
        within models/limits.py."""
        short = min(self.config.work_size, limits.PHOTO_WORK_SIDE)
        long = min(self.config.max_work_side, limits.PHOTO_MAX_WORK_SIDE)
        scale = min(short / min(width, height), long / max(width, height), 1.0)
        return max(1, round(width * scale)), max(1, round(height * scale))

    @property
    def takes_hints(self) -> bool:
        return self.config.hint_planes > 0

    @torch.inference_mode()
    def predict_ab(self, lightness: np.ndarray, planes: np.ndarray | None = None) -> np.ndarray:
        """(h, w) float32 Lab L at the working size (and, for a model that reads hints, its (3, h, w) hint planes;
        none given: no hints) -> (h, w, 2) float32 a, b."""
        h, w = lightness.shape
        gh, gw = -(-h // self.grid) * self.grid, -(-w // self.grid) * self.grid
        x = torch.from_numpy(lightness / 50.0 - 1.0).float()[None, None]
        if self.takes_hints:
            planes = np.zeros((self.config.hint_planes, h, w), np.float32) if planes is None else planes
            x = torch.cat([x, torch.from_numpy(planes).float()[None]], 1)
        x = torch.nn.functional.pad(x, (0, gw - w, 0, gh - h), mode="replicate").to(self.device)
        with self._lock:
            out = self.generator(x)
            if self.config.flip_average:
                out = 0.5 * (out + self.generator(x.flip(-1)).flip(-1))
        ab = out[0, :, :h, :w].float().cpu() * self.config.ab_scale
        return ab.permute(1, 2, 0).numpy()

    def working_image(self, image: Image.Image) -> Image.Image:
        """The photo in grey at the working size, as the network reads it."""
        grey = image.convert("L")
        size = self.working_size(*grey.size)
        return grey.resize(size, Image.Resampling.LANCZOS) if size != grey.size else grey

    def chroma(self, work: Image.Image, hints: list[dict] | None = None,
               picture_size: tuple[int, int] | None = None) -> np.ndarray:
        """(h, w, 2) float32 a, b at the working size, from the grey photo at that size (working_image) and hints
        (checked {"x", "y", "color"} in the pixels of the photo of picture_size, default the working size); a model
        that reads none refuses them."""
        if hints and not self.takes_hints:
            raise ValueError("this photo colorizer does not read colour hints")
        work = work.convert("L")
        planes = None
        if hints:
            planes = hint_planes(hints, picture_size or work.size, work.size, self.config.hint_radius,
                                 self.config.ab_scale)
        return self.predict_ab(grey_lightness(np.asarray(work)), planes)

    @staticmethod
    def compose(image: Image.Image, ab: np.ndarray) -> Image.Image:
        """An RGB picture of exactly the image's size: its own grey lightness, with the chroma ab (at any size)
        enlarged to it. Both the enlargement (bicubic, pixel centres as cv2.resize has them) and the Lab -> RGB
        conversion go band by band: a full-size float copy of a, b would be 8 bytes a pixel, 96 MB for 4000 x 3000."""
        import cv2

        grey = np.asarray(image.convert("L"))
        height, width = grey.shape
        wh, ww = ab.shape[:2]
        map_x = ((np.arange(width, dtype=np.float32) + 0.5) * (ww / width) - 0.5)[None, :]
        out = np.empty((height, width, 3), np.uint8)
        rows_per_band = max(8, BAND_PIXELS // width)
        for row in range(0, height, rows_per_band):
            band = slice(row, row + rows_per_band)
            rows = np.arange(row, min(height, row + rows_per_band), dtype=np.float32)
            map_y = ((rows + 0.5) * (wh / height) - 0.5)[:, None]
            xs, ys = np.broadcast_to(map_x, (len(rows), width)), np.broadcast_to(map_y, (len(rows), width))
            band_ab = cv2.remap(ab, np.ascontiguousarray(xs), np.ascontiguousarray(ys), cv2.INTER_CUBIC,
                                borderMode=cv2.BORDER_REPLICATE)
            lab = np.concatenate([grey_lightness(grey[band])[..., None], band_ab], axis=-1)
            out[band] = lab_to_rgb(lab)
        return Image.fromarray(out)

    def colorize(self, image: Image.Image, hints: list[dict] | None = None) -> Image.Image:
        """An RGB photo of exactly the input's size whose Lab lightness is the input's grey lightness; hints (checked
        {"x", "y", "color"} in the photo's pixels) steer the colours; a model that reads none refuses them."""
        grey = image.convert("L")
        return self.compose(grey, self.chroma(self.working_image(grey), hints, grey.size))


def from_entry(entry, device, progress=None) -> PhotoColorizer:
    """The PhotoColorizer for a manifest entry (fp16 weights on disk, fp32 compute)."""
    from models.weights_io import load_into

    config = PhotoConfig.from_dict(entry.config)
    generator = build(config)
    load_into(generator, entry, progress)
    return PhotoColorizer(generator.float(), config, device)
