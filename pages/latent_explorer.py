"""Latent Explorer page: walk a DCGAN's latent space with SeFa sliders, interpolate between seeds, browse neighbours;
or start from your own image (upload or draw): its inverted latent (models/dcgan/invert.py) is where the sliders start.
Below, tools for your own images (pages/latent_tools.py): interpolation between two uploads, latent arithmetic A - B + C.

State lives in the URL (model, seed, sefa, raw, seed_b, method, and z: the latent of your image as base64 of fp16)
so a shared link shows the same image.
"""
from __future__ import annotations

import math
import random

import streamlit as st
import torch

from models.dcgan.directions import slider_help, slider_label
from models.browser.state import dcgan_base
from models.dcgan.invert import Inverter, encoder_name, latent_from_text, latent_to_text
from models.imaging import NoInkError, gif_bytes, grid, png_bytes, to_pil
from models.limits import MAX_SEED
from pages.common import get_model, link_choice, link_latent, link_number, warn_ignored_params
from pages.latent_tools import can_invert, latent_arithmetic, two_image_interpolation
from pages.own_picture import own_picture
from pages.live_generator import live_generator
from pages.plain import plain


MODELS = {"dcgan-mnist": "Digits (MNIST)", "dcgan-fashion": "Clothes (Fashion-MNIST)",
          "dcgan-emoji": "Emoji (colour, 64x64)"}
N_SEFA, SEFA_LIMIT = 8, 5.0
N_RAW, RAW_LIMIT = 16, 3.0
METHODS = ["slerp", "lerp"]
DEFAULTS = {"model": "dcgan-mnist", "seed": 77, "sefa": [0.0] * N_SEFA, "raw": [0.0] * N_RAW, "seed_b": 42,
            "method": "slerp"}
VIEW_PX = 280  # the main image's size on screen: 28 px x 10, 64 px x 4 (nearest neighbour, whole multiples)
LATENT_DIM = 100  # every DCGAN's latent length (a link's z must have it)
SOURCES = ["A seed", "Your image"]

SEFA_KEYS = [f"le_sefa_{i}" for i in range(N_SEFA)]
RAW_KEYS = [f"le_raw_{j}" for j in range(N_RAW)]


def parse_params(params) -> tuple[dict, list[str]]:
    """Validated state from the URL query (defaults for what is missing); one note per malformed value."""
    values = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}
    bad: list[str] = []

    def numbers(name, count, limit):
        text = params[name]
        try:
            items = [float(t) for t in str(text).split(",")] if str(text).strip() else []
        except ValueError:
            items = None
        if items is None or len(items) > count or not all(math.isfinite(v) and abs(v) <= limit for v in items):
            bad.append(f"{name}={text!r} (expected up to {count} comma-separated numbers from -{limit:g} to {limit:g})")
            return list(DEFAULTS[name])
        return [round(v, 1) for v in items] + [0.0] * (count - len(items))

    values["model"] = link_choice(params, "model", list(MODELS), DEFAULTS["model"], bad)
    for name in ("seed", "seed_b"):
        values[name] = link_number(params, name, int, 0, MAX_SEED, DEFAULTS[name], bad)
    if "sefa" in params:
        values["sefa"] = numbers("sefa", N_SEFA, SEFA_LIMIT)
    if "raw" in params:
        values["raw"] = numbers("raw", N_RAW, RAW_LIMIT)
    values["method"] = link_choice(params, "method", METHODS, DEFAULTS["method"], bad)
    values["z"] = link_latent(params, "z", lambda text: latent_from_text(text, LATENT_DIM), None, bad)
    return values, bad


def as_list(values: list[float]) -> str:
    """Comma list without trailing zeros: '1.5,0,-2'."""
    trimmed = list(values)
    while trimmed and trimmed[-1] == 0:
        trimmed.pop()
    return ",".join(f"{v:g}" for v in trimmed)


def scale_for(model, pixels: int) -> int:
    """The whole-number enlargement that shows the model's images about `pixels` wide (28 px digits x10 at 280)."""
    return max(1, round(pixels / model.image_size))


def random_seed() -> None:
    st.session_state["le_seed"] = random.randint(0, 99_999)


def reset_sliders() -> None:
    for key in SEFA_KEYS + RAW_KEYS:
        st.session_state[key] = 0.0


def new_neighbours() -> None:
    st.session_state["le_nb_seed"] = random.randint(0, 99_999)


