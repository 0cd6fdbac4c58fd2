"""Make clean line art look like what users upload: stroke width, pencil, wobble, gaps, double strokes, hatching,
paper, scanner noise, geometry, several objects per canvas; plus the fixed pencil-style evaluation variant.

Sketches are uint8 grey (H, W), white paper 255, ink dark; colour art is uint8 RGB on white. Every function draws its
randomness from the numpy Generator it is given, so an output is reproducible from a seed.
    user_sketch(lines, colour, rng)   the training pipeline (each step with its own probability)
    pencil_eval(lines, seed)          thin grey wobbly lines with gaps on laid, tinted paper: evaluation only. Its
                                      paper (laid stripes, cream tint) and seeds (PENCIL_EVAL_SEED) are never used
                                      in training.
"""
from __future__ import annotations

import cv2
import numpy as np
from skimage.morphology import skeletonize

PENCIL_EVAL_SEED = 20261202  # training draws from (seed, step) sequences with small seeds: disjoint


def to_ink(sketch: np.ndarray) -> np.ndarray:
    return 1.0 - sketch.astype(np.float32) / 255.0


def from_ink(ink: np.ndarray, paper: np.ndarray | float = 255.0) -> np.ndarray:
    return np.clip(paper * (1.0 - np.clip(ink, 0, 1)), 0, 255).round().astype(np.uint8)


def smooth_field(shape, rng: np.random.Generator, cells: int, lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    """A smooth random field of the given shape: uniform values on a cells x cells grid, bicubically enlarged."""
    h, w = shape
    grid = rng.uniform(lo, hi, (cells, cells)).astype(np.float32)
    return cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)


def thin_strokes(sketch: np.ndarray, width: int = 1) -> np.ndarray:
    """Every stroke redrawn 1 (or 2) px wide along its centre line (skeleton)."""
    skel = skeletonize(sketch < 128).astype(np.uint8)
    if width > 1:
        skel = cv2.dilate(skel, np.ones((width, width), np.uint8))
    return np.where(skel > 0, 0, 255).astype(np.uint8)


def thick_strokes(sketch: np.ndarray, grow: int = 2) -> np.ndarray:
    """Strokes grown by `grow` px (a felt pen)."""
    return cv2.erode(sketch, np.ones((2 * grow + 1, 2 * grow + 1), np.uint8))


