"""Shared page helpers: load a model with a download progress bar, show backend errors as friendly messages."""
from __future__ import annotations

import math

import streamlit as st

from models import registry, store
from models.loading import load_model
from pages.plain import plain, shorten


def run_through_app() -> None:
    """Call first on every page. After a server start, until some run of app.py has called st.navigation, Streamlit
    (1.67) still treats the app as an old-style "pages/ folder" app: a visitor whose first request is a deep link
    (/infogan_controls, a shared link) gets pages/<name>.py run on its own, without app.py's navigation and layout,
    and the sidebar lists every file in pages/. Its class-level flag is what decides; flip it as st.navigation would
    and rerun, so app.py runs and opens the same page. A no-op in every later run (and in AppTest)."""
    from streamlit.runtime.pages_manager import PagesManager
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


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
        st.error(f"**Model unavailable.** {plain(err, limit=1000)}")
        return None


def link_choice(params, name: str, options, default, bad: list[str]):
    """The link's value for name if it is one of options, else default (noting a malformed value in bad)."""
    if name not in params:
        return default
    if params[name] in options:
        return params[name]
    bad.append(f"{name}={shorten(repr(params[name]), 60)} (expected one of {', '.join(map(str, options))})")
    return default


def link_number(params, name: str, cast, low, high, default, bad: list[str]):
    """The link's value for name cast to int or float within [low, high] (floats rounded to 2 places), else default."""
    if name not in params:
        return default
    try:
        value = cast(params[name])
        ok = math.isfinite(value) and low <= value <= high
    except (TypeError, ValueError, OverflowError):
        ok = False
    if ok:
        return round(value, 2) if cast is float else value
    kind = "a whole number" if cast is int else "a number"
    bad.append(f"{name}={shorten(repr(params[name]), 60)} (expected {kind} from {low:g} to {high:g})")
    return default


def warn_ignored_params(problems: list[str]) -> None:
    """One warning naming the link parameters that were ignored; the values are the link's, so shown as plain text."""
    if problems:
        st.warning("Ignored malformed link parameters, using defaults for: " + plain("; ".join(problems), limit=2000))