def start_from_image(name: str, model) -> None:
    """Invert the visitor's picture once per picture; its latent, input and reconstruction go to session state."""
    encoder = get_model(encoder_name(name))
    classifier = get_model(encoder.config.classifier) if encoder is not None else None
    if classifier is None:
        return
    picked = own_picture("le")
    if picked is None:
        return
    source_id, picture = picked
    if st.session_state.get("le_own_id") == f"{name}:{source_id}":
        return
    inverter = Inverter(model, encoder, classifier)
    try:
        with st.spinner("Finding the latent of your image..."):
            result = inverter.invert_picture(picture)
    except NoInkError as err:
        st.warning(plain(err))
        return
    reset_sliders()
    st.session_state.update({"le_own_id": f"{name}:{source_id}", "le_own_z": result.z.tolist(),
                             "le_own_model": name, "le_own_input": result.target, "le_own_recon": result.image,
                             "le_own_error": result.error})


st.title("🎚️ Latent Explorer")
st.markdown("A DCGAN turns 100 random numbers (the *latent*, drawn from a seed) into an image. The sliders move "
         "the latent along the directions that change the image most, strongest first; each is named by what it "
         "was measured to do.", help="The directions come from SeFa (Shen & Zhou 2021): the eigenvectors of WᵀW, "
         "W being the generator's first layer, ordered by eigenvalue.")

if "le_seed" not in st.session_state:  # first run of this session: start from the link's values
    start, problems = parse_params(st.query_params)
    warn_ignored_params(problems)
    st.session_state.update({"le_model": start["model"], "le_seed": start["seed"], "le_seed_b": start["seed_b"],
                             "le_method": start["method"], "le_nb_seed": 0, "le_radius": 0.8,
                             "le_source": SOURCES[1] if start["z"] is not None else SOURCES[0]})
    if start["z"] is not None:
        st.session_state.update({"le_own_z": start["z"].tolist(), "le_own_model": start["model"],
                                 "le_own_id": "link"})
    st.session_state.update(dict(zip(SEFA_KEYS, start["sefa"])))
    st.session_state.update(dict(zip(RAW_KEYS, start["raw"])))

name = st.selectbox("Model", list(MODELS), format_func=lambda m: f"{MODELS[m]} · {m}", key="le_model")
model = get_model(name)
if model is None:
    st.stop()
if model.prior.components:
    st.caption(f"This model draws its latent from one of {model.prior.components} groups: a seed picks a group, "
               "and each group learned (without labels) to draw mostly one kind of image; the sliders change its "
               "style.", help=f"The prior is {model.prior.describe()}.")
has_encoder = can_invert(name)
if not has_encoder and st.session_state.get("le_own_model") != name:
    st.session_state["le_source"] = SOURCES[0]  # no inversion for this model (and no latent of its own): a seed
source = st.radio("Start from", SOURCES, key="le_source", horizontal=True, disabled=not has_encoder,
                  help="A seed draws a random latent; your image is turned into the latent whose image looks most "
                       "like it (GAN inversion: an encoder's guess refined by a few dozen optimisation steps).")
if st.session_state.get("le_own_model") not in (None, name):  # a latent belongs to the model it was found for
    for key in ("le_own_z", "le_own_id", "le_own_model", "le_own_input", "le_own_recon", "le_own_error"):
        st.session_state.pop(key, None)
if not has_encoder:
    st.caption(f"Starting from your own image needs an image-to-latent encoder; {name} has none yet.")
if source == SOURCES[1]:
    if has_encoder:
        start_from_image(name, model)
    own = st.session_state.get("le_own_z")
    if own is None:
        st.info("Upload or draw an image to start from it.")
        st.stop()
    if "le_own_input" in st.session_state:
        in_col, out_col, fig_col = st.columns(3)
        in_col.image(to_pil(st.session_state["le_own_input"], scale=5), caption="your image, made MNIST-like",
                     width=140)
        out_col.image(to_pil(st.session_state["le_own_recon"], scale=5), caption="the generator's reconstruction",
                      width=140)
        error = st.session_state["le_own_error"]
        fig_col.metric("Fidelity", f"{1 - error:.0%}",
                       help=f"1 minus the mean pixel difference between the two ({error:.3f} on a 0-1 scale)")
    else:
        st.caption("Starting from the latent in the link.")
directions, eigenvalues = model.sefa_directions(N_SEFA)
share = eigenvalues / model.sefa_directions()[1].sum()


