"""A clickable image widget (not a page): shows a picture and returns where the user clicked, in picture pixels.

Built on Streamlit's own `st.components.v2` (inline JS in the page, no iframe) rather than a v1 custom component
such as streamlit-image-coordinates: any v1 component makes Streamlit import pyarrow (~40 MB of server memory, of
the 512 MB the app runs in), and v1 iframes do not receive automated browser clicks (the e2e tests click).
"""
from __future__ import annotations

import base64

import streamlit as st
from PIL import Image

from models.imaging import png_bytes

_JS = """
export default function (component) {
    const { data, parentElement, setTriggerValue } = component;
    let img = parentElement.querySelector("img");
    if (!img) {
        img = document.createElement("img");
        img.className = "click-image";
        img.addEventListener("click", (event) => {
            const box = img.getBoundingClientRect();
            img.sendClick("click", {
                x: event.clientX - box.left, y: event.clientY - box.top, width: box.width, height: box.height,
            });
        });
        parentElement.appendChild(img);
    }
    img.sendClick = setTriggerValue;  // the newest render's sender
    img.src = data.src;
    img.alt = data.alt;
    img.style.width = data.width + "px";
}
"""
_CSS = ".click-image { display: block; max-width: 100%; height: auto; cursor: crosshair; }"
_component = st.components.v2.component("gan_studio_click_image", js=_JS, css=_CSS, isolate_styles=False)


def click_image(image: Image.Image, width: int, key: str, alt: str = "") -> tuple[float, float] | None:
    """Show image at `width` CSS pixels; on the run after a click, the click point in image pixels, else None."""
    src = "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")
    result = _component(key=key, data={"src": src, "width": width, "alt": alt}, on_click_change=lambda: None)
    click = getattr(result, "click", None) if result is not None else None
    if not isinstance(click, dict):
        return None
    try:
        scale_x = image.width / max(float(click["width"]), 1.0)
        scale_y = image.height / max(float(click["height"]), 1.0)
        x, y = float(click["x"]) * scale_x, float(click["y"]) * scale_y
    except (KeyError, TypeError, ValueError):
        return None
    if not (0 <= x <= image.width and 0 <= y <= image.height):
        return None
    return x, y