def wobble(sketch: np.ndarray, rng: np.random.Generator, amplitude: float = 1.5, cells: int = 6) -> np.ndarray:
    """Strokes displaced by a smooth random field of up to `amplitude` px: a hand's unsteady line."""
    h, w = sketch.shape
    fx = smooth_field((h, w), rng, cells) * amplitude
    fy = smooth_field((h, w), rng, cells) * amplitude
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(sketch, xs + fx, ys + fy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def gaps(sketch: np.ndarray, rng: np.random.Generator, count: int = 6, radius: int = 2) -> np.ndarray:
    """`count` small breaks: disks of paper of the given radius centred on random ink pixels (outlines left open)."""
    ys, xs = np.nonzero(sketch < 128)
    out = sketch.copy()
    if len(ys) == 0:
        return out
    for i in rng.choice(len(ys), size=min(count, len(ys)), replace=False):
        cv2.circle(out, (int(xs[i]), int(ys[i])), int(radius), 255, -1)
    return out


def double_strokes(sketch: np.ndarray, rng: np.random.Generator, offset: float = 2.0) -> np.ndarray:
    """A sketchy second pass: a lighter, shifted and wobbled copy of the strokes drawn over them."""
    h, w = sketch.shape
    m = np.float32([[1, 0, rng.uniform(-offset, offset)], [0, 1, rng.uniform(-offset, offset)]])
    copy = cv2.warpAffine(sketch, m, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    copy = wobble(copy, rng, amplitude=offset)
    light = 255 - (255 - copy.astype(np.float32)) * rng.uniform(0.4, 0.9)
    return np.minimum(sketch, light.astype(np.uint8))


def hatching(sketch: np.ndarray, region: np.ndarray, rng: np.random.Generator, spacing: int = 5,
             angle: float | None = None) -> np.ndarray:
    """Parallel hatch lines (1 px, `spacing` apart, at `angle` degrees) drawn inside the boolean region (shading)."""
    h, w = sketch.shape
    angle = rng.uniform(0, 180) if angle is None else angle
    t = np.deg2rad(angle)
    ys, xs = np.mgrid[0:h, 0:w]
    phase = (xs * np.cos(t) + ys * np.sin(t)) % spacing
    lines = (phase < 1.0) & region
    out = sketch.copy()
    out[lines] = np.minimum(out[lines], int(rng.uniform(40, 140)))
    return out


def pencil(sketch: np.ndarray, rng: np.random.Generator, strength: float | None = None) -> np.ndarray:
    """Pencil grey and uneven darkness: ink scaled to `strength`, modulated by a smooth field and by grain."""
    ink = to_ink(sketch)
    strength = rng.uniform(0.35, 0.85) if strength is None else strength
    field = np.clip(1.0 + 0.35 * smooth_field(sketch.shape, rng, int(rng.integers(3, 8))), 0.4, 1.3)
    grain = np.clip(1.0 + rng.normal(0, 0.15, sketch.shape), 0.5, 1.5).astype(np.float32)
    return from_ink(ink * strength * np.clip(field * grain, 0.3, 1.3))


def paper(sketch: np.ndarray, rng: np.random.Generator, level: float | None = None, texture: float | None = None
          ) -> np.ndarray:
    """The strokes on off-white / tinted (as grey), shaded, grainy paper: paper pixels take the paper's tone, ink
    multiplies it (pencil on paper)."""
    h, w = sketch.shape
    level = rng.uniform(200, 252) if level is None else level
    texture = rng.uniform(0, 6) if texture is None else texture
    sheet = np.full((h, w), level, np.float32)
    sheet += smooth_field((h, w), rng, 3) * rng.uniform(0, 10)  # uneven light / shading
    if texture > 0:
        sheet += cv2.GaussianBlur(rng.normal(0, texture, (h, w)).astype(np.float32), (0, 0), rng.uniform(0.5, 1.5))
    return from_ink(to_ink(sketch), np.clip(sheet, 0, 255))


def scanner(sketch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scanner / phone-photo noise: slight blur, sensor noise, JPEG at quality 25-90."""
    out = sketch.astype(np.float32)
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 1.0))
    out = out + rng.normal(0, rng.uniform(0, 5), out.shape)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        _, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 90))])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    return out


def geometric(sketch: np.ndarray, colour: np.ndarray, rng: np.random.Generator, max_angle: float = 15,
              scale: tuple[float, float] = (0.7, 1.1), shift: float = 0.1):
    """The same rotation / scale / offset / mirror for the sketch and its colour truth (white borders)."""
    h, w = sketch.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-max_angle, max_angle), rng.uniform(*scale))
    m[:, 2] += rng.uniform(-shift, shift, 2) * (w, h)
    if rng.random() < 0.5:
        m[0] = -m[0]
        m[0, 2] += w - 1
    kw = dict(flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return (cv2.warpAffine(sketch, m, (w, h), borderValue=255, **kw),
            cv2.warpAffine(colour, m, (w, h), borderValue=(255, 255, 255), **kw))


def canvas(pairs: list[tuple[np.ndarray, np.ndarray]], rng: np.random.Generator, size: int):
    """Several (sketch, colour) objects shrunk and placed on one white size x size canvas (later ones on top)."""
    sk = np.full((size, size), 255, np.uint8)
    col = np.full((size, size, 3), 255, np.uint8)
    n = len(pairs)
    for s, c in pairs:
        side = int(size * rng.uniform(0.3, 0.75 if n <= 2 else 0.55))
        s_small = cv2.resize(s, (side, side), interpolation=cv2.INTER_AREA)
        c_small = cv2.resize(c, (side, side), interpolation=cv2.INTER_AREA)
        y, x = (int(v) for v in rng.integers(0, size - side + 1, 2))
        covered = (s_small < 250) | (c_small.min(axis=2) < 250)  # the object's footprint replaces what is under it
        sk[y:y + side, x:x + side][covered] = s_small[covered]
        col[y:y + side, x:x + side][covered] = c_small[covered]
    return sk, col


def user_sketch(lines: np.ndarray, colour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The training pipeline: each user-like change applied with its own probability (lines and colour already
    aligned; colour only guides where hatching goes)."""
    s = lines
    r = rng.random()
    if r < 0.3:
        s = thin_strokes(s, int(rng.integers(1, 3)))
    elif r < 0.5:
        s = thick_strokes(s, int(rng.integers(1, 3)))
    if rng.random() < 0.5:
        s = wobble(s, rng, rng.uniform(0.5, 2.5), int(rng.integers(4, 10)))
    if rng.random() < 0.4:
        s = gaps(s, rng, int(rng.integers(1, 12)), int(rng.integers(1, 4)))
    if rng.random() < 0.2:
        s = double_strokes(s, rng, rng.uniform(1, 3))
    if rng.random() < 0.15:
        dark = cv2.cvtColor(colour, cv2.COLOR_RGB2GRAY) < rng.uniform(80, 140)
        s = hatching(s, dark, rng, int(rng.integers(3, 8)))
    if rng.random() < 0.5:
        s = pencil(s, rng)
    if rng.random() < 0.6:
        s = paper(s, rng)
    if rng.random() < 0.4:
        s = scanner(s, rng)
    return s


def pencil_eval(lines: np.ndarray, seed: int) -> np.ndarray:
    """The pencil-style evaluation version of clean line art (fixed settings, seed PENCIL_EVAL_SEED + seed):
    1 px grey (strength 0.5) wobbly lines with 8 gaps of radius 2 on cream laid paper (grey 226 with faint horizontal
    laid lines every 7 px: a paper never used in training)."""
    rng = np.random.default_rng([PENCIL_EVAL_SEED, seed])
    s = thin_strokes(lines, 1)
    s = wobble(s, rng, 1.5, 5)
    s = gaps(s, rng, 8, 2)
    s = pencil(s, rng, strength=0.5)
    h, w = s.shape
    sheet = np.full((h, w), 226.0, np.float32)
    sheet[np.arange(h) % 7 == 0] -= 6.0
    sheet += rng.normal(0, 2.0, (h, w))
    return from_ink(to_ink(s), sheet)
