"""Fetch OpenMoji 17.0.0 from npm, render (line art, colour) pairs to PNG pixels and store them as uint8 arrays.

    python -m training.pix2pix.prepare [--size 128] [--seed 0] [--test-fraction 0.1]

Writes data/openmoji/pairs_<size>.npz (GAN_STUDIO_DATA overrides data/) with
    sketch (N, S, S) uint8 greyscale line art, colour (N, S, S, 3) uint8, name (N,) file stems,
    group (N,) the emoji with skin tones removed, split (N,) "train" / "test".
The split is BY EMOJI: every skin-tone variant (-1F3FB..-1F3FF) of one base emoji lands on the same side.
Rendering uses Debian librsvg2-bin (`rsvg-convert`) on a white background.
"""
from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import subprocess
import tarfile
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm
from training.pix2pix.data import data_dir

PACKAGE = "openmoji@17.0.0"
SKIN_TONE = re.compile(r"-1F3F[B-F]")


def base_emoji(stem: str) -> str:
    """The emoji a file shows with every skin-tone modifier removed: variants share their base."""
    return SKIN_TONE.sub("", stem)


def split_groups(groups: list[str], test_fraction: float, seed: int) -> set[str]:
    """A reproducible set of base emoji that form the held-out split."""
    bases = sorted(set(groups))
    random.Random(seed).shuffle(bases)
    return set(bases[: round(len(bases) * test_fraction)])


def fetch_package(work: Path) -> Path:
    """`npm pack` the pinned OpenMoji release into work/ (cached in the data dir) and unpack it."""
    cache = data_dir() / "openmoji-17.0.0.tgz"
    if not cache.exists():
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work / "openmoji-17.0.0.tgz"), cache)
    with tarfile.open(cache) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith(("package/black/svg/", "package/color/svg/"))]
        tar.extractall(work, members=members, filter="data")
    return work / "package"


def render(svg: Path, size: int) -> Image.Image:
    png = subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-b", "white", str(svg)],
                         check=True, capture_output=True).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-fraction", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("rsvg-convert") is None:
        raise SystemExit("rsvg-convert not found: apt-get install librsvg2-bin")

    with tempfile.TemporaryDirectory() as tmp:
        pkg = fetch_package(Path(tmp))
        stems = sorted(p.stem for p in (pkg / "black" / "svg").glob("*.svg") if (pkg / "color" / "svg" / p.name).exists())

        def one(stem: str):
            black = render(pkg / "black" / "svg" / f"{stem}.svg", args.size).convert("L")
            colour = render(pkg / "color" / "svg" / f"{stem}.svg", args.size)
            return np.asarray(black), np.asarray(colour)

        with ThreadPoolExecutor(args.workers) as pool:
            pairs = list(tqdm(pool.map(one, stems), total=len(stems), desc="render"))

    groups = [base_emoji(s) for s in stems]
    test = split_groups(groups, args.test_fraction, args.seed)
    split = np.array(["test" if g in test else "train" for g in groups])
    out = data_dir() / f"pairs_{args.size}.npz"
    np.savez_compressed(out, sketch=np.stack([p[0] for p in pairs]), colour=np.stack([p[1] for p in pairs]),
                        name=np.array(stems), group=np.array(groups), split=split)
    n_test = int((split == "test").sum())
    print(f"{len(stems)} pairs ({len(stems) - n_test} train, {n_test} test, {len(set(groups))} base emoji) -> {out}")


if __name__ == "__main__":
    main()
