"""`python -m models infogan`: draw MNIST digits with the InfoGAN's learned controls.

    python -m models infogan --digit 3 --rotation 0.5 --width -1 --seed 1 --out three.png
    python -m models infogan --digit 7 --n 50 --out-dir sevens/     # seeds 0..49 (from --seed), same codes
    python -m models infogan --codes read/mine.json --digit 5 --out five.png   # your read digit's hand, as a 5

Rotation and width run from -2 to 2 (+rotation = clockwise slant, +width = thicker strokes); the seed picks the noise.
"""
from __future__ import annotations

import sys
from pathlib import Path

from models.numbers import parse_float, parse_int
from models.safe_files import NotRegularFile, check_output
from models.limits import MAX_SEED

MODEL_NAME = "infogan-mnist"
MAX_IMAGES = 1000
MAX_CODES_BYTES = 64 * 1024


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _int(name: str, text: str, low: int, high: int) -> int:
    return parse_int(f"--{name}", text, low, high)


def _code(name: str, text: str) -> float:
    return parse_float(f"--{name}", text, -2.0, 2.0)


def read_codes(path: str):
    """(digit, rotation, width, noise) from a JSON file `invert infogan-mnist` wrote; ValueError saying why not."""
    from models.infogan.read import codes_from_dict
    from models.numbers import load_json

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CODES_BYTES + 1)
    except OSError as err:
        raise ValueError(f"cannot read {path}: {err.strerror or err}") from None
    if len(data) > MAX_CODES_BYTES:
        raise ValueError(f"{path} is larger than {MAX_CODES_BYTES // 1024} KB; a codes file is about 1 KB")
    try:
        return codes_from_dict(load_json(data, "the file"))
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None


def cmd_infogan(args) -> int:
    noise = None
    if args.digit is None and args.codes is None:
        return _fail("say which digit to draw: --digit 0-9 (or --codes FILE.json)")
    try:
        if args.codes is not None:
            file_digit, file_rotation, file_width, noise = read_codes(args.codes)
            args.digit = str(file_digit) if args.digit is None else args.digit
            args.rotation = str(file_rotation) if args.rotation is None else args.rotation
            args.width = str(file_width) if args.width is None else args.width
        digit = _int("digit", args.digit, 0, 9)
        rotation = _code("rotation", "0" if args.rotation is None else args.rotation)
        width = _code("width", "0" if args.width is None else args.width)
        seed = _int("seed", args.seed, 0, MAX_SEED)
        n = _int("n", args.n, 1, MAX_IMAGES) if args.n is not None else None
        scale = _int("scale", args.scale, 1, 32)
        if args.out:
            check_output(args.out)
    except (ValueError, NotRegularFile) as err:
        return _fail(str(err))
    if args.out and args.out_dir:
        return _fail("give either --out (one image) or --out-dir with --n (several), not both")
    if not args.out and not args.out_dir:
        return _fail("say where to write: --out digit.png, or --out-dir DIR with --n N")
    if args.out and n not in (None, 1):
        return _fail("--n needs --out-dir (one PNG per noise seed)")
    if args.out_dir and n is None:
        n = 1
    if seed + (n or 1) - 1 > MAX_SEED:
        return _fail(f"seeds would run past {MAX_SEED}; lower --seed or --n")
    if noise is not None and (n or 1) != 1:
        return _fail("--codes gives one handwriting (its noise): draw one image, without --n")

    from models import imaging, registry, store
    from models.loading import load_model

    try:
        model = load_model(MODEL_NAME)
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        return _fail(str(err))
    seeds = list(range(seed, seed + (n or 1)))
    images = model.generate_seeds(digit, rotation, width, seeds) if noise is None else \
        model.generate_with_noise([digit], [rotation], [width], noise.unsqueeze(0))
    try:
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            imaging.to_pil(images[0], scale).save(args.out, format="PNG")
            hand = f"noise from {args.codes}" if noise is not None else f"seed {seed}"
            print(f"digit {digit} (rotation {rotation:g}, width {width:g}, {hand}) -> {args.out}")
            return 0
        out_dir = Path(args.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        names = [f"digit{digit}_seed{s}.png" for s in seeds] if noise is None else \
            [f"digit{digit}_{Path(args.codes).stem}.png"]
        for name, image in zip(names, images):
            imaging.to_pil(image, scale).save(check_output(out_dir / name), format="PNG")
    except (OSError, ValueError) as err:
        return _fail(f"cannot write the image: {getattr(err, 'strerror', None) or err}")
    print(f"{len(seeds)} images of digit {digit} (seeds {seeds[0]}-{seeds[-1]}) -> {out_dir}/")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("infogan", help="draw a digit with InfoGAN controls (digit, rotation, width, seed)")
    # values are parsed by cmd_infogan so that bad input gives one line and exit code 2
    p.add_argument("--digit", default=None, help="0-9 (required)")
    p.add_argument("--rotation", default=None, help="-2..2, + = clockwise slant (default 0, or the --codes file's)")
    p.add_argument("--width", default=None, help="stroke width, -2..2, + = thicker (default 0, or the --codes file's)")
    p.add_argument("--codes", default=None, help="a JSON file `invert infogan-mnist` wrote: draw with its noise (and "
                                                 "its digit, rotation and width unless given)")
    p.add_argument("--seed", default="0", help="noise seed, 0..2^31-1 (default 0)")
    p.add_argument("--n", default=None, help=f"number of images (seeds seed, seed+1, ...), 1-{MAX_IMAGES}; needs --out-dir")
    p.add_argument("--scale", default="1", help="enlarge the 28x28 output this many times (default 1)")
    p.add_argument("--out", help="output PNG for one image")
    p.add_argument("--out-dir", help="output folder: one PNG per noise seed")
    p.set_defaults(func=cmd_infogan)
