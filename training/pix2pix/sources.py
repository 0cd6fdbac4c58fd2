"""Multi-artist colour-art sources for the sketch colorizer: fetch by `npm pack`, render, split, store as uint8 arrays.

    python -m training.pix2pix.sources [--size 256] [--artists openmoji fluent noto twemoji] [--workers 2]

Artists (ARTISTS below holds package, licence and role of each):
    openmoji  npm openmoji@17.0.0            black/svg (artist's line art) + color/svg            train / held-out emoji
    fluent    npm fluentui-emoji@1.3.0        icons/high-contrast (artist's monochrome) + icons/flat  train / held-out emoji
    noto      npm emoji-datasource-google@16.0.0  img/google/64 PNGs (colour only, 64 px, upscaled)   HELD-OUT ARTIST
    twemoji   npm @twemoji/svg@15.0.0          *.svg colour only                                   EVALUATION ONLY
Writes, under $GAN_STUDIO_DATA/pix2pix/ (data/ by default):
    <artist>_<size>/colour.npy (N, S, S, 3) uint8 on white; lines.npy (N, S, S) uint8 the artist's own line art (white
    where the artist has none; has_lines in items.json says which); items.json: per item artist, name, emoji id, group, split.
    SOURCES.md: the licence / source / count table.
Split: the group of an item is its emoji id without skin-tone modifiers and FE0F, so the same emoji across artists and
all its skin tones fall on one side. Held-out emoji ("test") = OpenMoji's historical held-out set (the same rule as
training/pix2pix/prepare.py, so the shipped model never saw them) plus a hashed 10 % of the groups OpenMoji lacks.
Noto items are all "heldout_artist", Twemoji items all "eval_only": no training run may read them.
Downloads are cached in $GAN_STUDIO_DATA/src/. What the emoji generator's data prep shares with this script (artists,
tarballs, rendering, emoji groups) lives in training/common/emoji_art.py.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from training.common.emoji_art import (ARTISTS, SPLIT_SEED, TEST_FRACTION, emoji_group, fetch, hashed_test, list_noto,
                                      on_white, render_svg, unpack)
from training.common.paths import data_root

FLUENT_TONE = re.compile(r"-(default|light|medium-light|medium|medium-dark|dark)$")


def pix2pix_dir() -> Path:
    return data_root() / "pix2pix"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def openmoji_heldout(stems: list[str], fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED) -> set[str]:
    """OpenMoji's held-out base emoji exactly as training/pix2pix/prepare.py drew them (groups = stems without
    skin tones, shuffled with random.Random(seed)), returned as emoji groups."""
    bases = sorted({re.sub(r"-1F3F[B-F]", "", s) for s in stems})
    random.Random(seed).shuffle(bases)
    return {emoji_group(b) for b in bases[: round(len(bases) * fraction)]}


def assign_split(groups: list[str], role: str, openmoji_test: set[str], openmoji_groups: set[str]) -> list[str]:
    if role != "train":
        return [role] * len(groups)
    return ["test" if (g in openmoji_test if g in openmoji_groups else hashed_test(g)) else "train" for g in groups]


def list_openmoji(pkg: Path) -> list[dict]:
    names = sorted(p.stem for p in (pkg / "black" / "svg").glob("*.svg") if (pkg / "color" / "svg" / p.name).exists())
    return [{"name": n, "emoji": n, "colour": pkg / "color" / "svg" / f"{n}.svg", "lines": pkg / "black" / "svg" / f"{n}.svg"}
            for n in names]


def list_fluent(pkg: Path, slug_to_code: dict[str, str]) -> list[dict]:
    items = []
    for flat in sorted((pkg / "icons" / "flat").glob("*.svg")):
        base = FLUENT_TONE.sub("", flat.stem)
        hc = next((p for p in (pkg / "icons" / "high-contrast" / f"{n}.svg" for n in (flat.stem, f"{base}-default", base))
                   if p.exists()), None)
        tone = flat.stem[len(base) + 1:] if flat.stem != base else ""
        code = slug_to_code.get(base)
        emoji = (code + {"light": "-1F3FB", "medium-light": "-1F3FC", "medium": "-1F3FD", "medium-dark": "-1F3FE",
                         "dark": "-1F3FF"}.get(tone, "")) if code else f"fluent:{base}"
        items.append({"name": flat.stem, "emoji": emoji, "colour": flat, "lines": hc})
    return items


def list_twemoji(pkg: Path) -> list[dict]:
    return [{"name": p.stem, "emoji": p.stem, "colour": p, "lines": None} for p in sorted(pkg.glob("*.svg"))]


def prepare(artist: str, size: int, workers: int, openmoji_test: set[str], openmoji_groups: set[str],
            slug_to_code: dict[str, str]) -> dict:
    prefixes = {"openmoji": ("package/black/svg/", "package/color/svg/"),
                "fluent": ("package/icons/flat/", "package/icons/high-contrast/"),
                "noto": ("package/emoji.json", "package/img/google/64/"), "twemoji": ("package/",)}[artist]
    with tempfile.TemporaryDirectory() as tmp:
        pkg = unpack(fetch(artist), Path(tmp), prefixes)
        items = {"openmoji": list_openmoji, "noto": list_noto, "twemoji": list_twemoji}.get(artist)
        items = items(pkg) if items else list_fluent(pkg, slug_to_code)

        def one(item):
            if str(item["colour"]).endswith(".png"):
                colour = on_white(Image.open(item["colour"]), size)
            else:
                colour = render_svg(item["colour"], size)
            lines = (render_svg(item["lines"], size).min(axis=2) if item["lines"] is not None
                     else np.full((size, size), 255, np.uint8))
            return colour, lines

        with ThreadPoolExecutor(workers) as pool:
            rendered = list(pool.map(one, items))
    out = pix2pix_dir() / f"{artist}_{size}"
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "colour.npy", np.stack([r[0] for r in rendered]))
    np.save(out / "lines.npy", np.stack([r[1] for r in rendered]))
    groups = [emoji_group(i["emoji"]) for i in items]
    splits = assign_split(groups, ARTISTS[artist]["role"], openmoji_test, openmoji_groups)
    meta = [{"artist": artist, "name": i["name"], "emoji": i["emoji"], "group": g, "split": s,
             "has_lines": i["lines"] is not None} for i, g, s in zip(items, groups, splits)]
    (out / "items.json").write_text(json.dumps(meta))
    counts = {s: splits.count(s) for s in sorted(set(splits))}
    print(f"{artist}: {len(items)} items, {len(set(groups))} emoji groups, {counts} -> {out}", flush=True)
    return {"items": len(items), "groups": len(set(groups)), "splits": counts,
            "with_lines": sum(m["has_lines"] for m in meta)}


def openmoji_index() -> tuple[set[str], set[str], dict[str, str]]:
    """OpenMoji's held-out groups, all its groups, and CLDR-name slug -> hexcode (to name Fluent's files)."""
    with tempfile.TemporaryDirectory() as tmp:
        pkg = unpack(fetch("openmoji"), Path(tmp), ("package/black/svg/", "package/color/svg/", "package/data/openmoji.csv"))
        stems = [p["name"] for p in list_openmoji(pkg)]
        rows = list(csv.DictReader(open(pkg / "data" / "openmoji.csv", encoding="utf-8")))
    slugs = {}
    for r in rows:
        slugs.setdefault(slug(r["annotation"]), r["hexcode"])
    return openmoji_heldout(stems), {emoji_group(s) for s in stems}, slugs


def write_sources_table(stats: dict[str, dict], size: int) -> Path:
    lines = [f"# Colorizer data sources (rendered at {size} px)", "",
             "| artist | npm package | licence | source | line art | role | items | emoji groups | splits |",
             "|---|---|---|---|---|---|---|---|---|"]
    for artist, s in stats.items():
        a = ARTISTS[artist]
        lines.append(f"| {artist} | `{a['package']}` | {a['licence']} | {a['source']} | {a['lines']} | {a['role']} | "
                     f"{s['items']} | {s['groups']} | {s['splits']} |")
    lines += ["", "Derived line art for every artist: colour-region boundaries and XDoG (training/pix2pix/lineart.py).",
              "Held-out emoji (split 'test') share their emoji group across artists; skin tones stay together.",
              "Twemoji is evaluation-only; Noto is the held-out artist: never trained or tuned on."]
    path = pix2pix_dir() / "SOURCES.md"
    path.write_text("\n".join(lines) + "\n")
    (pix2pix_dir() / f"sources_{size}.json").write_text(json.dumps(stats, indent=2))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--artists", nargs="+", default=list(ARTISTS), choices=list(ARTISTS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("rsvg-convert") is None:
        raise SystemExit("rsvg-convert not found: apt-get install librsvg2-bin")
    openmoji_test, openmoji_groups, slugs = openmoji_index()
    stats_path = pix2pix_dir() / f"sources_{args.size}.json"
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}
    for artist in args.artists:
        stats[artist] = prepare(artist, args.size, args.workers, openmoji_test, openmoji_groups, slugs)
    print(f"sources table -> {write_sources_table({a: stats[a] for a in ARTISTS if a in stats}, args.size)}")


if __name__ == "__main__":
    main()
