"""The model registry: one entry per shipped model in models/manifest.json (file, size, sha256, licence, data, metrics)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST_PATH = Path(__file__).with_name("manifest.json")
SHIPPED_DIR = Path(__file__).with_name("weights")


class UnknownModel(KeyError):
    """Raised for a model name that the manifest does not list."""

    def __str__(self) -> str:
        return self.args[0]


@dataclass(frozen=True)
class ModelEntry:
    name: str
    family: str
    title: str
    description: str
    file: str
    bytes: int
    sha256: str
    licence: str
    data: str
    config: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    url: str | None = None  # full URL; else the base URL + file name


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, ModelEntry]:
    """All manifest entries by name, in manifest order."""
    if not path.exists():
        return {}
    raw = json.loads(path.read_text())
    return {name: ModelEntry(name=name, **fields) for name, fields in raw.get("models", {}).items()}


def get(name: str, path: Path = MANIFEST_PATH) -> ModelEntry:
    entries = load_manifest(path)
    if name not in entries:
        known = ", ".join(entries) or "none"
        raise UnknownModel(f"Unknown model '{name}'. Known models: {known}.")
    return entries[name]


def by_family(family: str, path: Path = MANIFEST_PATH) -> list[ModelEntry]:
    return [e for e in load_manifest(path).values() if e.family == family]
