"""pix2pix sketch colorizer: colours a line drawing of any size with the U-Net (models/pix2pix/network.py), then
cleans the result up (flat fills, white paper, the user's own lines on top)."""
from __future__ import annotations

import threading
from collections.abc import Mapping

import numpy as np
import torch
from PIL import Image, ImageChops

from models.pix2pix.config import Pix2PixConfig
from models.pix2pix.hints import parse_colour
from models.pix2pix.network import UNetGenerator, build
from models.pix2pix.paper import whiten_paper

__all__ = ["Colorizer", "compose_on_lines", "fill_under_lines", "flat_fill", "from_entry", "hint_planes",
           "parse_colour"]


def hint_planes(hints, height: int, width: int, scale_x: float, scale_y: float, patch: int) -> np.ndarray:
    """(4, H, W) float32: hint RGB in [-1, 1] and mask, for hints [{x, y, color}] given in input-image pixels."""
    planes = np.zeros((4, height, width), np.float32)
    for hint in hints or []:
        try:
            x, y = float(hint["x"]), float(hint["y"])
            colour = parse_colour(hint["color"])
        except (KeyError, TypeError) as err:
            raise ValueError(f"Each hint needs x, y and color ('#rrggbb'); got {hint!r}.") from err
        cx, cy = int(x * scale_x), int(y * scale_y)
        if not (0 <= cx < width and 0 <= cy < height):
            continue  # outside the picture: nothing to do
        r = patch // 2
        ys, xs = slice(max(cy - r, 0), cy + r + 1), slice(max(cx - r, 0), cx + r + 1)
        for c in range(3):
            planes[c, ys, xs] = colour[c] / 127.5 - 1
        planes[3, ys, xs] = 1.0
    return planes


