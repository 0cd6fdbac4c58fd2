"""Ship a trained model: write its safetensors file into models/weights and record it in models/manifest.json."""
from __future__ import annotations

import hashlib
import json

import filelock
import torch

from models.registry import MANIFEST_PATH, SHIPPED_DIR
from models.weights_io import save


def publish(name: str, family: str, tensors: dict[str, torch.Tensor], *, title: str, description: str, config: dict,
            licence: str, data: str, metrics: dict | None = None, dtype: torch.dtype | None = None) -> dict:
    """Save the weights and add or replace the manifest entry; metrics recorded earlier are kept unless given."""
    file = f"{name}.safetensors"
    path = SHIPPED_DIR / file
    save(tensors, path, config, dtype=dtype)
    blob = path.read_bytes()
    entry = {"family": family, "title": title, "description": description, "file": file, "bytes": len(blob),
             "sha256": hashlib.sha256(blob).hexdigest(), "licence": licence, "data": data, "config": config}
    with filelock.FileLock(str(MANIFEST_PATH) + ".lock"):
        manifest = json.loads(MANIFEST_PATH.read_text()) if MANIFEST_PATH.exists() else {"models": {}}
        old = manifest["models"].get(name, {})
        entry["metrics"] = metrics if metrics is not None else old.get("metrics", {})
        manifest["models"][name] = entry
        MANIFEST_PATH.write_text(json.dumps(manifest, indent=2) + "\n")
    return entry


def record_metrics(name: str, metrics: dict) -> None:
    """Merge evaluation figures into a model's manifest entry (what its card reports)."""
    with filelock.FileLock(str(MANIFEST_PATH) + ".lock"):
        manifest = json.loads(MANIFEST_PATH.read_text())
        manifest["models"][name].setdefault("metrics", {}).update(metrics)
        MANIFEST_PATH.write_text(json.dumps(manifest, indent=2) + "\n")
