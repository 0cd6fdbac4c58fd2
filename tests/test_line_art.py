"""models.pix2pix.line_art: line drawings (held-out OpenMoji sketches, thin pencil lines on tinted paper, the page's
samples) pass; noise, photographs and white-on-black drawings are named for what they are."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from models.pix2pix.line_art import line_art_problem

ROOT = Path(__file__).resolve().parents[1]
SKETCHES = sorted((ROOT / "tests" / "fixtures" / "pix2pix").glob("*_sketch.png"))
SAMPLES = sorted((ROOT / "pages" / "samples").glob("*.png"))


def pencil_house(paper=(244, 236, 214)) -> Image.Image:
    """Thin grey lines with gaps on cream paper, with a little paper grain."""
    rng = np.random.default_rng(0)
    img = Image.new("RGB", (600, 450), paper)
    d = ImageDraw.Draw(img)
    for a, b in [((150, 220), (450, 220)), ((150, 220), (150, 400)), ((450, 220), (450, 400)), ((150, 400), (450, 400)),
                 ((150, 220), (300, 90)), ((300, 90), (450, 220)), ((260, 300), (260, 400)), ((330, 300), (330, 400))]:
        d.line([a, b], fill=(120, 120, 125), width=2)
    d.line([(200, 400), (215, 400)], fill=paper, width=3)  # a gap in the outline
    grain = rng.normal(0, 4, (450, 600, 1))
    return Image.fromarray(np.clip(np.asarray(img, float) + grain, 0, 255).astype(np.uint8))


@pytest.mark.parametrize("path", SKETCHES[:40] + SAMPLES, ids=lambda p: p.name)
def test_line_drawings_pass(path):
    assert line_art_problem(Image.open(path)) is None


def test_pencil_on_tinted_paper_passes():
    assert line_art_problem(pencil_house()) is None


def test_noise_is_not_a_line_drawing():
    noise = np.random.default_rng(1).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    message = line_art_problem(Image.fromarray(noise))
    assert message and "does not look like a line drawing" in message


def test_a_photograph_is_not_a_line_drawing():
    from skimage import data

    for photo in (data.astronaut(), data.coffee(), data.chelsea()):
        assert "line drawing" in (line_art_problem(Image.fromarray(photo)) or "")


def test_white_lines_on_black_are_named():
    inverted = Image.eval(Image.open(SAMPLES[0]).convert("L"), lambda v: 255 - v)
    assert "invert" in (line_art_problem(inverted) or "")
