"""A scroll-to-here widget (not a page): placed above a part of the page, it scrolls that part to the top of the
window, in the run it is shown in, and keeps it there while the page settles (until the visitor scrolls) (e.g. the colorizer's result after "Use" on a sample further down).

Built on `st.components.v2` like pages/click_image.py (inline JS, no iframe, no pyarrow). It renders an empty
element; the browser scrolls to it when it first appears with a new token.
"""
from __future__ import annotations

import streamlit as st

_JS = """
export default function (component) {
    const { data, parentElement } = component;
    if (!data.token || parentElement.dataset.scrolledFor === data.token) return;
    parentElement.dataset.scrolledFor = data.token;
    // The page keeps changing for a while after this first appears (the rest of the run replaces stale elements
    // above it, pictures load), so keep it at the top for a few seconds, until the visitor scrolls or presses a key.
    const until = Date.now() + 15000;
    let ours = false, stopped = false;
    const stop = () => { stopped = true; };
    const onScroll = () => { if (ours) { ours = false; } else { stop(); } };
    for (const kind of ["wheel", "touchmove", "keydown", "pointerdown"]) {
        window.addEventListener(kind, stop, { once: true, passive: true });
    }
    window.addEventListener("scroll", onScroll, { passive: true, capture: true });
    const keep = () => {
        if (stopped || Date.now() > until || !parentElement.isConnected) {
            window.removeEventListener("scroll", onScroll, { capture: true });
            return;
        }
        if (Math.abs(parentElement.getBoundingClientRect().top) > 2) {
            ours = true;
            parentElement.scrollIntoView({ block: "start" });
        }
        setTimeout(keep, 150);
    };
    requestAnimationFrame(keep);
}
"""
_component = st.components.v2.component("gan_studio_scroll_here", js=_JS)


def scroll_here(token: str) -> None:
    """Scroll the window so that what follows this call starts at its top (once per token)."""
    _component(key=f"scroll_here_{token}", data={"token": token})
