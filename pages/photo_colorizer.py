"""Photo Colorizer page: upload a black-and-white photograph (or pick a historical one), see it coloured beside the
grey input, download the PNG. The model and its maths live in models/photo/."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import streamlit as st
from PIL import Image

from models.imaging import png_bytes
from models.inference_queue import QueueFull, QueueTimeout, queue_for
from models.uploads import MAX_BYTES, UploadError, load_upload
from pages.common import get_model
from pages.plain import plain

MODEL_NAME = "photo-colorizer"
GALLERY_DIR = Path(__file__).with_name("samples") / "photo"
SOURCES = ["Gallery", "Upload"]

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


@st.cache_data(show_spinner=False, max_entries=32)
def colorize_png(_colorizer, source_png: bytes) -> bytes:
    image = Image.open(io.BytesIO(source_png))
    with queue_for(MODEL_NAME).turn():
        return png_bytes(_colorizer.colorize(image))


source = st.radio("Photo", SOURCES, horizontal=True, key="photo_source")
image, label = None, None
if source == "Gallery":
    items = gallery()
    if not items:
        st.warning("The gallery is empty here: run `python -m training.photo.gallery`, or upload a photo.")
    else:
        name = st.selectbox("Historical photograph", list(items), format_func=lambda n: items[n]["label"])
        image, label = Image.open(GALLERY_DIR / name).convert("RGB"), name
        st.caption(f"{items[name]['label']} · {items[name]['licence']} · npm {items[name]['package']}")
else:
    file = st.file_uploader("Upload a photo (PNG, JPEG, WebP or BMP)", key="photo_upload",
                            help=f"At most {MAX_BYTES // (1024 * 1024)} MB.")
    if file is not None:
        try:
            image, label = load_upload(file.getvalue()), file.name
        except UploadError as err:
            st.error(f"**{plain(file.name, limit=80)}:** {plain(err)}")

if image is not None:
    colorizer = get_model(MODEL_NAME)
    if colorizer is not None:
        try:
            result = colorize_png(colorizer, png_bytes(image))
        except (QueueFull, QueueTimeout) as err:
            st.warning(plain(err))
            result = None
        if result is not None:
            st.session_state.photo_result = result
            left, right = st.columns(2)
            left.image(image.convert("L"), caption="Input (grey)", width="stretch")
            right.image(result, caption="Coloured", width="stretch")
            if image.mode == "RGB" and source == "Upload":
                st.image(image, caption="Your upload as it was (for comparison)", width=320)
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(label).stem)[:60].strip("-") or "photo"
            st.download_button("Download PNG", result, file_name=f"{stem}-colour.png",
                               mime="image/png")
