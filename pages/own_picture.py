"""The visitor's own picture (not a page): an Upload tab and a Draw tab (pages/draw_canvas.py), shared by the Latent
Explorer, its tools (pages/latent_tools.py) and the InfoGAN page (pages/infogan_own.py). Unreadable files get a
message naming them, never a traceback."""
from __future__ import annotations

import hashlib

import streamlit as st

from models.uploads import MAX_BYTES, UploadError, load_upload
from pages.draw_canvas import draw_canvas
from pages.plain import plain

CANVAS_SIZE = 280
UPLOAD_HELP = (f"Any size up to {MAX_BYTES // (1024 * 1024)} MB: a photo of a digit on paper, a scan or a screenshot. "
               "It is made MNIST-like first (greyscale, ink white on black, cropped and centred in 28x28).")


def read_upload(file):
    """One uploaded file as (id, PIL image), or None after an error naming the file."""
    data = file.getvalue()
    try:
        return "upload:" + hashlib.sha256(data).hexdigest()[:16], load_upload(data)
    except UploadError as err:
        st.error(f"**{plain(file.name, limit=80)}:** {plain(err)}")
        return None


def own_picture(prefix: str, what: str = "A digit or garment", draw_hint: str = "Draw one digit, large, with the "
                "mouse or a finger."):
    """The visitor's picture (upload under key PREFIX_upload, or a drawing under PREFIX_draw) as (id, PIL image)."""
    upload_tab, draw_tab = st.tabs(["Upload", "Draw"])
    with upload_tab:
        file = st.file_uploader(f"{what} (PNG, JPEG, WebP or BMP)", key=f"{prefix}_upload", help=UPLOAD_HELP)
        if file is not None:
            return read_upload(file)
    with draw_tab:
        png = draw_canvas(CANVAS_SIZE, CANVAS_SIZE, 18, key=f"{prefix}_draw", alt="Drawing canvas: draw a digit")
        if png is not None:
            try:  # untrusted browser data: decoded like an upload, no larger than the canvas
                drawing = load_upload(png, max_pixels=CANVAS_SIZE * CANVAS_SIZE, max_bytes=2 * 1024 * 1024)
            except UploadError as err:
                st.error(f"**The drawing could not be read:** {plain(err)}")
                return None
            return "draw:" + hashlib.sha256(drawing.tobytes()).hexdigest()[:16], drawing
        st.caption(draw_hint)
    return None


def uploaded_pictures(label: str, key: str, limit: int) -> list[tuple[str, object]]:
    """Several uploads (at most limit; the rest are named in a warning) as [(id, PIL image)]; bad files get errors."""
    files = st.file_uploader(label, key=key, accept_multiple_files=True, help=UPLOAD_HELP) or []
    if len(files) > limit:
        st.warning(f"Using the first {limit} pictures; left out: "
                   + plain(", ".join(f.name for f in files[limit:]), limit=300))
    return [picked for picked in (read_upload(f) for f in files[:limit]) if picked is not None]
