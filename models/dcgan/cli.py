"""`python -m models generate`: draw images with a DCGAN (dcgan-mnist digits, dcgan-fashion clothes).

    python -m models generate dcgan-mnist --seed 7 --out digit.png             # one image (28x28, --scale enlarges)
    python -m models generate dcgan-mnist --seed 7 --n 64 --out grid.png       # a grid of 64 (seeds 7..70)
    python -m models generate dcgan-fashion --n 64 --out-dir samples/          # one 28x28 PNG per seed
"""
from __future__ import annotations

import sys
from pathlib import Path
from models.settings import MAX_SEED

MAX_IMAGES = 10000


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_generate(args) -> int:
    if not 0 <= args.seed <= MAX_SEED:
        return _fail(f"--seed must be from 0 to {MAX_SEED}, got {args.seed}")
    if not 1 <= args.n <= MAX_IMAGES:
        return _fail(f"--n must be from 1 to {MAX_IMAGES}, got {args.n}")
    if args.seed + args.n - 1 > MAX_SEED:
        return _fail(f"seeds would run past {MAX_SEED}; lower --seed or --n")
    if not 1 <= args.scale <= 32:
        return _fail(f"--scale must be from 1 to 32, got {args.scale}")
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
                imaging.to_pil(image, args.scale).save(out_dir / f"{args.model}-seed{seed}.png", format="PNG")
            print(f"{args.model}: {args.n} PNG(s), seeds {args.seed}..{args.seed + args.n - 1} -> {out_dir}/")
    except OSError as err:
        return _fail(f"could not write the image: {err}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("generate", help="draw images with a DCGAN (dcgan-mnist, dcgan-fashion)",
                              description=__doc__.split("\n")[0])
    p.add_argument("model", help="dcgan-mnist or dcgan-fashion (see `list`)")
    p.add_argument("--seed", type=int, default=0, help="latent seed of the first image (default 0)")
    p.add_argument("--n", type=int, default=1, help="how many images (seeds seed, seed+1, ...)")
    p.add_argument("--out", help="PNG file: the image, or a grid when --n > 1")
    p.add_argument("--out-dir", help="folder: one PNG per sample")
    p.add_argument("--scale", type=int, default=1, help="enlarge each pixel (nearest neighbour), default 1")
    p.add_argument("--nrow", type=int, default=8, help="grid images per row (default 8)")
    p.set_defaults(func=cmd_generate)