@st.fragment
def explorer() -> None:
    controls, picture = st.columns([3, 2])
    with controls:
        seed_col, random_col, reset_col = st.columns([2, 1, 1], vertical_alignment="bottom")
        seed = seed_col.number_input("Seed", 0, MAX_SEED, step=1, key="le_seed")
        random_col.button("🎲 Random", on_click=random_seed, width="stretch", key="le_random")
        reset_col.button("↺ Reset", on_click=reset_sliders, width="stretch", key="le_reset",
                         help="Put every slider back to 0: the seed's own image")
        slider_cols = st.columns(2)
        sefa_steps = [slider_cols[i % 2].slider(slider_label(name, i), -SEFA_LIMIT, SEFA_LIMIT, step=0.1,
                                                key=SEFA_KEYS[i],
                                                help=slider_help(name, i, float(eigenvalues[i]), float(share[i])))
                      for i in range(N_SEFA)]
        with st.expander(f"Raw latent dimensions (shift z[0]..z[{N_RAW - 1}])"):
            raw_cols = st.columns(4)
            raw_steps = [raw_cols[j % 4].slider(f"z[{j}]", -RAW_LIMIT, RAW_LIMIT, step=0.1, key=RAW_KEYS[j])
                         for j in range(N_RAW)]
    own = st.session_state.get("le_own_z") if st.session_state.get("le_source") == SOURCES[1] else None
    base = torch.tensor(own) if own is not None else model.latent(seed)
    z = model.edit(base, sefa_steps, raw_steps)
    image = to_pil(model.generate(z)[0], scale=scale_for(model, VIEW_PX))
    with picture:
        origin = "your image" if own is not None else f"seed {seed}"
        with st.container(key="le_picture"):
            st.image(image, caption=f"{name} · {origin} · |z| = {float(z.norm()):.1f}", width=280)
            live_generator(name, {"base": {"values": dcgan_base(base).tolist()},
                                  "sefa": {"values": sefa_steps, "keys": SEFA_KEYS},
                                  "raw": {"values": raw_steps, "keys": RAW_KEYS}}, "le_picture", key="le_live")
        st.download_button("Download PNG", data=png_bytes(image), mime="image/png", file_name=f"{name}_seed{seed}.png",
                           on_click="ignore")

    st.subheader("Interpolation")
    a_col, b_col, m_col, s_col = st.columns(4)
    a_col.markdown("**From:** the image above")
    seed_b = b_col.number_input("To seed", 0, MAX_SEED, step=1, key="le_seed_b")
    method = m_col.radio("Path", METHODS, key="le_method", horizontal=True,
                         help="slerp keeps the latent's length, as random latents have; lerp is a straight line")
    steps = s_col.slider("Frames", 3, 16, 10, key="le_steps")
    path = model.generate(model.interpolate(z, model.latent(seed_b), steps, method))
    st.image(grid(path, nrow=steps, scale=scale_for(model, 84)), caption=f"{method}: {origin} (edited) → seed {seed_b}")
    gif = gif_bytes([to_pil(frame, scale=scale_for(model, 168)) for frame in path], ms_per_frame=120)
    gif_col, dl_col = st.columns([1, 3])
    gif_col.image(gif, caption="animated", width=168)
    dl_col.download_button("Download GIF", data=gif, mime="image/gif",
                           file_name=f"{name}_{method}_{seed}_to_{seed_b}.gif", on_click="ignore")

    st.subheader("Neighbours")
    r_col, n_col = st.columns([3, 1], vertical_alignment="bottom")
    radius = r_col.slider("Radius (latent noise added to the current point)", 0.1, 2.0, step=0.1, key="le_radius")
    n_col.button("🎲 New neighbours", on_click=new_neighbours, width="stretch", key="le_new_nb")
    around = model.generate(model.neighbours(z, 16, radius, seed=st.session_state["le_nb_seed"]))
    st.image(grid(around, nrow=8, scale=scale_for(model, 84)),
             caption=f"16 random points within radius ~{radius:g} of the current one")

    query = {"model": name, "seed": str(seed), "seed_b": str(seed_b), "method": method}
    if own is not None:
        query["z"] = latent_to_text(base)
    if any(sefa_steps):
        query["sefa"] = as_list(sefa_steps)
    if any(raw_steps):
        query["raw"] = as_list(raw_steps)
    st.query_params.from_dict(query)


explorer()
st.caption("Sliders move the latent by that many units along each unit-length direction (a typical latent of this "
           f"model has length ~{model.prior.typical_norm:.0f}). Far from 0 the generator leaves the region it was "
           "trained on and images degrade.")
two_image_interpolation(name, model)
latent_arithmetic(name, model)
