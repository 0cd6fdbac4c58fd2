"""Home page: what each page does, which models are present or will download, and where inference runs."""
import streamlit as st

from models import registry, store
from models.device import describe, pick_device
from pages.common import run_through_app
from pages.plain import plain

run_through_app()

st.title("🎨 GAN Studio")
st.write(
    "Play with generative adversarial networks and WaveNet, all trained from openly licensed data "
    "that ships in packages, small enough to run fast on a plain CPU."
)

st.markdown(
    """
| Page | What you do there |
|---|---|
| 🖍️ **Sketch Colorizer** | Upload or draw a black-on-white line drawing; a pix2pix GAN colors it. Click to add colour hints. |
| 🎚️ **Latent Explorer** | Move sliders along a DCGAN's strongest latent directions and watch digits or clothes morph; interpolate between seeds. |
| 🔢 **InfoGAN Controls** | Pick a digit, rotation and stroke width: codes that an InfoGAN learned without ever seeing a label. |
| 🎵 **WaveNet Audio** | Type a melody, pick an instrument, and hear a WaveNet play it sample by sample. |
"""
)


@st.cache_data(ttl=60, show_spinner=False)
def model_table() -> list[dict]:
    rows = []
    for entry in registry.load_manifest().values():
        st_ = store.status(entry)
        notes = st_.get("problems") or []
        rows.append({
            "model": entry.name,
            "what": entry.title,
            "size": f"{entry.bytes / 1e6:.1f} MB",
            "status": "present ✅" if st_["present"] else ("corrupt ⚠️" if st_.get("corrupt") else st_["source"]),
            "from": st_["source"] if st_["present"] else "",
            "licence": entry.licence,
            "problems": notes,
        })
    return rows


st.subheader("Models")
try:
    device_text = describe(pick_device())
except RuntimeError as err:
    device_text = f"unavailable ({err})"
st.caption(f"Inference runs on: **{device_text}**")
rows = model_table()
for row in rows:  # a bad file in GAN_STUDIO_WEIGHTS_DIR (or elsewhere) is said, never skipped silently
    for note in row.pop("problems"):
        st.warning(f"**{row['model']}:** {plain(note, limit=1000)}")
if rows:  # a markdown table: st.table / st.dataframe would import pandas and pyarrow (~100 MB) into the server
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    st.markdown("\n".join(["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
                          + ["| " + " | ".join(cell(v) for v in row.values()) + " |" for row in rows]))
else:
    st.info("No models are registered yet.")
st.caption("Weights are checked against their SHA-256 before use. Missing weights download on first use "
           "when GAN_STUDIO_WEIGHTS_URL is set.")
