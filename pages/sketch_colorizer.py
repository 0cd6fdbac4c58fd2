"""Sketch Colorizer page: upload (or pick, or draw) a line drawing, click to add colour hints, get it colored by pix2pix.

Per session the page keeps the current sketch as a greyscale PNG (`p2p_png`), its hints and a display-size preview
of the result (`p2p_result`); the full-size picture and its fill layer are made only when a Download is clicked.
Each source (Upload, Samples, Draw) keeps its own sketch while another one is shown (`p2p_kept`), so switching back
and forth loses nothing; at most one upload per session is kept. Hints: pages/hint_editor.py."""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import streamlit as st
from PIL import Image

from models.imaging import display_size, png_bytes
from models.inference_queue import QueueFull, QueueTimeout, queue_for
from models.pix2pix.line_art import line_art_problem
from models.uploads import MAX_BYTES, UploadError, load_upload
from pages.common import get_model
from pages.draw_canvas import draw_canvas
from pages.hint_editor import HintEditor
from pages.kept_result import deferred_png, kept_preview
from pages.plain import plain
from pages.scroll_here import scroll_here


MODEL_NAME = "pix2pix-openmoji"
SAMPLES_DIR = Path(__file__).with_name("samples")
DISPLAY_WIDTH = 384
DISPLAY_MAX_HEIGHT = 512  # with the width, the box every picture is shown in (its aspect kept)
DISPLAY_MIN_SIDE = 256  # small sketches are enlarged until their longer side is this, never past the box
SOURCES = ["Upload", "Samples", "Draw"]
SOURCE_KIND = {"Upload": "upload", "Samples": "sample", "Draw": "draw"}  # tab -> prefix of its sketches' ids
SKETCH_KEYS = ("p2p_source_id", "p2p_png", "p2p_result", "p2p_hints", "p2p_notice")  # one sketch and its result
HINTS = HintEditor("p2p", "sketch")  # p2p_hints, p2p_colour, ... (pages/hint_editor.py)

st.title("🖍️ Sketch Colorizer")
st.write("A pix2pix GAN colors black-on-white line drawings. It learned from OpenMoji emoji, so bold, closed "
         "outlines work best. Click on your sketch to place colour hints that steer it.")


@st.cache_data(show_spinner=False)
def sample_catalogue() -> dict[str, str]:
    """file name -> label of the sample sketches (held-out OpenMoji line art, never trained on)."""
    try:
        meta = json.loads((SAMPLES_DIR / "samples.json").read_text())
    except (OSError, ValueError):
        return {}
    return {name: info["label"] for name, info in meta.items() if (SAMPLES_DIR / name).is_file()}


def colorize(colorizer, sketch_png: bytes, hints: list[dict], layer: bool = False) -> Image.Image:
    """The sketch colored at its full size (layer: its fill layer, the colours without lines), in its turn: past
    MAX_WAITING the visitor is told to try again."""
    with queue_for(MODEL_NAME).turn():
        sketch = Image.open(io.BytesIO(sketch_png))
        return colorizer.fill_layer(sketch, hints) if layer else colorizer.colorize(sketch, hints)


def colorized_preview(colorizer) -> tuple[bytes, tuple[int, int]]:
    """The current sketch colored with the current hints: (PNG at display size, full size), kept per session."""
    png, hints = st.session_state.p2p_png, st.session_state.p2p_hints
    return kept_preview("p2p_result", (st.session_state.p2p_source_id, json.dumps(hints)),
                        lambda: colorize(colorizer, png, hints), shown_size)


def full_size_png(colorizer, sketch_png: bytes, hints: list[dict], layer: bool = False):
    """A Download button's data: the full-size picture (or its fill layer), colored when the file is asked for."""
    hints = [dict(h) for h in hints]
    return deferred_png(lambda: colorize(colorizer, sketch_png, hints, layer))


def set_source(source_id: str, image: Image.Image) -> None:
    """Make image the current sketch; hints belong to one sketch, so a new one clears them."""
    if st.session_state.get("p2p_source_id") != source_id:
        st.session_state.p2p_source_id = source_id
        st.session_state.p2p_notice = None
        st.session_state.p2p_png = png_bytes(image.convert("L"))  # what the model reads: a third of an RGB PNG
        st.session_state.pop("p2p_result", None)
        st.session_state.p2p_hints = []


def forget_source() -> None:
    for key in ("p2p_source_id", "p2p_png", "p2p_result"):
        st.session_state.pop(key, None)


def switch_source() -> None:
    """The source radio's callback: the tab left keeps its sketch, the tab chosen gets back the one it had."""
    kept = st.session_state.setdefault("p2p_kept", {})
    current = st.session_state.get("p2p_source_id", "")
    if current:
        kept[current.split(":", 1)[0]] = {k: st.session_state[k] for k in SKETCH_KEYS if k in st.session_state}
    for key in SKETCH_KEYS:
        st.session_state.pop(key, None)
    st.session_state.update(kept.pop(SOURCE_KIND[st.session_state.p2p_source], {}))


def upload_cleared() -> None:
    """The uploader's callback: when the visitor removes the file, its sketch goes too."""
    if st.session_state.get("p2p_upload") is None and st.session_state.get("p2p_source_id", "").startswith("upload:"):
        forget_source()


