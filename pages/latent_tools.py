"""Latent Explorer tools that work on the visitor's own images (not a page; pages/latent_explorer.py calls them):
interpolation between two uploaded images and latent arithmetic A - B + C (models/dcgan/arithmetic.py).

Each uploaded picture is inverted once per session (models/dcgan/invert.py); its latent is kept in session state
under the model's name and the picture's hash.
"""
from __future__ import annotations

import streamlit as st
import torch

from models import registry
from models.dcgan.arithmetic import GROUPS, MAX_GROUP, combine
from models.dcgan.invert import Inverter, encoder_name
from models.imaging import NoInkError, gif_bytes, grid, to_pil
from models.limits import MAX_SEED
from pages.common import get_model
from pages.own_picture import read_upload, uploaded_pictures
from pages.plain import plain

LATENTS = "lt_latents"  # session state: "model:picture id" -> latent (list of floats)
DEFAULT_GROUPS = {"A": "1, 2", "B": "3", "C": "4"}


def can_invert(name: str) -> bool:
    """Whether the model has an encoder in the manifest (only then can a visitor's picture be inverted)."""
    try:
        registry.get(encoder_name(name))
    except registry.UnknownModel:
        return False
    return True


def inverter_for(name: str, model) -> Inverter | None:
    """The model's inverter (encoder and classifier loaded as shared models), or None after an error message."""
    encoder = get_model(encoder_name(name))
    classifier = get_model(encoder.config.classifier) if encoder is not None else None
    return Inverter(model, encoder, classifier) if classifier is not None else None


def latents_of(name: str, model, pictures: list[tuple[str, object]], label: str) -> list[torch.Tensor]:
    """The latents of (id, PIL picture) pairs, inverting those not seen before; a blank picture gets a warning."""
    known = st.session_state.setdefault(LATENTS, {})
    missing = [(pid, pic) for pid, pic in pictures if f"{name}:{pid}" not in known]
    if missing:
        inverter = inverter_for(name, model)
        if inverter is None:
            return []
        prepared = {}
        for pid, pic in missing:
            try:
                prepared[pid] = inverter.prepare(pic)
            except NoInkError as err:
                st.warning(f"{label}: {plain(err)}")
        if prepared:
            with st.spinner(f"Finding the latents of {label}..."):  # one batch: as quick as one picture
                results = inverter.invert(torch.stack(list(prepared.values())))
            known.update({f"{name}:{pid}": r.z.tolist() for pid, r in zip(prepared, results)})
    return [torch.tensor(known[f"{name}:{pid}"]) for pid, _ in pictures if f"{name}:{pid}" in known]


def parse_seeds(text: str, label: str) -> list[int] | None:
    """'3, 7 12' -> [3, 7, 12]; None after an error message for anything that is not seeds 0..MAX_SEED."""
    items = str(text).replace(",", " ").split()
    if all(t.isdigit() and int(t) <= MAX_SEED for t in items) and len(items) <= MAX_GROUP:
        return [int(t) for t in items]
    st.error(f"**{label}:** expected up to {MAX_GROUP} seeds, whole numbers from 0 to {MAX_SEED:,}, separated by "
             f"commas or spaces; got {plain(repr(text), limit=80)}")
    return None


@st.fragment
def two_image_interpolation(name: str, model) -> None:
    """Two uploads, inverted, and the path between their latents (strip and animated GIF)."""
    st.subheader("Between two of your images")
    if not can_invert(name):
        st.caption(f"{plain(name)} has no encoder yet, so your own images cannot be turned into its latents.")
        return
    first_col, second_col = st.columns(2)
    files = [first_col.file_uploader("First image", key="lt_pair_a"),
             second_col.file_uploader("Second image", key="lt_pair_b")]
    picked = [read_upload(f) if f is not None else None for f in files]
    if any(p is None for p in picked):
        st.caption("Upload two digits or garments to morph one into the other through the generator's latent space.")
        return
    latents = latents_of(name, model, picked, "the two images")
    if len(latents) != 2:
        return
    method_col, frames_col = st.columns(2)
    method = method_col.radio("Path", ["slerp", "lerp"], key="lt_pair_method", horizontal=True,
                              help="slerp keeps the latent's length, as random latents have; lerp is a straight line")
    steps = frames_col.slider("Frames", 3, 16, 8, key="lt_pair_steps")
    path = model.generate(model.interpolate(latents[0], latents[1], steps, method))
    st.image(grid(path, nrow=steps, scale=3), caption=f"{method}: your first image → your second image")
    gif = gif_bytes([to_pil(frame, scale=6) for frame in path], ms_per_frame=120)
    gif_col, dl_col = st.columns([1, 3])
    gif_col.image(gif, caption="animated", width=168)
    dl_col.download_button("Download GIF", data=gif, mime="image/gif", file_name=f"{name}_your_two_images.gif",
                           on_click="ignore", key="lt_pair_gif")


@st.fragment
def latent_arithmetic(name: str, model) -> None:
    """Three groups of seeds and/or uploads; their mean images and A - B + C with neighbours."""
    st.subheader("Latent arithmetic: A − B + C")
    st.caption("Average the latents of each group, then take A minus B plus C: what A has and B lacks is added to "
               "C. For example slanted sevens (A) minus upright sevens (B) plus upright ones (C) should give a "
               "slanted one.")
    groups = []
    for column, group in zip(st.columns(3), GROUPS):
        with column:
            text = st.text_input(f"Group {group}: seeds", DEFAULT_GROUPS[group], key=f"lt_ar_{group}_seeds")
            seeds = parse_seeds(text, f"Group {group}")
            pictures = uploaded_pictures(f"Group {group}: your images", f"lt_ar_{group}_upload", MAX_GROUP) \
                if can_invert(name) else []
            if seeds is None:
                return
            own = latents_of(name, model, pictures, f"group {group}") if pictures else []
            members = [model.latent(s) for s in seeds] + own
            if not members:
                st.info(f"Give group {group} at least one seed or image.")
                return
            if len(members) > MAX_GROUP:
                st.warning(f"Group {group}: using the first {MAX_GROUP} of its {len(members)} members.")
                members = members[:MAX_GROUP]
            st.image(grid(model.generate(torch.stack(members)), nrow=8, scale=2),
                     caption=f"group {group}: {len(members)} image(s)")
            groups.append(torch.stack(members))
    radius = st.slider("Neighbours' radius", 0.1, 2.0, 0.5, step=0.1, key="lt_ar_radius")
    done = combine(model, groups, n_neighbours=8, radius=radius)
    top = model.generate(torch.cat([done.means, done.result.unsqueeze(0)]))
    st.image(grid(top, nrow=4, scale=5), caption="mean of A · mean of B · mean of C · A − B + C")
    st.image(grid(model.generate(done.neighbours), nrow=8, scale=3),
             caption=f"8 random points within radius ~{radius:g} of A − B + C")
