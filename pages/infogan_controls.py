"""InfoGAN Controls page: pick a digit, rotation, width and noise seed; see one digit and a traversal grid of a code."""
from __future__ import annotations

import random

import streamlit as st

from models.browser.state import infogan_base
from models.imaging import grid, png_bytes, to_pil
from models.limits import MAX_SEED
from pages.common import get_model, link_choice, link_number, warn_ignored_params
from pages.infogan_own import start_from_your_image
from pages.live_generator import live_generator

MODEL_NAME = "infogan-mnist"
CODE_LIMIT = 1.0  # the continuous codes were trained on Unif(-1, 1); beyond it the digit smears
SWEEP_VALUES = [-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0]
SWEEPS = ["rotation", "width"]
DEFAULTS = {"digit": 3, "rotation": 0.0, "width": 0.0, "seed": 0, "sweep": "rotation"}
STATE = {name: f"ig_{name}" for name in DEFAULTS}  # query parameter -> widget key


def parse_params(params) -> tuple[dict, list[str]]:
    """Validated control values from the URL query, with defaults for missing ones; plus one note per bad value."""
    values, bad = dict(DEFAULTS), []
    values["digit"] = link_number(params, "digit", int, 0, 9, DEFAULTS["digit"], bad)
    for name in ("rotation", "width"):
        values[name] = link_number(params, name, float, -CODE_LIMIT, CODE_LIMIT, DEFAULTS[name], bad)
    values["seed"] = link_number(params, "seed", int, 0, MAX_SEED, DEFAULTS["seed"], bad)
    values["sweep"] = link_choice(params, "sweep", SWEEPS, DEFAULTS["sweep"], bad)
    return values, bad


def new_seed() -> None:
    st.session_state[STATE["seed"]] = random.randint(0, 99_999)


st.title("🔢 InfoGAN Controls")
st.write("An InfoGAN learned, without ever seeing a label, a 10-way category and continuous codes that "
         "turned out to mean *which digit*, *rotation* and *stroke width*. The remaining 62 noise values (the seed) "
         "set the handwriting style.")

model = get_model(MODEL_NAME)
if model is None:
    st.stop()

if STATE["digit"] not in st.session_state:  # first run of this session: start from the link's values
    start, problems = parse_params(st.query_params)
    warn_ignored_params(problems)
    for name, key in STATE.items():
        st.session_state[key] = start[name]


@st.fragment
def controls() -> None:
    # the digit row spans the page: inside a half-width column its ten options wrap onto two lines
    digit = st.radio("Digit", list(range(10)), key=STATE["digit"], horizontal=True)
    left, right = st.columns([1, 1])
    with left:
        rotation = st.slider("Rotation (+ = clockwise)", -CODE_LIMIT, CODE_LIMIT, step=0.1, key=STATE["rotation"])
        width = st.slider("Stroke width (+ = thicker)", -CODE_LIMIT, CODE_LIMIT, step=0.1, key=STATE["width"])
        seed_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        seed = seed_col.number_input("Noise seed (handwriting style)", 0, MAX_SEED, step=1, key=STATE["seed"])
        button_col.button("🎲 Random", on_click=new_seed, use_container_width=True)
    image = to_pil(model.generate(digit, rotation, width, seed), scale=8)
    with right:
        with st.container(key="ig_picture"):
            st.image(image, caption=f"digit {digit} · rotation {rotation:+.1f} · width {width:+.1f} · seed {seed}",
                     width=224, output_format="PNG")
            live_generator(MODEL_NAME, {"base": {"values": infogan_base(model, digit, seed).tolist()},
                                        "controls": {"values": [rotation, width],
                                                     "keys": [STATE["rotation"], STATE["width"]]}},
                           "ig_picture", key="ig_live")
        st.download_button("Download PNG", data=png_bytes(image), mime="image/png",
                           file_name=f"infogan_digit{digit}_rot{rotation:+.1f}_width{width:+.1f}_seed{seed}.png")

    st.subheader("Traversal")
    sweep = st.radio("Code to sweep from -1 to 1 (columns); rows are digits 0-9", SWEEPS, key=STATE["sweep"],
                     horizontal=True)
    other = width if sweep == "rotation" else rotation
    batch = model.traversal(sweep, seed, SWEEP_VALUES, other=other)
    st.image(grid(batch, nrow=len(SWEEP_VALUES), pad=2, scale=3),
             caption=f"{sweep} = " + ", ".join(f"{v:+g}" for v in SWEEP_VALUES)
             + f" · other code at {other:+.1f} · seed {seed}", output_format="PNG")
    st.query_params.update({"digit": str(digit), "rotation": f"{rotation:g}", "width": f"{width:g}",
                            "seed": str(seed), "sweep": sweep})


controls()
st.caption("The codes were trained on [-1, 1], the range of the sliders. Which category is which digit was found "
           "afterwards with an independent classifier.")
start_from_your_image(model)
