"""Colour hints from untrusted text: one validation for `--hints` files, the page's hex entry and its saved hint sets.

A hint is {"x", "y", "color": "#rrggbb"} in the picture's pixels. A hint *set* is what the page saves and loads:
{"width": W, "height": H, "hints": [...]}, the size of the sketch the hints were placed on, so that the same palette
can be put on another sketch at the same relative positions (`fit_hints`). A bare list (the CLI's format) is a hint
set without a size: its hints are used in pixels as they are. Every problem is a ValueError with a one-line reason.
"""
from __future__ import annotations

import json

from models import limits
from models.numbers import load_json, number, shown

HEX_DIGITS = set("0123456789abcdefABCDEF")
EXAMPLE = '[{"x": 10, "y": 20, "color": "#ff0000"}]'


def parse_colour(colour: object) -> tuple[int, int, int]:
    """'#rrggbb' or '#rgb' (the '#' optional) -> (r, g, b); a ValueError with a clear message otherwise."""
    text = str(colour).strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6 or any(c not in HEX_DIGITS for c in text):
        raise ValueError(f"Hint colour {shown(colour)} is not of the form #rrggbb (or #rgb).")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def normal_colour(colour: object) -> str:
    """The colour as '#rrggbb' in lower case (what the colour picker and the hint planes use)."""
    return "#{:02x}{:02x}{:02x}".format(*parse_colour(colour))


def check_hints(hints: object, what: str) -> list[dict]:
    """A parsed JSON value as a checked hint list [{x, y, color}] (at most limits.MAX_HINTS, finite numbers)."""
    if not isinstance(hints, list) or not all(isinstance(h, dict) for h in hints):
        raise ValueError(f"{what} must hold a list like {EXAMPLE}")
    if len(hints) > limits.MAX_HINTS:
        raise ValueError(f"{what} holds {len(hints):,} hints; at most {limits.MAX_HINTS} are allowed")
    checked = []
    for i, h in enumerate(hints, start=1):
        x, y = number(h.get("x")), number(h.get("y"))
        if x is None or y is None or not isinstance(h.get("color"), str):
            raise ValueError(f"hint {i} in {what} needs numeric x, y and a color '#rrggbb'; got {shown(h)}")
        if not (0 <= x <= limits.MAX_HINT_COORDINATE and 0 <= y <= limits.MAX_HINT_COORDINATE):
            raise ValueError(f"hint {i} in {what} lies at ({x:g}, {y:g}); positions run from 0 to "
                             f"{limits.MAX_HINT_COORDINATE:,} pixels")
        try:
            colour = normal_colour(h["color"])
        except ValueError:
            raise ValueError(f"hint {i} in {what}: the colour {shown(h['color'])} is not of the form #rrggbb") from None
        checked.append({"x": x, "y": y, "color": colour})
    return checked


def load_hint_set(data: bytes | str, what: str) -> tuple[list[dict], tuple[int, int] | None]:
    """(hints, (width, height) of the sketch they were made on, or None for a bare list) from a JSON file's bytes."""
    if len(data) > limits.MAX_HINTS_BYTES:
        raise ValueError(f"{what} is larger than {limits.MAX_HINTS_BYTES // 1024} KB; a hint list is far smaller")
    parsed = load_json(data, what)
    if not isinstance(parsed, dict):
        return check_hints(parsed, what), None
    if set(parsed) != {"width", "height", "hints"}:
        raise ValueError(f'{what} must hold {{"width": W, "height": H, "hints": {EXAMPLE}}} or a bare hint list')
    width, height = number(parsed["width"]), number(parsed["height"])
    if width is None or height is None or not (1 <= width <= limits.MAX_HINT_COORDINATE
                                               and 1 <= height <= limits.MAX_HINT_COORDINATE):
        raise ValueError(f"{what}: width and height must be numbers from 1 to {limits.MAX_HINT_COORDINATE:,}; "
                         f"got {shown(parsed['width'])} x {shown(parsed['height'])}")
    return check_hints(parsed["hints"], what), (round(width), round(height))


def fit_hints(hints: list[dict], size: tuple[int, int] | None, width: int, height: int) -> list[dict]:
    """The hints moved from a size[0] x size[1] sketch onto a width x height one by relative position (as they are
    when size is None)."""
    if size is None:
        return [dict(h) for h in hints]
    sx, sy = width / size[0], height / size[1]
    return [{**h, "x": round(min(h["x"] * sx, width), 1), "y": round(min(h["y"] * sy, height), 1)} for h in hints]


def check_hints_fit(hints: list[dict] | None, width: int, height: int) -> None:
    """Every hint inside the width x height picture; ValueError naming the first that is not."""
    for i, h in enumerate(hints or [], start=1):
        if not (0 <= h["x"] <= width and 0 <= h["y"] <= height):
            raise ValueError(f"hint {i} at ({h['x']:g}, {h['y']:g}) lies outside the {width} x {height} picture")


def hint_set_json(hints: list[dict], width: int, height: int) -> bytes:
    """A hint set as the JSON file the page offers for download (load_hint_set reads it back)."""
    return json.dumps({"width": width, "height": height, "hints": [
        {"x": h["x"], "y": h["y"], "color": h["color"]} for h in hints]}, indent=1).encode()
