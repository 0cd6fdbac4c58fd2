"""Load any registered model by name, once per process (thread-safe), on the chosen device."""
from __future__ import annotations

import importlib
import threading

from models import registry
from models.device import pick_device
from models.store import Progress

# family -> "module:function"; the function takes (entry, device, progress) and returns a ready model object.
BUILDERS = {
    "dcgan": "models.dcgan:from_entry",
    "classifier": "models.classifier:from_entry",
    "infogan": "models.infogan:from_entry",
    "pix2pix": "models.pix2pix:from_entry",
    "wavenet": "models.wavenet:from_entry",
}

_loaded: dict[str, object] = {}
_lock = threading.Lock()


def load_model(name: str, progress: Progress | None = None):
    """The model object for a manifest name; raises UnknownModel or WeightError with a user-facing message."""
    with _lock:
        if name in _loaded:
            return _loaded[name]
        entry = registry.get(name)
        module_name, func_name = BUILDERS[entry.family].split(":")
        build = getattr(importlib.import_module(module_name), func_name)
        model = build(entry, pick_device(), progress)
        _loaded[name] = model
        return model


def unload_all() -> None:
    """Forget loaded models (tests use it to exercise loading again)."""
    with _lock:
        _loaded.clear()
