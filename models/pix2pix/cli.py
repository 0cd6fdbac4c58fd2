"""`python -m models colorize`: color line drawings with the pix2pix sketch colorizer.

    python -m models colorize sketch.png --out colored.png [--hints hints.json]
    python -m models colorize a.png b.jpg c.webp --out-dir colored/

    python -m models colorize sketch.png --out colored.png --layers   # + colored_fill.png: colours without lines

hints.json: a list of {"x": ..., "y": ..., "color": "#rrggbb"} in the input picture's pixels, or a hint set saved
by the page, {"width": W, "height": H, "hints": [...]}, whose hints are moved to each input by relative position.
The input loop and its messages: models/image_cli.py.
"""
from __future__ import annotations

from pathlib import Path

from models.image_cli import HINTS_HELP, run_inputs

MODEL_NAME = "pix2pix-openmoji"


def layers_path(target: Path) -> Path:
    """Where --layers writes the fill layer: beside the output, `<name>_fill.png`."""
    return target.with_name(target.stem + "_fill.png")


def cmd_colorize(args) -> int:
    def render(colorizer, sketch, hints, target: Path) -> str:
        colorizer.colorize(sketch, hints).save(target, format="PNG")
        if not args.layers:
            return str(target)
        colorizer.fill_layer(sketch, hints).save(layers_path(target), format="PNG")
        return f"{target} + {layers_path(target)}"

    return run_inputs(args, MODEL_NAME, render, lambda t: [layers_path(t)] if args.layers else [])


def register(subparsers) -> None:
    p = subparsers.add_parser("colorize", help="color black-on-white line drawings (pix2pix, OpenMoji)")
    p.add_argument("inputs", nargs="+", help="PNG, JPEG, WebP or BMP line drawings")
    p.add_argument("--out", help="output PNG (one input)")
    p.add_argument("--out-dir", help="output folder for several inputs; each output is named like its input (.png)")
    p.add_argument("--hints", help=HINTS_HELP)
    p.add_argument("--layers", action="store_true",
                   help="also write the flat colours without lines (the fill layer) as <out>_fill.png beside each output")
    p.set_defaults(func=cmd_colorize)
