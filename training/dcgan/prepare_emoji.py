"""Prepare the emoji generator's data: three artists' colour emoji at 64x64 on white, one image per artist and emoji
(skin-tone variants dropped), each with its Unicode category, split by emoji.

    python -m training.dcgan.prepare_emoji [--size 64]

Sources (licences in training/common/emoji_art.py ARTISTS):
    openmoji, fluent  the colorizer's 256 px renders (training.pix2pix.sources --size 256) downscaled (Lanczos)
    noto              emoji-datasource-google's own 64 px PNGs, composited on white
    Twemoji is evaluation-only and never read here.
Category: emoji-datasource-google's emoji.json "category" of the emoji's group (its id without skin tones and FE0F),
the same for all three artists; emoji whose group emoji.json lacks (OpenMoji extras, unnamed Fluent files) and the
"Component" category (skin-tone swatches, hair parts) are left out.
Skin tones: of an emoji's variants only the untoned one is kept (the first variant if there is none).
Split ("test" = held out): the colorizer's split for groups OpenMoji or Fluent have (so the same emoji are held out
in both models), the hashed 10 % coin (emoji_art.hashed_test) for the rest; every artist's version of an emoji falls on
one side.
Writes $GAN_STUDIO_DATA/emoji/emoji_<size>.npz: images (N, S, S, 3) uint8, artist, name, emoji, group, category (int),
split (str) arrays and categories (the names, index = category), plus emoji_<size>.json with the counts.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from training.common.emoji_art import (emoji_group, fetch, has_skin_tone, hashed_test, list_noto, load_artist,
                                      on_white, unpack)
from training.common.paths import dataset_dir

ARTISTS = ("openmoji", "fluent", "noto")
CATEGORIES = ("Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink", "Travel & Places",
              "Activities", "Objects", "Symbols", "Flags")


def noto_index() -> tuple[dict[str, str], list[dict], Path]:
    """Group -> category from emoji.json, Noto's items, and the temporary folder holding its PNGs (caller removes)."""
    tmp = Path(tempfile.mkdtemp())
    pkg = unpack(fetch("noto"), tmp, ("package/emoji.json", "package/img/google/64/"))
    categories = {}
    for entry in json.loads((pkg / "emoji.json").read_text()):
        for code in (entry["unified"], entry.get("non_qualified") or entry["unified"]):
            categories.setdefault(emoji_group(code), entry["category"])
    return categories, list_noto(pkg), tmp


def one_per_group(items: list[dict]) -> list[int]:
    """Indices of the items kept: per group the first untoned item, else the first."""
    chosen: dict[str, int] = {}
    for i, item in enumerate(items):
        g = item["group"]
        if g not in chosen or (has_skin_tone(items[chosen[g]]["emoji"]) and not has_skin_tone(item["emoji"])):
            chosen[g] = i
    return sorted(chosen.values())


def downscale(colour: np.ndarray, size: int) -> np.ndarray:
    return np.asarray(Image.fromarray(np.asarray(colour)).resize((size, size), Image.Resampling.LANCZOS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    category_of, noto_items, tmp = noto_index()
    images, rows, colorizer_split = [], [], {}
    for artist in ("openmoji", "fluent"):
        data = load_artist(artist, 256)
        for m in data["items"]:
            colorizer_split.setdefault(m["group"], m["split"])
        items = [m for m in data["items"] if category_of.get(m["group"]) in CATEGORIES]
        index = {id(m): i for i, m in enumerate(data["items"])}
        for m in (items[k] for k in one_per_group(items)):
            images.append(downscale(data["colour"][index[id(m)]], args.size))
            rows.append({"artist": artist, "name": m["name"], "emoji": m["emoji"], "group": m["group"]})
    noto = [{**it, "group": emoji_group(it["emoji"])} for it in noto_items]
    noto = [it for it in noto if category_of.get(it["group"]) in CATEGORIES]
    for it in (noto[k] for k in one_per_group(noto)):
        images.append(on_white(Image.open(it["colour"]), args.size))
        rows.append({"artist": "noto", "name": it["name"], "emoji": it["emoji"], "group": it["group"]})
    for row in rows:
        row["category"] = CATEGORIES.index(category_of[row["group"]])
        row["split"] = colorizer_split.get(row["group"]) or ("test" if hashed_test(row["group"]) else "train")
    out = dataset_dir("emoji") / f"emoji_{args.size}.npz"
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, images=np.stack(images), categories=np.array(CATEGORIES),
             **{k: np.array([r[k] for r in rows]) for k in ("artist", "name", "emoji", "group", "category", "split")})
    counts = {"images": len(rows), "emoji": len({r["group"] for r in rows}),
              "per_artist_split": {f"{a}/{s}": n for (a, s), n in sorted(Counter((r["artist"], r["split"]) for r in rows).items())},
              "per_category_train": {CATEGORIES[c]: n for c, n in sorted(Counter(r["category"] for r in rows if r["split"] == "train").items())}}
    out.with_suffix(".json").write_text(json.dumps(counts, indent=2) + "\n")
    for f in sorted(tmp.rglob("*"), reverse=True):
        f.unlink() if f.is_file() else f.rmdir()
    tmp.rmdir()
    print(json.dumps(counts, indent=2))
    print(f"-> {out}")


if __name__ == "__main__":
    main()
