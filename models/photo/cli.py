"""`python -m models photo` (alias colorize-photo): colour black-and-white photographs with the photo colorizer.

    python -m models photo old.jpg --out colored.png [--hints hints.json]
    python -m models photo a.jpg b.png --out-dir colored/     (each output named like its input, same size)

hints.json as for `colorize` (a model that reads hints; one that does not refuses them with one line). The input
loop and its messages: models/image_cli.py.
"""
from __future__ import annotations

from pathlib import Path

from models.image_cli import HINTS_HELP, InputRefused, run_inputs
from models.limits import PHOTO_MAX_PIXELS

MODEL_NAME = "photo-colorizer"


def cmd_photo(args) -> int:
    def render(colorizer, photo, hints, target: Path) -> str:
        if hints and not colorizer.takes_hints:
            raise InputRefused("the published photo colorizer does not read colour hints; leave out --hints")
        colorizer.colorize(photo, hints).save(target, format="PNG")
        return str(target)

    def load(name: str):  # photos may be larger than other pictures; decoded straight to grey
        from models.uploads import load_upload

        return load_upload(name, max_pixels=PHOTO_MAX_PIXELS, grey=True)

    return run_inputs(args, MODEL_NAME, render, load=load)


def register(subparsers) -> None:
    p = subparsers.add_parser("photo", aliases=["colorize-photo"],
                              help="colour black-and-white photographs (photo colorizer)")
    p.add_argument("inputs", nargs="+", help="PNG, JPEG, WebP or BMP photos")
    p.add_argument("--out", help="output PNG (one input)")
    p.add_argument("--out-dir", help="output folder for several inputs; each output is named like its input (.png)")
    p.add_argument("--hints", help=HINTS_HELP)
    p.set_defaults(func=cmd_photo)
