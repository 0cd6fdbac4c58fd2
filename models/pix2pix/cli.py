"""`python -m models colorize`: color line drawings with the pix2pix sketch colorizer.

    python -m models colorize sketch.png --out colored.png [--hints hints.json]
    python -m models colorize a.png b.jpg c.webp --out-dir colored/

hints.json: a list of {"x": ..., "y": ..., "color": "#rrggbb"} in the input picture's pixels.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

MODEL_NAME = "pix2pix-openmoji"


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def read_hints(path: str | None) -> list[dict] | None:
    """The hint list from a JSON file; ValueError with a one-line reason otherwise."""
    if not path:
        return None
    try:
        hints = json.loads(Path(path).read_text())
    except OSError as err:
        raise ValueError(f"cannot read hints file {path}: {err.strerror or err}") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"hints file {path} is not valid JSON ({err.msg}, line {err.lineno})") from None
    if not isinstance(hints, list) or not all(isinstance(h, dict) for h in hints):
        raise ValueError(f'hints file {path} must hold a list like [{{"x": 10, "y": 20, "color": "#ff0000"}}]')
    from models.pix2pix.model import parse_colour

    for h in hints:
        if not {"x", "y", "color"} <= h.keys() or not all(isinstance(h[k], (int, float)) for k in ("x", "y")):
            raise ValueError(f"each hint in {path} needs numeric x, y and a color '#rrggbb'; got {h}")
        parse_colour(h["color"])
    return hints


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
    except ValueError as err:
        return _fail(str(err))

    from models.uploads import UploadError, load_upload

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
            if colorizer is None:  # loaded once, and only when there is something to color
                colorizer = _load_colorizer()
            result = colorizer.colorize(image, hints)
            result.save(target, format="PNG")
        except UploadError as err:
            print(f"error: {name}: {err}", file=sys.stderr)
            failed += 1
            continue
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