def upload_source() -> None:
    file = st.file_uploader("Upload a line drawing (PNG, JPEG, WebP or BMP)", key="p2p_upload",
                            help=f"Dark lines on light paper; at most {MAX_BYTES // (1024 * 1024)} MB.",
                            on_change=upload_cleared)
    if file is None:  # the uploader is empty after a switch of tabs: the upload from before stays
        if st.session_state.get("p2p_source_id", "").startswith("upload:"):
            st.caption("Your earlier upload is below; upload another file to replace it.")
        return
    data = file.getvalue()
    source_id = "upload:" + hashlib.sha256(data).hexdigest()[:16]
    if st.session_state.get("p2p_source_id") == source_id:
        return
    try:
        image = load_upload(data)
        set_source(source_id, image)
        st.session_state.p2p_notice = line_art_problem(image)  # shown beside the result, which is still made
    except UploadError as err:
        st.error(f"**{plain(file.name, limit=80)}:** {plain(err)}")
        forget_source()


def use_sample(name: str) -> None:
    """A "Use" button's callback: runs before the page, so the page is laid out with the result on top."""
    set_source("sample:" + name, Image.open(SAMPLES_DIR / name))
    st.query_params["sample"] = name
    st.session_state.p2p_scroll = True  # the gallery was scrolled to: bring the result into view


def sample_gallery() -> None:
    catalogue = sample_catalogue()
    if not catalogue:
        st.info("No sample sketches are installed.")
        return
    st.caption("Held-out OpenMoji line art (the model never saw these). OpenMoji, CC BY-SA 4.0, openmoji.org.")
    cols = st.columns(4)
    for i, (name, label) in enumerate(catalogue.items()):
        with cols[i % 4]:
            st.image(str(SAMPLES_DIR / name), caption=label, width=96)
            st.button("Use", key=f"p2p_sample_{name}", help=f"Colorize '{label}'", on_click=use_sample, args=(name,))


CANVAS_SIZE = 320


def draw_source() -> None:
    """A freehand canvas (pages/draw_canvas.py: no pandas or pyarrow in the server); the drawing becomes the sketch."""
    a, b = st.columns([3, 1])
    stroke = a.slider("Pen width", 1, 12, 4, key="p2p_pen")
    if b.button("Clear drawing", key="p2p_draw_clear"):
        st.session_state.p2p_draw_n = st.session_state.get("p2p_draw_n", 0) + 1
    png = draw_canvas(CANVAS_SIZE, CANVAS_SIZE, stroke, key=f"p2p_draw_{st.session_state.get('p2p_draw_n', 0)}",
                      alt="Drawing canvas: draw your sketch with the mouse or a finger")
    if png is None:
        st.caption("Draw with the mouse, then add hints below.")
        return
    try:  # what the browser sent is untrusted: decoded like an upload, no larger than the canvas
        drawing = load_upload(png, max_pixels=CANVAS_SIZE * CANVAS_SIZE, max_bytes=2 * 1024 * 1024).convert("L")
    except UploadError as err:
        st.error(f"**The drawing could not be read:** {plain(err)}")
        return
    set_source("draw:" + hashlib.sha256(drawing.tobytes()).hexdigest()[:16], drawing)


def shown_size(image: Image.Image) -> tuple[int, int]:
    """The sketch's (and the result's) on-screen size: from its aspect, inside the display box."""
    return display_size(image.width, image.height, DISPLAY_WIDTH, DISPLAY_MAX_HEIGHT, DISPLAY_MIN_SIDE)


query_sample = st.query_params.get("sample")
if query_sample is not None and query_sample not in sample_catalogue():
    st.warning(f"There is no sample sketch called '{plain(query_sample, limit=80)}'; showing the page without it.")
    query_sample = None
source = st.radio("Sketch from", SOURCES, index=1 if query_sample else 0, horizontal=True, key="p2p_source",
                  label_visibility="collapsed", on_change=switch_source)
if source == "Samples" and query_sample and not st.session_state.get("p2p_source_id", "").startswith("sample:"):
    set_source("sample:" + query_sample, Image.open(SAMPLES_DIR / query_sample))
gallery_below = source == "Samples" and st.session_state.get("p2p_source_id", "").startswith("sample:")
if source == "Upload":
    upload_source()
elif source == "Samples" and not gallery_below:
    sample_gallery()
elif source == "Draw":
    draw_source()

if "p2p_png" in st.session_state:
    colorizer = get_model(MODEL_NAME)
    sketch = Image.open(io.BytesIO(st.session_state.p2p_png))
    if st.session_state.pop("p2p_scroll", False):
        scroll_here(st.session_state.p2p_source_id)
    left, right = st.columns(2)
    with left:
        st.subheader("Your sketch")
        HINTS.clickable(sketch, shown_size(sketch))
        HINTS.colour_controls()
        HINTS.panel(sketch.size)
    with right:
        st.subheader("Colored")
        if st.session_state.get("p2p_notice"):
            st.warning(st.session_state.p2p_notice)
        if colorizer is not None:
            try:
                with st.spinner("Coloring..."):
                    preview, (width, height) = colorized_preview(colorizer)
            except (QueueFull, QueueTimeout) as err:
                st.warning(plain(err))
                st.stop()
            st.image(preview)
            st.caption(f"{width} x {height} px, same as your sketch.")
            sketch_png, hints = st.session_state.p2p_png, st.session_state.p2p_hints
            st.download_button("Download PNG", full_size_png(colorizer, sketch_png, hints),
                               file_name="colored.png", mime="image/png", key="p2p_download", on_click="ignore")
            st.download_button("Download fill layer (PNG)", full_size_png(colorizer, sketch_png, hints, layer=True),
                               file_name="colored_fill.png", mime="image/png", key="p2p_download_layer",
                               on_click="ignore", help="The flat colours without your lines, for a paint program: "
                               "put it under the line art (multiply).")
else:
    st.info("Upload a line drawing, pick a sample, or draw one to start.")
if gallery_below:
    st.divider()
    st.subheader("More samples")
    sample_gallery()
