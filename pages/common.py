"""Shared page helpers: load a model with a download progress bar, show backend errors as friendly messages."""
from __future__ import annotations

import streamlit as st

from models import registry, store
from models.loading import load_model


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_model(name: str):
    return load_model(name)


def get_model(name: str):
    """The loaded model, or None after showing an error. Downloads (uncached) show st.progress with MB done/total."""
    try:
        entry = registry.get(name)
        if store.locate(entry) is None:
            bar = st.progress(0.0, text=f"Fetching weights for {entry.title}...")

            def report(done: int, total: int | None) -> None:
                frac = min(done / total, 1.0) if total else 0.0
                total_txt = f"{total / 1e6:.1f} MB" if total else "? MB"
                bar.progress(frac, text=f"Downloading {entry.file}: {done / 1e6:.1f} MB of {total_txt}")

            store.weight_path(entry, progress=report)
            bar.empty()
        return _cached_model(name)
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        st.error(f"**Model unavailable.** {err}")
        return None
