"""Home page: a card per page (a live thumbnail drawn by its model, what to try, a link), then the technical view of
every model and its weights in an expander, and where inference runs."""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from PIL import Image
from streamlit.errors import StreamlitPageNotFoundError

from models import families, registry, store
from models.device import describe, pick_device
from models.imaging import grid, png_bytes
from models.loading import load_model
from models.wavenet.audio import waveform_image
from pages.plain import plain

SAMPLE = Path(__file__).with_name("samples") / "penguin.png"
PHOTO_SAMPLE = Path(__file__).with_name("samples") / "photo" / "nagasaki-boats.jpg"
COLUMNS = ("model", "what", "size", "status", "from", "licence")
TRY = {  # family -> (what to try first on its page, the model its thumbnail is drawn with)
    "pix2pix": ("Pick the penguin sample, then click its belly with an orange hint.", "pix2pix-openmoji"),
    "photo": ("Pick the Nagasaki boats of about 1865 from the gallery.", "photo-colorizer"),
    "dcgan": ("Drag the first slider: the strongest direction the DCGAN learned.", "dcgan-mnist"),
    "infogan": ("Set the digit to 7 and move the rotation code from -1 to 1.", "infogan-mnist"),
    "wavenet": ("Choose the violin and play the Ode to Joy preset.", "wavenet-instruments"),
}


@st.cache_data(show_spinner=False, max_entries=8)
def thumbnail(family: str) -> bytes:
    """A small picture the family's model draws now (cached per server process)."""
    model = load_model(TRY[family][1])
    if family == "pix2pix":
        sketch = Image.open(SAMPLE).convert("L")
        coloured = model.colorize(sketch, [])
        side = sketch.width
        both = Image.new("RGB", (2 * side, sketch.height), "white")
        both.paste(sketch.convert("RGB"), (0, 0))
        both.paste(coloured, (side, 0))
        return png_bytes(both.resize((2 * 128, round(sketch.height * 128 / side))))
    if family == "photo":
        old = Image.open(PHOTO_SAMPLE).convert("L")
        old = old.resize((128, round(old.height * 128 / old.width)), Image.Resampling.LANCZOS)
        both = Image.new("RGB", (256, old.height), "white")
        both.paste(old.convert("RGB"), (0, 0))
        both.paste(model.colorize(old), (128, 0))
        return png_bytes(both)
    if family == "dcgan":
        return png_bytes(grid(model.generate(model.sample_latents(8, seed=7)), nrow=4, pad=2, scale=2))
    if family == "infogan":
        digits = model.generate_batch(list(range(10)), [0.0] * 10, [0.0] * 10, [0] * 10)
        return png_bytes(grid(digits, nrow=5, pad=2, scale=2))
    audio = model.render(model.parse("C5:0.5 E5:0.5 G5", "flute"), "flute", tempo=120, seed=0)
    return png_bytes(Image.fromarray(waveform_image(audio, height=90, width=256)))


def page_link(family: families.Family) -> None:
    try:
        st.page_link(family.page, label=family.page_title, icon=family.icon)
    except StreamlitPageNotFoundError:  # this file run on its own (tests), outside app.py's navigation
        st.markdown(f"**{family.icon} {family.page_title}**")


def card(family: families.Family) -> None:
    with st.container(border=True):
        page_link(family)
        try:
            st.image(thumbnail(family.name), width=300)
        except (registry.UnknownModel, store.WeightError, RuntimeError) as err:
            st.caption(f"No preview: {err}")
        st.write(family.summary)
        st.caption(f"Try this: {TRY[family.name][0]}")


@st.cache_data(ttl=60, show_spinner=False)
def model_status() -> tuple[dict[str, list[tuple[str, ...]]], list[tuple[str, str]]]:
    """(family name -> one row per manifest entry (COLUMNS), [(model, why a copy of its weights was passed over)])."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    problems: list[tuple[str, str]] = []
    for entry in registry.load_manifest().values():
        state = store.status(entry)
        status = "present ✅" if state["present"] else ("corrupt ⚠️" if state.get("corrupt") else state["source"])
        rows.setdefault(entry.family, []).append((entry.name, entry.title, f"{entry.bytes / 1e6:.1f} MB", status,
                                                  state["source"] if state["present"] else "", entry.licence))
        problems += [(entry.name, note) for note in state.get("problems") or []]
    return rows, problems


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    """A markdown table: st.table / st.dataframe would import pandas and pyarrow (~100 MB) into the server."""
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    return "\n".join(["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
                     + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows])


st.title("🎨 GAN Studio")
st.write("Color a sketch, steer a GAN with sliders, set the codes an InfoGAN found by itself, and hear a WaveNet "
         "play your melody: every model here was trained from openly licensed data that ships in packages, and runs "
         "fast on a plain CPU. **Start with any card.**")

shown = [f for f in families.shown() if f.name in TRY]
for row in range(0, len(shown), 2):
    for column, family in zip(st.columns(2), shown[row:row + 2]):
        with column:
            card(family)

try:
    device_text = describe(pick_device())
except RuntimeError as err:
    device_text = f"unavailable ({err})"
st.caption(f"Inference runs on: **{device_text}**")

rows, problems = model_status()
for name, note in problems:  # a bad file in GAN_STUDIO_WEIGHTS_DIR (or elsewhere) is said, never skipped
    st.warning(f"**{name}:** {plain(note, limit=1000)}")
with st.expander("Models and weights"):
    if not rows:
        st.info("No models are registered yet.")
    for family in families.FAMILIES.values():
        if family.name in rows:
            st.markdown(f"**{family.page_title or 'Used for evaluation'}**: {family.summary}")
            st.markdown(markdown_table(rows[family.name]))
    st.caption("Weights are checked against their SHA-256 before use. Missing weights download on first use "
               "when GAN_STUDIO_WEIGHTS_URL is set.")