class Colorizer:
    """Colors a line drawing of any size; thread-safe (one forward pass at a time)."""

    def __init__(self, generator: UNetGenerator, config: Pix2PixConfig | Mapping, device: torch.device | str = "cpu"):
        self.config = config
        self.device = torch.device(device)
        self.generator = generator.to(self.device).eval()
        self._lock = threading.Lock()

    @property
    def config(self) -> Pix2PixConfig:
        return self._config

    @config.setter
    def config(self, value: Pix2PixConfig | Mapping) -> None:
        """A config or its dict (evaluation switches the clean-up steps off by assigning one)."""
        self._config = Pix2PixConfig.coerce(value)

    @property
    def grid(self) -> int:
        """Network inputs are padded to multiples of this."""
        return 2 ** self.config.depth

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        """Picture size inside the network grid: shorter side = work_size (the training scale), longer side at most
        4x that, so that strokes look as thick to the network as they did in training."""
        work = self.config.work_size
        scale = min(work / min(width, height), 4 * work / max(width, height))
        return max(1, round(width * scale)), max(1, round(height * scale))

    @torch.inference_mode()
    def run_batch(self, inputs: np.ndarray, lines: bool = True) -> np.ndarray:
        """Network inputs (B, 5, H, W) float32 (H, W multiples of the grid) -> (B, H, W, 3) uint8 colours
        (lines=False: without the sketch's lines blended on top, whatever the config says)."""
        x = torch.from_numpy(np.ascontiguousarray(inputs, np.float32)).to(self.device)
        with self._lock:
            out = self.generator(x)
            if self.config.flip_average:  # average with the mirrored picture's colours: steadier colours
                out = 0.5 * (out + self.generator(x.flip(-1)).flip(-1))
        colour = ((out.float().cpu().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()
        to_uint8 = lambda a: ((a + 1) * 127.5).round().clip(0, 255).astype(np.uint8)  # noqa: E731
        return self.clean_up(colour, to_uint8(inputs[:, 0]), to_uint8(inputs[:, 1:4]).transpose(0, 2, 3, 1),
                             inputs[:, 4] > 0.5, lines)

    def clean_up(self, colour: np.ndarray, sketch: np.ndarray, hint_rgb: np.ndarray | None = None,
                 hint_mask: np.ndarray | None = None, lines: bool = True) -> np.ndarray:
        """The clean-up after the network, each step switchable in the config: coloring-book fills (`flat_fill`:
        every region enclosed by lines gets the median of the network's colours there, or of the user's hint colours
        if it holds hints), faint speckle on blank paper goes (`paper_snap`: where the sketch is paper and every
        channel is within that many levels of white, the output is white), and the user's lines win over the
        network's (`keep_lines`: darken blend with the sketch)."""
        if self.config.flat_fill:
            if hint_mask is None:
                colour = np.stack([flat_fill(c, s) for c, s in zip(colour, sketch)])
            else:
                colour = np.stack([flat_fill(c, s, hr, hm) for c, s, hr, hm in zip(colour, sketch, hint_rgb, hint_mask)])
        if self.config.paper_snap:
            near_white = (colour.min(axis=-1) >= 255 - self.config.paper_snap) & (sketch >= 250)
            colour = np.where(near_white[..., None], np.uint8(255), colour)
        if self.config.keep_lines and lines:
            colour = np.minimum(colour, sketch[..., None])
        return colour

    def colorize_array(self, sketch: np.ndarray, hints=None, lines: bool = True) -> np.ndarray:
        """sketch (H, W) uint8 greyscale at the working size -> (H, W, 3) uint8 colours; hints in sketch pixels."""
        h, w = sketch.shape
        gh, gw = -(-h // self.grid) * self.grid, -(-w // self.grid) * self.grid
        x = np.ones((5, gh, gw), np.float32)
        x[1:] = 0
        x[0, :h, :w] = sketch.astype(np.float32) / 127.5 - 1
        x[1:, :h, :w] = hint_planes(hints, h, w, 1.0, 1.0, self.config.hint_patch)
        return self.run_batch(x[None], lines)[0, :h, :w]

    def prepare(self, image: Image.Image) -> Image.Image:
        """The greyscale sketch the colorizer works on: on white paper (models/pix2pix/paper.py) when the config's
        `paper_tone` step is on."""
        return whiten_paper(image) if self.config.paper_tone else image.convert("L")

    def _work_colour(self, sketch: Image.Image, hints, lines: bool) -> tuple[np.ndarray, np.ndarray]:
        """(colours at the working size, the sketch at the working size) for a prepared sketch; hints in its pixels."""
        width, height = sketch.size
        ww, wh = self.working_size(width, height)
        small = np.asarray(sketch.resize((ww, wh), Image.Resampling.LANCZOS) if (ww, wh) != (width, height) else sketch)
        scaled = [{**h, "x": float(h["x"]) * ww / width, "y": float(h["y"]) * wh / height} for h in hints or []]
        return self.colorize_array(small, scaled, lines), small

    def colorize(self, image: Image.Image, hints=None) -> Image.Image:
        """An RGB image of exactly the input's size. hints: [{"x", "y", "color": "#rrggbb"}] in input pixels.

        The network runs at the working size; when the input is larger, the colour layer (lines removed) is
        enlarged and multiplied with the original line art, so lines stay as crisp as the user drew them."""
        sketch = self.prepare(image)
        colour, small = self._work_colour(sketch, hints, lines=True)
        (width, height), (wh, ww) = sketch.size, small.shape
        if (ww, wh) == (width, height):
            return Image.fromarray(colour)
        if max(width / ww, height / wh) < 1.5:
            return Image.fromarray(colour).resize((width, height), Image.Resampling.BICUBIC)
        return compose_on_lines(colour, small, sketch)

    def fill_layer(self, image: Image.Image, hints=None) -> Image.Image:
        """The flat colours without the lines, an RGB image of the input's size: the layer a paint program puts
        under the line art (multiplied with the prepared sketch it gives `colorize`'s result for large inputs).
        Line pixels take the colour of their surroundings; paper is white."""
        sketch = self.prepare(image)
        colour, small = self._work_colour(sketch, hints, lines=False)
        return fill_under_lines(colour, small, sketch.size)


def flat_fill(colour: np.ndarray, sketch: np.ndarray, hint_rgb: np.ndarray | None = None,
              hint_mask: np.ndarray | None = None) -> np.ndarray:
    """Each region that the lines enclose (light pixels not connected to the border) takes its median colour, or the
    median of the hint colours placed in it."""
    import cv2

    n, labels = cv2.connectedComponents((sketch > 128).astype(np.uint8), connectivity=4)
    if n <= 2:
        return colour
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    out = colour.copy()
    order = np.argsort(labels, axis=None, kind="stable")
    starts = np.searchsorted(labels.ravel()[order], np.arange(n + 1))
    flat_colour, flat_out = colour.reshape(-1, 3), out.reshape(-1, 3)
    flat_hints = hint_rgb.reshape(-1, 3) if hint_rgb is not None else None
    flat_mask = hint_mask.ravel() if hint_mask is not None else None
    for k in range(1, n):
        if k in border:
            continue
        pixels = order[starts[k]:starts[k + 1]]
        hinted = pixels[flat_mask[pixels]] if flat_mask is not None else pixels[:0]
        source = flat_hints[hinted] if len(hinted) else flat_colour[pixels]
        flat_out[pixels] = np.median(source, axis=0).astype(np.uint8)
    return out


def fill_under_lines(colour: np.ndarray, small_sketch: np.ndarray, size: tuple[int, int]) -> Image.Image:
    """The small colour image with its line pixels filled from their surroundings, enlarged to size."""
    import cv2

    lines = cv2.dilate((small_sketch < 160).astype(np.uint8), np.ones((3, 3), np.uint8))
    fills = Image.fromarray(cv2.inpaint(np.ascontiguousarray(colour), lines, 3, cv2.INPAINT_TELEA))
    return fills if fills.size == tuple(size) else fills.resize(size, Image.Resampling.BICUBIC)


def compose_on_lines(colour: np.ndarray, small_sketch: np.ndarray, sketch: Image.Image) -> Image.Image:
    """The fill layer multiplied with the full-size line art (uint8 throughout: a 2000x2000 result needs about
    3 x 12 MB)."""
    return ImageChops.multiply(fill_under_lines(colour, small_sketch, sketch.size), sketch.convert("RGB"))


def from_entry(entry, device, progress=None) -> Colorizer:
    """The Colorizer for a manifest entry (fp16 weights on disk, fp32 compute)."""
    from models.weights_io import load_into

    config = Pix2PixConfig.from_dict(entry.config)
    generator = build(config)
    load_into(generator, entry, progress)
    return Colorizer(generator.float(), config, device)
