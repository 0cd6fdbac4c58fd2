"""`python -m models generate`: draw images with a DCGAN (dcgan-mnist digits, dcgan-fashion clothes).

    python -m models generate dcgan-mnist --seed 7 --out digit.png             # one image (28x28, --scale enlarges)
    python -m models generate dcgan-mnist --seed 7 --n 64 --out grid.png       # a grid of 64 (seeds 7..70)
    python -m models generate dcgan-fashion --n 64 --out-dir samples/          # one 28x28 PNG per seed
    python -m models invert dcgan-mnist my_digit.png --out recon.png           # recon.png + recon.json ({"z": [...]})
    python -m models invert dcgan-mnist a.png b.jpg --out-dir inverted/        # inverted/a.png, a.json, b.png, ...
    python -m models invert infogan-mnist a.png --out-dir read/   # read/a.json: {"digit", "rotation", "width", "noise"}
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from models.limits import MAX_SEED

from models import limits
from models.numbers import parse_int
from models.safe_files import NotRegularFile, check_output

MAX_IMAGES = 10000
MAX_OUTPUT_PIXELS = limits.MAX_OUTPUT_PIXELS  # one written picture (a grid of --n images, each --scale times larger)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def grid_size(n: int, nrow: int, height: int, width: int, scale: int, pad: int = 2) -> tuple[int, int]:
    """(width, height) in pixels of the picture imaging.grid (or to_pil for n = 1) writes."""
    if n == 1:
        return width * scale, height * scale
    ncol = min(nrow, n)
    rows = -(-n // ncol)
    return (ncol * (width + pad) + pad) * scale, (rows * (height + pad) + pad) * scale


def cmd_generate(args) -> int:
    try:
        args.seed = parse_int("--seed", args.seed, 0, MAX_SEED)
        args.n = parse_int("--n", args.n, 1, MAX_IMAGES)
        args.scale = parse_int("--scale", args.scale, 1, 32)
        args.nrow = parse_int("--nrow", args.nrow, 1, MAX_IMAGES)
        if args.out:
            check_output(args.out)
    except (ValueError, NotRegularFile) as err:
        return _fail(str(err))
    if args.seed + args.n - 1 > MAX_SEED:
        return _fail(f"seeds would run past {MAX_SEED}; lower --seed or --n")
    if bool(args.out) == bool(args.out_dir):
        return _fail("say where to write: --out FILE.png (one image or a grid) or --out-dir DIR (one PNG per sample)")

    from models import imaging, registry, store
    from models.loading import load_model

    try:
        entry = registry.get(args.model)
        if entry.family != "dcgan":
            names = ", ".join(e.name for e in registry.by_family("dcgan")) or "none"
            return _fail(f"'{args.model}' belongs to the {entry.family} family; generate takes a DCGAN: {names}")
        model = load_model(args.model)
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        return _fail(str(err))
    seeds = range(args.seed, args.seed + args.n)
    images = model.generate(model.latents(seeds))
    width, height = grid_size(args.n, args.nrow, images.shape[-2], images.shape[-1], args.scale)
    if args.out and width * height > MAX_OUTPUT_PIXELS:
        return _fail(f"the grid would be {width:,} x {height:,} pixels (at most {MAX_OUTPUT_PIXELS:,}); "
                     "lower --n or --scale, or write one PNG per image with --out-dir")
    try:
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            picture = imaging.to_pil(images[0], args.scale) if args.n == 1 else \
                imaging.grid(images, nrow=args.nrow, scale=args.scale)
            picture.save(args.out, format="PNG")
            print(f"{args.model}: {args.n} image(s), seeds {args.seed}..{args.seed + args.n - 1} -> {args.out}")
        else:
            out_dir = Path(args.out_dir)
            out_dir.mkdir(parents=True, exist_ok=True)
            for seed, image in zip(seeds, images):
                target = check_output(out_dir / f"{args.model}-seed{seed}.png")
                imaging.to_pil(image, args.scale).save(target, format="PNG")
            print(f"{args.model}: {args.n} PNG(s), seeds {args.seed}..{args.seed + args.n - 1} -> {out_dir}/")
    except OSError as err:
        return _fail(f"could not write the image: {err}")
    return 0


def cmd_invert(args) -> int:
    """Each input picture made MNIST-like and inverted: the reconstruction (28x28 PNG) and its latent (JSON)."""
    if len(args.inputs) > limits.MAX_INVERT_INPUTS:
        return _fail(f"{len(args.inputs)} inputs; at most {limits.MAX_INVERT_INPUTS} per command")
    if bool(args.out) == bool(args.out_dir):
        return _fail("say where to write: --out FILE.png (one input) or --out-dir DIR (NAME.png + NAME.json each)")
    if args.out and len(args.inputs) != 1:
        return _fail("--out takes one input; for several use --out-dir DIR")
    names = [Path(p).stem for p in args.inputs]
    if args.out_dir and len(set(names)) != len(names):
        return _fail("two inputs share a name; --out-dir writes NAME.png and NAME.json per input")
    try:
        steps = parse_int("--steps", args.steps, 0, 1000) if args.steps is not None else None
        if args.out_dir:
            Path(args.out_dir).mkdir(parents=True, exist_ok=True)
        targets = [Path(args.out)] if args.out else [Path(args.out_dir) / f"{n}.png" for n in names]
        for target in targets:
            check_output(target)
            check_output(target.with_suffix(".json"))
    except (ValueError, NotRegularFile, OSError) as err:
        return _fail(str(err))

    import torch

    from models import imaging, registry, store, uploads
    from models.dcgan.invert import encoder_name, load_inverter
    from models.infogan.read import load_reader

    try:
        entry = registry.get(args.model)
        if entry.family not in ("dcgan", "infogan"):
            return _fail(f"'{args.model}' belongs to the {entry.family} family; invert takes a DCGAN or infogan-mnist")
        registry.get(encoder_name(args.model))
        inverter = load_inverter(args.model) if entry.family == "dcgan" else load_reader()
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        return _fail(str(err))
    try:
        prepared = [inverter.prepare(uploads.load_upload(p)) for p in args.inputs]
    except (uploads.UploadError, imaging.NoInkError) as err:
        return _fail(f"{err}")
    if entry.family == "dcgan":
        results = inverter.invert(torch.stack(prepared), steps)
        records = [{"z": [round(float(v), 5) for v in result.z]} for result in results]
    else:  # {"digit", "rotation", "width", "noise"}: python -m models infogan draws the digit again from them
        results = inverter.read(torch.stack(prepared), steps)
        records = [result.to_dict() for result in results]
    try:
        for target, result, record in zip(targets, results, records):
            imaging.to_pil(result.image, args.scale).save(target, format="PNG")
            target.with_suffix(".json").write_text(json.dumps(record) + "\n")
            print(f"{target.with_suffix('.json')}  (reconstruction {target}, mean pixel error {result.error:.3f})")
    except OSError as err:
        return _fail(f"could not write the result: {err}")
    return 0


def register(subparsers) -> None:
    from models.dcgan.arithmetic_cli import register as register_arithmetic

    register_arithmetic(subparsers)
    p = subparsers.add_parser("invert", help="find the latent of your own picture (dcgan-mnist, dcgan-fashion; "
                                             "infogan-mnist: its digit, rotation, width and noise)",
                              description=cmd_invert.__doc__)
    p.add_argument("model", help="dcgan-mnist, dcgan-fashion or infogan-mnist")
    p.add_argument("inputs", nargs="+", help="PNG, JPEG, WebP or BMP pictures (a digit or garment, any size)")
    p.add_argument("--out", help="PNG of the reconstruction (one input); its latent goes to the same name .json")
    p.add_argument("--out-dir", help="folder: NAME.png and NAME.json per input")
    p.add_argument("--steps", default=None, help="refinement steps after the encoder (default: the encoder's config)")
    p.add_argument("--scale", type=int, default=1, choices=range(1, 33), metavar="1-32",
                   help="enlarge the reconstruction's pixels")
    p.set_defaults(func=cmd_invert)

    p = subparsers.add_parser("generate", help="draw images with a DCGAN (dcgan-mnist, dcgan-fashion)",
                              description=__doc__.split("\n")[0])
    p.add_argument("model", help="dcgan-mnist or dcgan-fashion (see `list`)")
    p.add_argument("--seed", default="0", help="latent seed of the first image (default 0)")
    p.add_argument("--n", default="1", help=f"how many images (seeds seed, seed+1, ...), 1-{MAX_IMAGES}")
    p.add_argument("--out", help="PNG file: the image, or a grid when --n > 1")
    p.add_argument("--out-dir", help="folder: one PNG per sample")
    p.add_argument("--scale", default="1", help="enlarge each pixel (nearest neighbour), 1-32, default 1")
    p.add_argument("--nrow", default="8", help="grid images per row (default 8)")
    p.set_defaults(func=cmd_generate)
