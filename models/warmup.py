"""Load the models visitors use most in a background thread, once per process, so the first slider move, upload or
melody after a server start does not wait for weights to be read and networks built.

Loading goes through models.loading (one instance per model per process), so a page asking for a model the warm-up
is still loading simply waits for it, and nothing is loaded twice. Failures are left for the page to report."""
from __future__ import annotations

import logging
import threading

from models.loading import load_model

WARM = ("dcgan-mnist", "infogan-mnist", "pix2pix-openmoji", "wavenet-instruments")  # each page's default model

_started: threading.Thread | None = None
_lock = threading.Lock()
log = logging.getLogger(__name__)


def _warm(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            model = load_model(name)
            prepare = getattr(model, "warm_up", None)  # e.g. the WaveNet's compiled sampling loop
            if prepare is not None:
                prepare()
        except Exception as err:  # noqa: BLE001 - the page that needs the model shows the error to its visitor
            log.warning("warm-up of %s failed: %s", name, err)


def warm_in_background(names: tuple[str, ...] = WARM) -> threading.Thread:
    """Start the warm-up thread unless it has started in this process already; returns it."""
    global _started
    with _lock:
        if _started is None:
            _started = threading.Thread(target=_warm, args=(tuple(names),), name="gan-studio-warm-up", daemon=True)
            _started.start()
        return _started
