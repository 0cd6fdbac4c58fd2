"""`python -m models colorize`: color line drawings with the pix2pix sketch colorizer.

    python -m models colorize sketch.png --out colored.png [--hints hints.json]
    python -m models colorize a.png b.jpg c.webp --out-dir colored/

hints.json: a list of {"x": ..., "y": ..., "color": "#rrggbb"} in the input picture's pixels.
"""
from __future__ import annotations

import sys
from pathlib import Path

from models import limits
from models.numbers import load_json, number, shown
from models.safe_files import NotRegularFile, check_output, read_regular

MODEL_NAME = "pix2pix-openmoji"
MAX_HINTS = limits.MAX_HINTS
MAX_HINTS_BYTES = limits.MAX_HINTS_BYTES


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def read_hints(path: str | None) -> list[dict] | None:
    """The hint list from a JSON file; ValueError with a one-line reason otherwise."""
    if not path:
        return None
    try:
        data = read_regular(path, MAX_HINTS_BYTES)  # a FIFO or device is refused, never waited on
    except OSError as err:
        raise ValueError(f"cannot read hints file {path}: {err.strerror or err}") from None
    if len(data) > MAX_HINTS_BYTES:
        raise ValueError(f"hints file {path} is larger than {MAX_HINTS_BYTES // 1024} KB; a hint list is far smaller")
    hints = load_json(data, f"hints file {path}")
    if not isinstance(hints, list) or not all(isinstance(h, dict) for h in hints):
        raise ValueError(f'hints file {path} must hold a list like [{{"x": 10, "y": 20, "color": "#ff0000"}}]')
    if len(hints) > MAX_HINTS:
        raise ValueError(f"hints file {path} holds {len(hints):,} hints; at most {MAX_HINTS} are allowed")
    from models.pix2pix.model import parse_colour

    checked = []
    for i, h in enumerate(hints, start=1):
        x, y = number(h.get("x")), number(h.get("y"))
        if x is None or y is None or not isinstance(h.get("color"), str):
            raise ValueError(f"hint {i} in {path} needs numeric x, y and a color '#rrggbb'; got {shown(h)}")
        try:
            parse_colour(h["color"])
        except ValueError:
            raise ValueError(f"hint {i} in {path}: the colour {shown(h['color'])} is not of the form #rrggbb") from None
        checked.append({"x": x, "y": y, "color": h["color"]})
    return checked


def check_hints_fit(hints: list[dict] | None, width: int, height: int) -> None:
    """Every hint inside the width x height picture; ValueError naming the first that is not."""
    for i, h in enumerate(hints or [], start=1):
        if not (0 <= h["x"] <= width and 0 <= h["y"] <= height):
            raise ValueError(f"hint {i} at ({h['x']:g}, {h['y']:g}) lies outside the {width} x {height} picture")


class ModelUnavailable(Exception):
    """The colorizer's weights are missing or broken (message for the user)."""


def _load_colorizer():
    from models import registry, store
    from models.loading import load_model

    try:
        return load_model(MODEL_NAME)
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        raise ModelUnavailable(str(err)) from None


def cmd_colorize(args) -> int:
    if args.out and args.out_dir:
        return _fail("give either --out (one input) or --out-dir (any number of inputs), not both")
    if not args.out and not args.out_dir:
        return _fail("say where to write the result: --out colored.png, or --out-dir DIR for several inputs")
    if args.out and len(args.inputs) != 1:
        return _fail(f"--out takes exactly one input ({len(args.inputs)} given); use --out-dir DIR for several")
    try:
        hints = read_hints(args.hints)
        if args.out:
            check_output(args.out)
    except (ValueError, NotRegularFile) as err:
        return _fail(str(err))

    from models.uploads import load_upload

    out_dir = Path(args.out_dir) if args.out_dir else None
    if out_dir:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return _fail(f"cannot create output folder {out_dir}: {err.strerror or err}")
    colorizer, failed = None, 0
    for name in args.inputs:
        target = Path(args.out) if args.out else out_dir / (Path(name).stem + ".png")
        try:
            image = load_upload(name)
            check_hints_fit(hints, image.width, image.height)
            check_output(target)
        except (ValueError, NotRegularFile) as err:  # UploadError, hints outside this picture, a FIFO as output
            print(f"error: {name}: {err}", file=sys.stderr)
            failed += 1
            continue
        try:
            if colorizer is None:  # loaded once, and only when there is something to color
                colorizer = _load_colorizer()
            result = colorizer.colorize(image, hints)
            result.save(target, format="PNG")
        except ModelUnavailable as err:
            return _fail(str(err))
        except (OSError, ValueError) as err:
            print(f"error: {name}: cannot write {target}: {getattr(err, 'strerror', None) or err}", file=sys.stderr)
            failed += 1
            continue
        print(f"{name} -> {target}")
    return 2 if failed else 0


def register(subparsers) -> None:
    p = subparsers.add_parser("colorize", help="color black-on-white line drawings (pix2pix, OpenMoji)")
    p.add_argument("inputs", nargs="+", help="PNG, JPEG, WebP or BMP line drawings")
    p.add_argument("--out", help="output PNG (one input)")
    p.add_argument("--out-dir", help="output folder for several inputs; each output is named like its input (.png)")
    p.add_argument("--hints", help='JSON list of colour hints: [{"x": 40, "y": 60, "color": "#ff8800"}] in input pixels')
    p.set_defaults(func=cmd_colorize)
