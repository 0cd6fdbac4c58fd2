"""The exported browser generators as the app sees them: the manifest's "browser" section (file, bytes, sha256, the
weights it was exported from, its inputs) and a verified path under static/live/. Nothing here imports onnx or
onnxruntime: the server never runs these graphs, it only serves them."""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

from models.registry import MANIFEST_PATH

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"  # Streamlit serves it at /app/static/ (server.enableStaticServing)
LIVE_DIR = STATIC_DIR / "live"
ORT_DIR = STATIC_DIR / "onnxruntime-web"  # bin/fetch-onnxruntime-web puts the npm package's files here
ORT_FILES = ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm")
SECTION = "browser"


def records(path: Path = MANIFEST_PATH) -> dict[str, dict]:
    """model name -> its browser record ({} when the manifest has none)."""
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text()).get(SECTION, {}))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=16)
def _verified(path: str, size: int, digest: str, mtime: float) -> bool:
    p = Path(path)
    return p.is_file() and p.stat().st_size == size and sha256(p) == digest


def live_record(name: str, weights_sha256: str | None = None) -> dict | None:
    """The browser record of a model if its ONNX file is here, matches its hash and (given weights_sha256) was
    exported from those weights; else None (the page then keeps the server path)."""
    record = records().get(name)
    if not record:
        return None
    path = LIVE_DIR / record["file"]
    if not path.is_file():
        return None
    if weights_sha256 is not None and record.get("weights_sha256") != weights_sha256:
        return None
    if not _verified(str(path), int(record["bytes"]), record["sha256"], path.stat().st_mtime):
        return None
    return record


def runtime_present() -> bool:
    """True when ONNX Runtime Web's files are in static/onnxruntime-web/ (see bin/fetch-onnxruntime-web)."""
    return all((ORT_DIR / name).is_file() for name in ORT_FILES)
