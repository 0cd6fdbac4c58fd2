"""`python -m models colorize`: color line drawings with the pix2pix sketch colorizer.

    python -m models colorize sketch.png --out colored.png [--hints hints.json]
    python -m models colorize a.png b.jpg c.webp --out-dir colored/

    python -m models colorize sketch.png --out colored.png --layers   # + colored_fill.png: colours without lines

hints.json: a list of {"x": ..., "y": ..., "color": "#rrggbb"} in the input picture's pixels, or a hint set saved
by the page, {"width": W, "height": H, "hints": [...]}, whose hints are moved to each input by relative position.
"""
from __future__ import annotations

import sys
from pathlib import Path

from models import limits
from models.pix2pix.hints import check_hints_fit, fit_hints, load_hint_set
from models.safe_files import NotRegularFile, check_output, read_regular

MODEL_NAME = "pix2pix-openmoji"
MAX_HINTS = limits.MAX_HINTS
MAX_HINTS_BYTES = limits.MAX_HINTS_BYTES


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def read_hints(path: str | None) -> tuple[list[dict] | None, tuple[int, int] | None]:
    """(hints, the size of the sketch a saved hint set was made on, or None) from a JSON file; ValueError with a
    one-line reason otherwise."""
    if not path:
        return None, None
    try:
        data = read_regular(path, MAX_HINTS_BYTES)  # a FIFO or device is refused, never waited on
    except OSError as err:
        raise ValueError(f"cannot read hints file {path}: {err.strerror or err}") from None
    return load_hint_set(data, f"hints file {path}")


def layers_path(target: Path) -> Path:
    """Where --layers writes the fill layer: beside the output, `<name>_fill.png`."""
    return target.with_name(target.stem + "_fill.png")


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
        hints, hint_size = read_hints(args.hints)
        if args.out:
            check_output(args.out)
            if args.layers:
                check_output(layers_path(Path(args.out)))
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
            fitted = fit_hints(hints or [], hint_size, image.width, image.height)
            check_hints_fit(fitted, image.width, image.height)
            check_output(target)
            if args.layers:
                check_output(layers_path(target))
        except (ValueError, NotRegularFile) as err:  # UploadError, hints outside this picture, a FIFO as output
            print(f"error: {name}: {err}", file=sys.stderr)
            failed += 1
            continue
        try:
            if colorizer is None:  # loaded once, and only when there is something to color
                colorizer = _load_colorizer()
            colorizer.colorize(image, fitted).save(target, format="PNG")
            if args.layers:
                colorizer.fill_layer(image, fitted).save(layers_path(target), format="PNG")
        except ModelUnavailable as err:
            return _fail(str(err))
        except (OSError, ValueError) as err:
            print(f"error: {name}: cannot write {target}: {getattr(err, 'strerror', None) or err}", file=sys.stderr)
            failed += 1
            continue
        print(f"{name} -> {target}" + (f" + {layers_path(target)}" if args.layers else ""))
    return 2 if failed else 0


def register(subparsers) -> None:
    p = subparsers.add_parser("colorize", help="color black-on-white line drawings (pix2pix, OpenMoji)")
    p.add_argument("inputs", nargs="+", help="PNG, JPEG, WebP or BMP line drawings")
    p.add_argument("--out", help="output PNG (one input)")
    p.add_argument("--out-dir", help="output folder for several inputs; each output is named like its input (.png)")
    p.add_argument("--hints", help='JSON list of colour hints: [{"x": 40, "y": 60, "color": "#ff8800"}] in input pixels')
    p.add_argument("--layers", action="store_true",
                   help="also write the flat colours without lines (the fill layer) as <out>_fill.png beside each output")
    p.set_defaults(func=cmd_colorize)
