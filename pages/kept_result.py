"""What the picture pages keep of a result (not a page): a display-size PNG preview and the full size, in session
state under one key and tagged with what it was made from; the full-size PNG is made again by a deferred Download.

A closed session's pictures must not crowd a 512 MB server, so no page keeps a full-size result: the Sketch and
Photo Colorizers call `kept_preview` for what they show and `deferred_png` for their Download buttons."""
from __future__ import annotations

from collections.abc import Callable, Hashable

import streamlit as st
from PIL import Image

from models.imaging import png_bytes


def kept_preview(state_key: str, made_from: Hashable, make: Callable[[], Image.Image],
                 shown_size: Callable[[Image.Image], tuple[int, int]]) -> tuple[bytes, tuple[int, int]]:
    """(PNG at display size, full size) of make()'s picture, made only when what it is made from has changed; the
    old preview goes before the new one is made."""
    kept = st.session_state.get(state_key)
    if kept is not None and kept[0] == made_from:
        return kept[1], kept[2]
    st.session_state.pop(state_key, None)
    result = make()
    preview = png_bytes(result.resize(shown_size(result), Image.Resampling.LANCZOS))
    st.session_state[state_key] = (made_from, preview, result.size)
    return preview, result.size


def deferred_png(make: Callable[[], Image.Image]) -> Callable[[], bytes]:
    """A Download button's data: the full-size PNG, made when the file is asked for (st.download_button with a
    callable and on_click="ignore")."""
    return lambda: png_bytes(make())
