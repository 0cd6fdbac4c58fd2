"""Shared page helpers: load a model with a download progress bar, read link parameters, show backend errors as
friendly messages."""
from __future__ import annotations

import math

import streamlit as st

from models import registry, store
from models.loading import is_loaded, load_model
from pages.plain import plain, shorten


class _DownloadBar:
    """A download progress callback that draws st.progress (MB done of MB total) only once bytes actually move."""

    def __init__(self, title: str):
        self.title, self.bar = title, None

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            self.bar = st.progress(0.0, text=f"Fetching weights for {self.title}...")
        frac = min(done / total, 1.0) if total else 0.0
        total_txt = f"{total / 1e6:.1f} MB" if total else "? MB"
        self.bar.progress(frac, text=f"Downloading {self.title}: {done / 1e6:.1f} MB of {total_txt}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.empty()


def get_model(name: str):
    """The loaded model, or None after showing an error. The backend keeps one instance per process for every
    session (models.loading, thread-safe), so no st.cache_resource here: a visitor's "clear cache" cannot drop it."""
    bar = _DownloadBar(name)
    try:
        if is_loaded(name):
            return load_model(name)
        with st.spinner(f"Loading the {name} model (its first use since the server started)..."):
            return load_model(name, progress=bar)
    except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
        st.error(f"**Model unavailable.** {plain(err, limit=1000)}")
        return None
    finally:
        bar.close()


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
    kind, shown = ("a whole number", "{:,}") if cast is int else ("a number", "{:g}")
    bad.append(f"{name}={shorten(repr(params[name]), 60)} (expected {kind} from {shown.format(low)} to "
               f"{shown.format(high)})")
    return default


def warn_ignored_params(problems: list[str]) -> None:
    """One warning naming the link parameters that were ignored; the values are the link's, so shown as plain text."""
    if problems:
        st.warning("Ignored malformed link parameters, using defaults for: " + plain("; ".join(problems), limit=2000))


def link_latent(params, name: str, parse, default, bad: list[str]):
    """The link's latent for name read by parse (text -> tensor, ValueError saying why), else default (noted in bad)."""
    if name not in params:
        return default
    try:
        return parse(params[name])
    except ValueError as err:
        bad.append(f"{name}={shorten(repr(params[name]), 60)} ({err})")
        return default
