"""Home page: each page of the app with the models it uses (from the family table, models/families.py), whether
their weights are present or will download, and where inference runs."""
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from models import families, registry, store
from models.device import describe, pick_device

COLUMNS = ("model", "what", "size", "status", "from", "licence")

st.title("🎨 GAN Studio")
st.write(
    "Play with generative adversarial networks and WaveNet, all trained from openly licensed data "
    "that ships in packages, small enough to run fast on a plain CPU."
)


@st.cache_data(ttl=60, show_spinner=False)
def model_rows() -> dict[str, list[tuple[str, ...]]]:
    """Family name -> one row per manifest entry (COLUMNS)."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    for entry in registry.load_manifest().values():
        state = store.status(entry)
        status = "present ✅" if state["present"] else ("corrupt ⚠️" if state.get("corrupt") else state["source"])
        rows.setdefault(entry.family, []).append((entry.name, entry.title, f"{entry.bytes / 1e6:.1f} MB", status,
                                                  state["source"] if state["present"] else "", entry.licence))
    return rows


def markdown_table(rows: list[tuple[str, ...]]) -> str:
    """A markdown table: st.table / st.dataframe would import pandas and pyarrow (~100 MB) into the server."""
    cell = lambda v: str(v).replace("|", "\\|")  # noqa: E731
    return "\n".join(["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
                     + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows])


def page_link(family: families.Family) -> None:
    try:
        st.page_link(family.page, label=family.page_title, icon=family.icon)
    except StreamlitPageNotFoundError:  # this file run on its own (tests), outside app.py's navigation
        st.markdown(f"**{family.icon} {family.page_title}**")


st.subheader("Models")
try:
    device_text = describe(pick_device())
except RuntimeError as err:
    device_text = f"unavailable ({err})"
st.caption(f"Inference runs on: **{device_text}**")
rows = model_rows()
if not rows:
    st.info("No models are registered yet.")
for family in families.shown():
    page_link(family)
    st.write(family.summary)
    if family.name in rows:
        st.markdown(markdown_table(rows[family.name]))
judges = [f for f in families.FAMILIES.values() if f.page is None and f.name in rows]
if judges:
    st.markdown("**Used for evaluation**")
    for family in judges:
        st.caption(family.summary)
        st.markdown(markdown_table(rows[family.name]))
st.caption("Weights are checked against their SHA-256 before use. Missing weights download on first use "
           "when GAN_STUDIO_WEIGHTS_URL is set.")
