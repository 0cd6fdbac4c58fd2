"""models.warmup: one background thread per process loads the named models; a page then finds them loaded."""
from __future__ import annotations

from models import loading, warmup


def test_warm_up_loads_models_once_in_the_background(monkeypatch):
    loading.unload_all()
    monkeypatch.setattr(warmup, "_started", None)
    thread = warmup.warm_in_background(("dcgan-mnist", "no-such-model"))
    assert warmup.warm_in_background(("infogan-mnist",)) is thread  # started once per process
    thread.join(120)
    assert not thread.is_alive()
    assert loading.is_loaded("dcgan-mnist")  # an unknown name is logged, the others still load
    assert not loading.is_loaded("infogan-mnist")
