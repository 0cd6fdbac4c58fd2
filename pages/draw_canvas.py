"""A freehand drawing canvas widget (not a page): black pen on white paper; returns the drawing as a PNG data URL.

Built on Streamlit's own `st.components.v2`, like pages/click_image.py. It replaces streamlit-drawable-canvas, whose
component data holds a dict (the Fabric.js drawing): Streamlit checks every non-basic component data value for
"dataframe-like" content, and that check imports pandas and pyarrow into the server for good (+62 MB, issue #23
item 8). Everything this widget sends to the browser is a str, int or bool, so nothing is imported.
What comes back is untrusted: the page decodes it with models.uploads.load_upload under the canvas's own size.
"""
from __future__ import annotations

import base64

import streamlit as st

_JS = """
export default function (component) {
    const { data, parentElement, setStateValue } = component;
    let canvas = parentElement.querySelector("canvas");
    if (!canvas) {
        canvas = document.createElement("canvas");
        canvas.className = "draw-canvas";
        canvas.width = data.width;
        canvas.height = data.height;
        canvas.setAttribute("aria-label", data.alt);
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        let down = false, last = null;
        const at = (e) => {
            const box = canvas.getBoundingClientRect();
            return [(e.clientX - box.left) * canvas.width / box.width, (e.clientY - box.top) * canvas.height / box.height];
        };
        const line = (a, b) => {
            ctx.strokeStyle = "#000000";
            ctx.lineWidth = canvas.pen;
            ctx.lineCap = "round";
            ctx.lineJoin = "round";
            ctx.beginPath();
            ctx.moveTo(a[0], a[1]);
            ctx.lineTo(b[0], b[1]);
            ctx.stroke();
        };
        canvas.addEventListener("pointerdown", (e) => {
            down = true;
            last = at(e);
            line(last, last);
            canvas.setPointerCapture(e.pointerId);
        });
        canvas.addEventListener("pointermove", (e) => {
            if (!down) return;
            const p = at(e);
            line(last, p);
            last = p;
        });
        const finish = () => {
            if (!down) return;
            down = false;
            canvas.send("png", canvas.toDataURL("image/png"));
        };
        canvas.addEventListener("pointerup", finish);
        canvas.addEventListener("pointercancel", finish);
        parentElement.appendChild(canvas);
    }
    canvas.send = setStateValue;  // the newest render's sender
    canvas.pen = data.pen;
}
"""
_CSS = ".draw-canvas { display: block; border: 1px solid #999; cursor: crosshair; touch-action: none; }"
_component = st.components.v2.component("gan_studio_draw_canvas", js=_JS, css=_CSS, isolate_styles=False)
PREFIX = "data:image/png;base64,"


def draw_canvas(width: int, height: int, pen: int, key: str, alt: str = "") -> bytes | None:
    """Show a width x height canvas; the PNG bytes of the drawing once the user has drawn, else None.

    The bytes are whatever the browser sent (at most server.maxWidgetStateSize): decode them as an upload."""
    result = _component(key=key, data={"width": int(width), "height": int(height), "pen": int(pen), "alt": str(alt)},
                        on_png_change=lambda: None)
    url = getattr(result, "png", None) if result is not None else None
    if not isinstance(url, str) or not url.startswith(PREFIX):
        return None
    try:
        return base64.b64decode(url[len(PREFIX):], validate=True)
    except ValueError:
        return None
