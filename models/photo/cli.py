"""`python -m models photo`: colour black-and-white photographs with the photo colorizer.

    python -m models photo old.jpg --out colored.png
    python -m models photo a.jpg b.png --out-dir colored/     (each output named like its input, same size)
"""
from __future__ import annotations

import sys
from pathlib import Path

from models.safe_files import NotRegularFile, check_output

MODEL_NAME = "photo-colorizer"


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_photo(args) -> int:
    if bool(args.out) == bool(args.out_dir):
        return _fail("say where to write the result: --out colored.png (one input) or --out-dir DIR, not both")
    if args.out and len(args.inputs) != 1:
        return _fail(f"--out takes exactly one input ({len(args.inputs)} given); use --out-dir DIR for several")
    from models import registry, store
    from models.loading import load_model
    from models.uploads import load_upload

    out_dir = Path(args.out_dir) if args.out_dir else None
    try:
        if out_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return _fail(f"cannot create output folder {out_dir}: {err.strerror or err}")
    colorizer, failed = None, 0
    for name in args.inputs:
        target = Path(args.out) if args.out else out_dir / (Path(name).stem + ".png")
        try:
            image = load_upload(name)
            check_output(target)
        except (ValueError, NotRegularFile) as err:
            print(f"error: {name}: {err}", file=sys.stderr)
            failed += 1
            continue
        try:
            if colorizer is None:
                colorizer = load_model(MODEL_NAME)
            colorizer.colorize(image).save(target, format="PNG")
        except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
            return _fail(str(err))
        except (OSError, ValueError) as err:
            print(f"error: {name}: cannot write {target}: {getattr(err, 'strerror', None) or err}", file=sys.stderr)
            failed += 1
            continue
        print(f"{name} -> {target}")
    return 2 if failed else 0


def register(subparsers) -> None:
    p = subparsers.add_parser("photo", aliases=["colorize-photo"],
                              help="colour black-and-white photographs (photo colorizer)")
    p.add_argument("inputs", nargs="+", help="PNG, JPEG, WebP or BMP photos")
    p.add_argument("--out", help="output PNG (one input)")
    p.add_argument("--out-dir", help="output folder for several inputs; each output is named like its input (.png)")
    p.set_defaults(func=cmd_photo)
