"""Photo Colorizer page: upload a black-and-white photograph (or pick a historical one), see it coloured beside the
grey input, click it to give colour hints ("this coat is red"), download the PNG. The model and its maths live in
models/photo/; the hints are the Sketch Colorizer's (pages/hint_editor.py, session keys photo_hints, photo_colour)."""
from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from PIL import Image, ImageOps

from models.imaging import display_size, png_bytes
from models.limits import PHOTO_MAX_PIXELS
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


def shown_size(size: tuple[int, int]) -> tuple[int, int]:
    return display_size(*size, *DISPLAY_BOX)


def remember(source_id: str, open_photo: Callable[[], Image.Image], colorizer, upload: bytes | None) -> None:
    """On a new photo: decode it once (grey) and keep only what the page needs of it, as PNGs: the photo at the
    network's working size and at display size, with its full size, and a colour upload as it was at display size;
    its old result and hints go. The full-size photo is decoded again only for a download, so no session holds a
    12 MP picture."""
    if st.session_state.get("photo_source_id") == source_id:
        return
    for key in ("photo_source_id", "photo_work", "photo_shown", "photo_result", "photo_original"):
        st.session_state.pop(key, None)
    grey = open_photo()
    size = grey.size
    work, shown = colorizer.working_image(grey), grey.resize(shown_size(size), Image.Resampling.LANCZOS)
    del grey
    original = colour_original(upload) if upload is not None else None
    st.session_state.update(photo_source_id=source_id, photo_size=size, photo_work=png_bytes(work),
                            photo_shown=png_bytes(shown), photo_hints=[],
                            photo_original=png_bytes(original) if original is not None else None)


def picture(key: str) -> Image.Image:
    return Image.open(io.BytesIO(st.session_state[key]))


def coloured(colorizer, work_png: bytes, size: tuple[int, int], open_grey: Callable[[], Image.Image],
             hints: list[dict]) -> Image.Image:
    """The grey photo open_grey() gives (at display or full size) in colour, the chroma computed from the kept
    working-size photo (hints in pixels of the photo's full size); in its turn, so one full-size decode and
    composition runs at a time: past MAX_WAITING the visitor is told to try again."""
    with queue_for(MODEL_NAME).turn():
        ab = colorizer.chroma(Image.open(io.BytesIO(work_png)), hints if colorizer.takes_hints else None, size)
        return colorizer.compose(open_grey(), ab)


def preview(colorizer) -> bytes:
    """The coloured photo at display size as PNG, kept per session until the photo or its hints change."""
    hints = HINTS.hints
    made_from = (st.session_state.photo_source_id, json.dumps(hints))
    state = st.session_state

    def make() -> Image.Image:
        return coloured(colorizer, state.photo_work, state.photo_size, lambda: picture("photo_shown"), hints)
    return kept_preview("photo_result", made_from, make, lambda image: image.size)[0]


def full_size_png(colorizer, open_photo: Callable[[], Image.Image], hints: list[dict]):
    """The Download button's data: the full-size photo, decoded again and coloured when the file is asked for."""
    hints = [dict(h) for h in hints]
    work, size = st.session_state.photo_work, st.session_state.photo_size
    return deferred_png(lambda: coloured(colorizer, work, size, open_photo, hints))


def colour_original(data: bytes) -> Image.Image | None:
    """A colour upload (already checked by load_upload) as it was, at display size, or None for a grey one."""
    with Image.open(io.BytesIO(data)) as probe:
        if probe.mode in ("L", "LA", "1", "I", "I;16", "I;16B", "I;16L", "F"):
            return None
        probe.draft("RGB", shown_size(probe.size))  # a JPEG decodes at 1/2 to 1/8 of its size
        small = ImageOps.exif_transpose(probe).convert("RGB")
        small.thumbnail(shown_size(small.size), Image.Resampling.LANCZOS)
        return small


source = st.radio("Photo", SOURCES, horizontal=True, key="photo_source")
open_photo, label, upload = None, None, None
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
        path = GALLERY_DIR / name
        open_photo, label, source_id = (lambda: Image.open(path).convert("L")), name, "gallery:" + name
        st.caption(f"{items[name]['label']} · {items[name]['licence']} · npm {items[name]['package']}")
else:
    file = st.file_uploader("Upload a photo (PNG, JPEG, WebP or BMP)", key="photo_upload",
                            help=f"At most {MAX_BYTES // (1024 * 1024)} MB and {PHOTO_MAX_PIXELS / 1e6:.1f} M "
                            "pixels (a 12 MP phone photo, 4032 x 3024, fits).")
    if file is not None:
        upload = file.getvalue()
        open_photo = lambda: load_upload(upload, max_pixels=PHOTO_MAX_PIXELS, grey=True)  # noqa: E731
        label, source_id = file.name, "upload:" + hashlib.sha256(upload).hexdigest()[:16]

colorizer = get_model(MODEL_NAME) if open_photo is not None else None
if colorizer is not None:
    try:
        remember(source_id, open_photo, colorizer, upload)
    except UploadError as err:
        st.error(f"**{plain(label, limit=80)}:** {plain(err)}")
        st.stop()
    try:
        result = preview(colorizer)
    except (QueueFull, QueueTimeout) as err:
        st.warning(plain(err))
        st.stop()
    size = st.session_state.photo_size
    left, right = st.columns(2)
    shown = picture("photo_shown")
    with left:
        if colorizer.takes_hints:
            st.caption("Input (grey): click it to say what colour a place should be.")
            HINTS.clickable(shown, shown.size, size)
            HINTS.colour_controls()
            HINTS.panel(size)
        else:
            st.image(shown, caption="Input (grey)", width="stretch")
    right.image(result, caption=f"Coloured (the download is {size[0]} x {size[1]} px, your photo's size)",
                width="stretch")
    if st.session_state.photo_original is not None:
        st.image(st.session_state.photo_original, caption="Your upload as it was (for comparison)", width=320)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(label).stem)[:60].strip("-") or "photo"
    # deferred: coloured at full size when clicked, not kept in the media store for the session's life
    st.download_button("Download PNG", full_size_png(colorizer, open_photo, HINTS.hints),
                       file_name=f"{stem}-colour.png", mime="image/png", on_click="ignore")
