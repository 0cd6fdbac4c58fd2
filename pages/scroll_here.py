"""A scroll-to-here widget (not a page): placed above a part of the page, it scrolls that part to the top of the
window once, in the run it is shown in (e.g. the colorizer's result after "Use" on a sample further down).

Built on `st.components.v2` like pages/click_image.py (inline JS, no iframe, no pyarrow). It renders an empty
element; the browser scrolls to it when it first appears with a new token.
"""
from __future__ import annotations

import streamlit as st

_JS = """
export default function (component) {
    const { data, parentElement } = component;
    if (data.token && parentElement.dataset.scrolledFor !== data.token) {
        parentElement.dataset.scrolledFor = data.token;
        requestAnimationFrame(() => parentElement.scrollIntoView({ block: "start" }));
    }
}
"""
_component = st.components.v2.component("gan_studio_scroll_here", js=_JS)


def scroll_here(token: str) -> None:
    """Scroll the window so that what follows this call starts at its top (once per token)."""
    _component(key=f"scroll_here_{token}", data={"token": token})
