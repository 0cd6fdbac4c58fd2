"""Load any registered model by name, once per process (thread-safe), on the chosen device.

`load_model(name, progress)` is the one call a page or script makes: it looks the entry up, fetches and verifies
the weights (reporting download progress), builds the family's model and keeps it for the next caller."""
from __future__ import annotations

import threading

from models import families, registry
from models.device import pick_device
from models.store import Progress

_loaded: dict[str, object] = {}
_lock = threading.Lock()  # guards the two dicts
_name_locks: dict[str, threading.Lock] = {}  # one per model: a download of one never blocks loading another


def load_model(name: str, progress: Progress | None = None):
    """The model object for a manifest name; raises UnknownModel or WeightError with a user-facing message.
    progress(done, total) is called while its weights download (not when they are already here)."""
    with _lock:
        if name in _loaded:
            return _loaded[name]
        name_lock = _name_locks.setdefault(name, threading.Lock())
    with name_lock:
        with _lock:
            if name in _loaded:
                return _loaded[name]
        entry = registry.get(name)
        model = families.package(entry.family).from_entry(entry, pick_device(), progress)
        with _lock:
            _loaded[name] = model
        return model


def is_loaded(name: str) -> bool:
    with _lock:
        return name in _loaded


def unload_all() -> None:
    """Forget loaded models (tests use it to exercise loading again)."""
    with _lock:
        _loaded.clear()
