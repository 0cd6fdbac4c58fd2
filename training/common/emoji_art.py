"""Emoji colour art shared by the colorizer's and the emoji generator's data prep: the artists (npm package, licence,
role), the cached npm tarballs, SVG / PNG rendering on white, emoji ids grouped without skin tones, the by-emoji
held-out coin, the Noto item list, and loading an artist's rendered arrays (training.pix2pix.sources writes them).
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from training.common.paths import data_root

ARTISTS = {
    "openmoji": {"package": "openmoji@17.0.0", "tarball": "openmoji-17.0.0.tgz", "role": "train",
                 "licence": "CC BY-SA 4.0", "source": "OpenMoji (openmoji.org), HfG Schwäbisch Gmünd",
                 "lines": "artist's own black line art (black/svg)"},
    "fluent": {"package": "fluentui-emoji@1.3.0", "tarball": "fluentui-emoji-1.3.0.tgz", "role": "train",
               "licence": "MIT", "source": "Microsoft Fluent Emoji (npm repackaging by M. K. Abu Mattar, MIT)",
               "lines": "artist's own high-contrast monochrome version (icons/high-contrast); flat colour targets"},
    "noto": {"package": "emoji-datasource-google@16.0.0", "tarball": "emoji-datasource-google-16.0.0.tgz",
             "role": "heldout_artist", "licence": "Apache-2.0 (images); MIT (emoji-datasource)",
             "source": "Google Noto Color Emoji via iamcal/emoji-data", "lines": "derived from the colour art only"},
    "twemoji": {"package": "@twemoji/svg@15.0.0", "tarball": "twemoji-svg-15.0.0.tgz", "role": "eval_only",
                "licence": "CC BY 4.0 (graphics); MIT (package)", "source": "Twemoji (jdecked/twemoji)",
                "lines": "derived from the colour art only"},
}
EVAL_ONLY = ("twemoji",)  # reserved for evaluation: no training run reads it
SKIN_TONE = re.compile(r"-?1F3F[B-F]", re.I)
TEST_FRACTION = 0.1
SPLIT_SEED = 0


def src_dir() -> Path:
    return data_root() / "src"


def rendered_dir(artist: str, size: int) -> Path:
    """Where training.pix2pix.sources keeps an artist's renders (colour.npy, lines.npy, items.json)."""
    return data_root() / "pix2pix" / f"{artist}_{size}"


def emoji_group(code: str) -> str:
    """The emoji a code shows with skin tones and FE0F removed, upper-case: '1f44d-1f3fb' -> '1F44D'."""
    code = code.upper()
    code = SKIN_TONE.sub("", code)
    parts = [p for p in code.split("-") if p and p != "FE0F"]
    return "-".join(parts)


def has_skin_tone(code: str) -> bool:
    return bool(SKIN_TONE.search(code))


def hashed_test(group: str, fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED) -> bool:
    """A stable coin per group (same answer in every artist and every run)."""
    h = int(hashlib.sha1(f"{seed}:{group}".encode()).hexdigest()[:8], 16)
    return h / 16 ** 8 < fraction


def fetch(artist: str) -> Path:
    """The cached npm tarball of an artist (npm pack into a temp dir on first use)."""
    info = ARTISTS[artist]
    cache = src_dir() / info["tarball"]
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", info["package"], "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
            shutil.move(str(Path(tmp) / info["tarball"]), cache)
    return cache


def unpack(tarball: Path, work: Path, prefixes: tuple[str, ...]) -> Path:
    with tarfile.open(tarball) as tar:
        tar.extractall(work, members=[m for m in tar.getmembers() if m.name.startswith(prefixes)], filter="data")
    return work / "package"


def render_svg(svg: Path, size: int) -> np.ndarray:
    """(S, S, 3) uint8, the SVG rendered by rsvg-convert on white."""
    png = subprocess.run(["rsvg-convert", "-w", str(size), "-h", str(size), "-b", "white", str(svg)],
                         check=True, capture_output=True).stdout
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def on_white(image: Image.Image, size: int) -> np.ndarray:
    rgba = image.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))


def list_noto(pkg: Path) -> list[dict]:
    """Every Noto PNG of emoji-datasource-google (skin tones included): name, emoji id, colour path."""
    entries = json.loads((pkg / "emoji.json").read_text())
    items = []
    for e in entries:
        for v in [e, *(e.get("skin_variations") or {}).values()]:
            path = pkg / "img" / "google" / "64" / v["image"]
            if v.get("has_img_google", True) and path.exists():
                items.append({"name": v["image"][:-4], "emoji": v["unified"], "colour": path, "lines": None})
    return items


def load_artist(artist: str, size: int) -> dict:
    """colour (N, S, S, 3) and lines (N, S, S) as read-only memory maps, items (list of dicts)."""
    folder = rendered_dir(artist, size)
    if not (folder / "items.json").exists():
        raise SystemExit(f"{folder} missing: run `python -m training.pix2pix.sources --size {size}` first")
    return {"colour": np.load(folder / "colour.npy", mmap_mode="r"), "lines": np.load(folder / "lines.npy", mmap_mode="r"),
            "items": json.loads((folder / "items.json").read_text())}
