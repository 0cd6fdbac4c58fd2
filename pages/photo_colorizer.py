"""Photo Colorizer page: upload a black-and-white photograph (or pick a historical one), see it coloured beside the
grey input, click it to give colour hints ("this coat is red"), download the PNG. The model and its maths live in
models/photo/; the hints are the Sketch Colorizer's (pages/hint_editor.py, session keys photo_hints, photo_colour)."""
from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import streamlit as st
from PIL import Image

from models.imaging import display_size, png_bytes
from models.inference_queue import QueueFull, QueueTimeout, queue_for
from models.uploads import MAX_BYTES, UploadError, load_upload
from pages.common import get_model, warn_ignored_params
from pages.hint_editor import HintEditor
from pages.kept_result import deferred_png, kept_preview
from pages.plain import plain

MODEL_NAME = "photo-colorizer"
GALLERY_DIR = Path(__file__).with_name("samples") / "photo"
SOURCES = ["Gallery", "Upload"]
HINTS = HintEditor("photo", "photo")

st.title("📷 Photo Colorizer")
st.write("A small GAN guesses the colours of a black-and-white photograph. It predicts colour (Lab a, b) from "
         "lightness at 256 px and keeps your photo's own full-size lightness, so every detail and the exact size stay.")
st.info("What a small-data model can do: it learned from about 140 colour photos that ship in Linux and Python "
        "packages (landscapes, animals, monuments), so it paints skies, foliage, water and earth plausibly and is "
        "often muted or wrong on clothes, faces and objects whose colour the lightness cannot tell. Colour uploads "
        "are turned grey first; sepia scans work.")


@st.cache_data(show_spinner=False)
def gallery() -> dict[str, dict]:
    try:
        meta = json.loads((GALLERY_DIR / "samples.json").read_text())
    except (OSError, ValueError):
        return {}
    return {name: info for name, info in meta.items() if (GALLERY_DIR / name).is_file()}


DISPLAY_BOX = (480, 480)  # each picture on screen fits this box, its aspect kept


def colorize(colorizer, grey_png: bytes, hints: list[dict]) -> Image.Image:
    """The photo coloured at its full size, in its turn: past MAX_WAITING the visitor is told to try again."""
    with queue_for(MODEL_NAME).turn():
        return colorizer.colorize(Image.open(io.BytesIO(grey_png)), hints if colorizer.takes_hints else None)


def shown_size(image: Image.Image) -> tuple[int, int]:
    return display_size(image.width, image.height, *DISPLAY_BOX)


def shown(image: Image.Image) -> Image.Image:
    return image.resize(shown_size(image), Image.Resampling.LANCZOS)


def remember(source_id: str, image: Image.Image) -> None:
    """Keep the current photo as the model reads it (a greyscale PNG); a new photo drops the old result and hints."""
    if st.session_state.get("photo_source_id") != source_id:
        st.session_state.photo_source_id = source_id
        st.session_state.photo_grey = png_bytes(image.convert("L"))
        st.session_state.photo_hints = []
        st.session_state.pop("photo_result", None)


def preview(colorizer) -> tuple[bytes, tuple[int, int]]:
    """(the coloured photo at display size as PNG, its full size), kept per session with the grey photo."""
    grey, hints = st.session_state.photo_grey, HINTS.hints
    return kept_preview("photo_result", (st.session_state.photo_source_id, json.dumps(hints)),
                        lambda: colorize(colorizer, grey, hints), shown_size)


def full_size_png(colorizer, grey_png: bytes, hints: list[dict]):
    """The Download button's data: the full-size photo, coloured when the file is asked for."""
    hints = [dict(h) for h in hints]
    return deferred_png(lambda: colorize(colorizer, grey_png, hints))


source = st.radio("Photo", SOURCES, horizontal=True, key="photo_source")
image, label = None, None
if source == "Gallery":
    items = gallery()
    if not items:
        st.warning("The gallery is empty here: run `python -m training.photo.gallery`, or upload a photo.")
    else:
        linked = st.query_params.get("photo")  # the gallery pick travels in the link: /photo_colorizer?photo=NAME
        if linked is not None and linked not in items:
            warn_ignored_params([f"photo (no gallery photo called '{linked[:80]}')"])
            linked = None
        names = list(items)
        name = st.selectbox("Historical photograph", names, index=names.index(linked) if linked else 0,
                            format_func=lambda n: items[n]["label"])
        st.query_params["photo"] = name
        image, label = Image.open(GALLERY_DIR / name).convert("RGB"), name
        source_id = "gallery:" + name
        st.caption(f"{items[name]['label']} · {items[name]['licence']} · npm {items[name]['package']}")
else:
    file = st.file_uploader("Upload a photo (PNG, JPEG, WebP or BMP)", key="photo_upload",
                            help=f"At most {MAX_BYTES // (1024 * 1024)} MB.")
    if file is not None:
        try:
            data = file.getvalue()
            image, label = load_upload(data), file.name
            source_id = "upload:" + hashlib.sha256(data).hexdigest()[:16]
        except UploadError as err:
            st.error(f"**{plain(file.name, limit=80)}:** {plain(err)}")

if image is not None:
    remember(source_id, image)
    colorizer = get_model(MODEL_NAME)
    if colorizer is not None:
        try:
            coloured, (width, height) = preview(colorizer)
        except (QueueFull, QueueTimeout) as err:
            st.warning(plain(err))
            st.stop()
        left, right = st.columns(2)
        grey = Image.open(io.BytesIO(st.session_state.photo_grey))
        with left:
            if colorizer.takes_hints:
                st.caption("Input (grey): click it to say what colour a place should be.")
                HINTS.clickable(grey, shown_size(grey))
                HINTS.colour_controls()
                HINTS.panel(grey)
            else:
                st.image(shown(grey), caption="Input (grey)", width="stretch")
        right.image(coloured, caption=f"Coloured ({width} x {height} px, your photo's size)", width="stretch")
        if image.mode == "RGB" and source == "Upload":
            st.image(shown(image), caption="Your upload as it was (for comparison)", width=320)
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(label).stem)[:60].strip("-") or "photo"
        # deferred: coloured at full size when clicked, not kept in the media store for the session's life
        st.download_button("Download PNG", full_size_png(colorizer, st.session_state.photo_grey, HINTS.hints),
                           file_name=f"{stem}-colour.png", mime="image/png", on_click="ignore")
