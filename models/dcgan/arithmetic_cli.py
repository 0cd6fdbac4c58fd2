"""`python -m models arithmetic`: A - B + C on a DCGAN's latents (models/dcgan/arithmetic.py).

    python -m models arithmetic dcgan-mnist --a 7,12 --b 3 --c one.png,two.png --out result.png

Each group is a comma list of seeds (whole numbers) and/or pictures (inverted first). Writes result.png (top row:
the mean image of A, B and C, then A - B + C; below: --neighbours random neighbours of the result) and result.json
({"z": [...]}, the result's latent), and prints the JSON's path.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from models.limits import MAX_SEED
from models.numbers import parse_float, parse_int
from models.safe_files import NotRegularFile, check_output


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def cmd_arithmetic(args) -> int:
    from models.dcgan.arithmetic import GROUPS, combine, parse_group

    try:
        groups = [parse_group(name, text) for name, text in zip(GROUPS, (args.a, args.b, args.c))]
        for group in groups:
            for item in group:
                if isinstance(item, int) and item > MAX_SEED:
                    raise ValueError(f"seed {item} is past {MAX_SEED}")
        n = parse_int("--neighbours", args.neighbours, 0, 64)
        radius = parse_float("--radius", args.radius, 0.0, 3.0)
        scale = parse_int("--scale", args.scale, 1, 16)
        out = Path(args.out)
        check_output(out)
        check_output(out.with_suffix(".json"))
    except (ValueError, NotRegularFile) as err:
        return _fail(str(err))

    import torch

    from models import imaging, registry, store, uploads
    from models.dcgan.invert import encoder_name, load_inverter
    from models.loading import load_model

    try:
        entry = registry.get(args.model)
        if entry.family != "dcgan":
            return _fail(f"'{args.model}' belongs to the {entry.family} family; arithmetic takes a DCGAN")
        model = load_model(args.model)
        pictures = [item for group in groups for item in group if isinstance(item, str)]
        inverter = None
        if pictures:
            registry.get(encoder_name(args.model))
            inverter = load_inverter(args.model)
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        return _fail(str(err))
    paths, prepared = list(dict.fromkeys(pictures)), []
    for path in paths:
        try:
            prepared.append(inverter.prepare(uploads.load_upload(path)))
        except (uploads.UploadError, imaging.NoInkError) as err:
            return _fail(f"{path}: {err}")
    found = dict(zip(paths, (r.z for r in inverter.invert(torch.stack(prepared))))) if paths else {}
    latents = [torch.stack([model.latent(item) if isinstance(item, int) else found[item] for item in group])
               for group in groups]
    done = combine(model, latents, n, radius)
    top = model.generate(torch.cat([done.means, done.result.unsqueeze(0)]))
    picture = imaging.grid(torch.cat([top, model.generate(done.neighbours)]) if n else top, nrow=4, scale=scale)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        picture.save(out, format="PNG")
        out.with_suffix(".json").write_text(json.dumps({"z": [round(float(v), 5) for v in done.result]}) + "\n")
    except OSError as err:
        return _fail(f"could not write the result: {err}")
    print(f"{out.with_suffix('.json')}  (A, B, C, A - B + C and {n} neighbours in {out})")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("arithmetic", help="A - B + C on a DCGAN's latents (groups of seeds or pictures)",
                              description=__doc__.split("\n\n")[0])
    p.add_argument("model", help="dcgan-mnist or dcgan-fashion")
    for name in ("a", "b", "c"):
        p.add_argument(f"--{name}", required=True,
                       help=f"group {name.upper()}: comma-separated seeds and/or picture paths (1-16)")
    p.add_argument("--out", required=True, help="PNG of the means, the result and its neighbours; latent in .json")
    p.add_argument("--neighbours", default="8", help="random neighbours of the result (0-64, default 8)")
    p.add_argument("--radius", default="0.5", help="how far the neighbours lie (default 0.5)")
    p.add_argument("--scale", default="3", help="enlarge each pixel (1-16, default 3)")
    p.set_defaults(func=cmd_arithmetic)
