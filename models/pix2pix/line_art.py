"""Does a picture look like what the colorizer expects, dark lines on light paper? A cheap check on a small grey copy.

A line drawing is mostly paper: most pixels sit close to the paper's brightness and only a small share is ink.
Photographs, screenshots and noise have no such dominant background, and white-on-dark drawings have dark paper;
`line_art_problem` names what is wrong so the page can say so next to the (still produced) result."""
from __future__ import annotations

import numpy as np
from PIL import Image

CHECK_SIZE = 256  # the check looks at a copy at most this big
MIN_PAPER_SHARE = 0.55  # held-out OpenMoji sketches measure 0.78-0.99 here, photographs and noise 0.15-0.4
PAPER_TOLERANCE = 25  # grey levels around the paper brightness that still count as paper (tints, grain, scans)
MIN_PAPER_LEVEL = 110  # brighter than this: the paper is light


def paper_share(grey: np.ndarray) -> tuple[float, float]:
    """(paper brightness = the 90th percentile of grey levels, share of pixels within PAPER_TOLERANCE of it)."""
    paper = float(np.percentile(grey, 90))
    return paper, float(np.mean(np.abs(grey.astype(np.int16) - paper) <= PAPER_TOLERANCE))


def line_art_problem(image: Image.Image) -> str | None:
    """None for a picture that looks like dark lines on light paper, else a sentence saying what it looks like and
    what to do instead."""
    small = image.convert("L")
    small.thumbnail((CHECK_SIZE, CHECK_SIZE))
    grey = np.asarray(small)
    paper, share = paper_share(grey)
    if paper < MIN_PAPER_LEVEL:
        return ("This picture is mostly dark: the colorizer expects dark lines on light paper. If it is a drawing "
                "with light lines on a dark background, invert it first.")
    if share < MIN_PAPER_SHARE:
        return (f"This does not look like a line drawing: only {share:.0%} of it is plain paper (line drawings are "
                "mostly paper). Photographs, screenshots and shaded pictures come back muddy; upload an outline "
                "drawing for a clean result.")
    return None
