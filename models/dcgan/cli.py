"""`python -m models generate`: draw images with a DCGAN (dcgan-mnist digits, dcgan-fashion clothes).

    python -m models generate dcgan-mnist --seed 7 --out digit.png             # one image (28x28, --scale enlarges)
    python -m models generate dcgan-mnist --seed 7 --n 64 --out grid.png       # a grid of 64 (seeds 7..70)
    python -m models generate dcgan-fashion --n 64 --out-dir samples/          # one 28x28 PNG per seed
"""
from __future__ import annotations

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


def register(subparsers) -> None:
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
