"""Digits in styles MNIST never saw, for held-out inversion figures: typed in the machine's fonts (fc-list) and drawn
with thick round strokes as a mouse on a canvas would. Black ink on a white page, larger than 28x28, so they go
through the same MNIST-like preparation as a visitor's picture.

    pictures, labels = font_digits()         # every font file x digits 0-9
    picture = stroke_digit(7, width=22)      # one PIL image
"""
from __future__ import annotations

import math
import subprocess

from PIL import Image, ImageDraw, ImageFont

# each digit as polylines in a unit box (x right, y down), drawn as one would with a mouse
_ARC = [(0.5 + 0.3 * math.cos(a), 0.5 + 0.4 * math.sin(a)) for a in [i * math.pi / 12 for i in range(25)]]
STROKES = {
    0: [_ARC],
    1: [[(0.35, 0.25), (0.55, 0.1), (0.55, 0.9)]],
    2: [[(0.22, 0.3), (0.35, 0.12), (0.6, 0.1), (0.75, 0.28), (0.7, 0.45), (0.22, 0.9), (0.8, 0.9)]],
    3: [[(0.25, 0.15), (0.7, 0.12), (0.45, 0.45), (0.72, 0.6), (0.7, 0.82), (0.45, 0.92), (0.22, 0.82)]],
    4: [[(0.6, 0.9), (0.6, 0.1), (0.2, 0.65), (0.82, 0.65)]],
    5: [[(0.75, 0.1), (0.3, 0.1), (0.27, 0.45), (0.6, 0.42), (0.75, 0.62), (0.65, 0.86), (0.4, 0.92), (0.22, 0.8)]],
    6: [[(0.7, 0.12), (0.4, 0.3), (0.27, 0.62), (0.38, 0.88), (0.62, 0.88), (0.72, 0.66), (0.55, 0.5), (0.3, 0.6)]],
    7: [[(0.2, 0.12), (0.8, 0.12), (0.42, 0.9)]],
    8: [[(0.5, 0.5), (0.28, 0.32), (0.5, 0.1), (0.72, 0.32), (0.5, 0.5), (0.25, 0.72), (0.5, 0.92), (0.75, 0.72),
         (0.5, 0.5)]],
    9: [[(0.72, 0.4), (0.5, 0.52), (0.3, 0.38), (0.4, 0.12), (0.65, 0.14), (0.72, 0.4), (0.65, 0.9)]],
}


def stroke_digit(digit: int, width: int = 22, size: int = 200, slant: float = 0.0) -> Image.Image:
    """A digit drawn with round strokes `width` px thick on a size x size white page; slant shears it (x += slant*y)."""
    page = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(page)
    for line in STROKES[digit]:
        points = [(size * (0.1 + 0.8 * x + slant * (0.5 - y) * 0.8), size * (0.1 + 0.8 * y)) for x, y in line]
        draw.line(points, fill=0, width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            r = width / 2
            draw.ellipse([x - r, y - r, x + r, y + r], fill=0)
    return page


def stroke_digits(widths=(14, 22, 30), slants=(-0.25, 0.0, 0.25)) -> tuple[list[Image.Image], list[int]]:
    pictures, labels = [], []
    for digit in range(10):
        for width in widths:
            for slant in slants:
                pictures.append(stroke_digit(digit, width, slant=slant))
                labels.append(digit)
    return pictures, labels


def font_files() -> list[str]:
    """Every TrueType / OpenType outline font fc-list knows, colour-emoji fonts left out."""
    try:
        out = subprocess.run(["fc-list", ":", "file"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".otf")) and "emoji" not in f.lower()]


def font_digits(size: int = 160) -> tuple[list[Image.Image], list[int]]:
    """Digits 0-9 typed in each font (black on white)."""
    pictures, labels = [], []
    for path in font_files():
        try:
            font = ImageFont.truetype(path, size)
        except OSError:
            continue
        for digit in range(10):
            page = Image.new("L", (size * 2, size * 2), 255)
            ImageDraw.Draw(page).text((size // 2, size // 4), str(digit), fill=0, font=font)
            pictures.append(page)
            labels.append(digit)
    return pictures, labels
