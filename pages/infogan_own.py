"""The InfoGAN page's "Start from your image" (not a page; pages/infogan_controls.py calls it): upload or draw a
digit, read its codes (digit, rotation, width, and the noise for its handwriting: models/infogan/read.py), then
restyle it: the same hand writing every digit 0-9, with rotation and width sliders that start at the read values.
The read handwriting travels in the link (`hand`: its 62 noise values as base64 of fp16, with `hand_rotation` and
`hand_width`), so a restyled digit can be shared; a malformed one is named in a warning and ignored."""
from __future__ import annotations

import streamlit as st

import torch

from models.dcgan.invert import latent_from_text, latent_to_text
from models.imaging import NoInkError, grid, png_bytes, to_pil
from models.infogan.config import NOISE_DIM
from models.infogan.read import CODE_RANGE, READER_NAME, CodeReader, CodeReading
from pages.common import get_model, link_latent, link_number, warn_ignored_params
from pages.own_picture import own_picture
from pages.plain import plain

HAND = "hand"


def hand_from_text(text: object) -> torch.Tensor:
    noise = latent_from_text(text, NOISE_DIM)
    if noise.abs().max() > CODE_RANGE:
        raise ValueError(f"the handwriting's values must lie from -{CODE_RANGE:g} to {CODE_RANGE:g}")
    return noise


def hand_from_link() -> None:
    """On a session's first run, a link's handwriting becomes the reading that restyle starts from."""
    if st.session_state.get("ig_own_link_read"):
        return
    st.session_state.ig_own_link_read = True
    params, bad = st.query_params, []
    noise = link_latent(params, HAND, hand_from_text, None, bad)
    rotation = link_number(params, "hand_rotation", float, -CODE_RANGE, CODE_RANGE, 0.0, bad)
    width = link_number(params, "hand_width", float, -CODE_RANGE, CODE_RANGE, 0.0, bad)
    warn_ignored_params(bad)
    if noise is None:
        return
    reading = CodeReading(digit=-1, confidence=0.0, rotation=rotation, width=width, noise=noise, image=None,
                          target=None, error=0.0)
    st.session_state.update({"ig_own_id": "link", "ig_own_reading": reading,
                             "ig_own_rotation": round(rotation, 1), "ig_own_width": round(width, 1)})



def read_picture(model) -> None:
    """Read the visitor's picture once per picture; the reading goes to session state, the sliders to its codes."""
    picked = own_picture("ig", what="A handwritten digit")
    if picked is None:
        return
    source_id, picture = picked
    if st.session_state.get("ig_own_id") == source_id:
        return
    reader_net = get_model(READER_NAME)
    classifier = get_model(reader_net.config.classifier) if reader_net is not None else None
    if classifier is None:
        return
    try:
        with st.spinner("Reading your digit's codes..."):
            reading = CodeReader(model, reader_net, classifier).read_picture(picture)
    except NoInkError as err:
        st.warning(plain(err))
        return
    st.session_state.update({"ig_own_id": source_id, "ig_own_reading": reading,
                             "ig_own_rotation": round(reading.rotation, 1), "ig_own_width": round(reading.width, 1)})


@st.fragment
def restyle(model) -> None:
    reading = st.session_state["ig_own_reading"]
    if reading.target is None:
        st.caption("Handwriting from the link you opened: upload or draw a digit to read your own.")
    else:
        in_col, out_col, codes_col = st.columns(3)
        in_col.image(to_pil(reading.target, scale=5), caption="your digit, made MNIST-like", width=140)
        out_col.image(to_pil(reading.image, scale=5), caption="the InfoGAN's reconstruction", width=140)
        codes_col.metric("Read as", f"digit {reading.digit}", help=f"The code reader is {reading.confidence:.0%} "
                         "sure of this category (mapped to a digit with the shipped category-to-digit table).")
        codes_col.caption(f"rotation {reading.rotation:+.2f} · width {reading.width:+.2f} · fidelity "
                          f"{1 - reading.error:.0%}")
    left, right = st.columns(2)
    rotation = left.slider("Rotation (+ = clockwise)", -CODE_RANGE, CODE_RANGE, step=0.1, key="ig_own_rotation",
                           help="Starts at the rotation read from your digit.")
    width = right.slider("Stroke width (+ = thicker)", -CODE_RANGE, CODE_RANGE, step=0.1, key="ig_own_width",
                         help="Starts at the stroke width read from your digit.")
    st.query_params.update({HAND: latent_to_text(reading.noise), "hand_rotation": f"{rotation:g}",
                            "hand_width": f"{width:g}"})
    images = model.restyle(reading.noise, rotation, width)
    picture = grid(images, nrow=10, pad=2, scale=3)
    st.image(picture, caption=f"your handwriting as every digit 0-9 · rotation {rotation:+.1f} · width {width:+.1f}",
             output_format="PNG")
    st.download_button("Download PNG", data=png_bytes(picture), mime="image/png", file_name="infogan_restyled.png",
                       key="ig_own_download", on_click="ignore")


def start_from_your_image(model) -> None:
    """The whole section: picture in, codes read, restyled digits out."""
    st.subheader("Start from your image")
    st.caption("Upload or draw a digit: the InfoGAN reads which digit it is, its slant and stroke width, and the "
               "rest of your handwriting; then it rewrites your digit as every digit 0-9.")
    hand_from_link()
    read_picture(model)
    if "ig_own_reading" in st.session_state:
        restyle(model)
