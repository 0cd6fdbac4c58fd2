"""GAN Studio: the Streamlit entry point. It sets up navigation (each page lives in pages/) and, on the first visit
after a server start, begins loading the most used models in the background."""
import streamlit as st

from models.warmup import warm_in_background

st.set_page_config(page_title="GAN Studio", page_icon="🎨", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/sketch_colorizer.py", title="Sketch Colorizer", icon="🖍️"),
    st.Page("pages/photo_colorizer.py", title="Photo Colorizer", icon="📷"),
    st.Page("pages/latent_explorer.py", title="Latent Explorer", icon="🎚️"),
    st.Page("pages/infogan_controls.py", title="InfoGAN Controls", icon="🔢"),
    st.Page("pages/wavenet_audio.py", title="WaveNet Audio", icon="🎵"),
]

warm_in_background()
st.navigation(PAGES).run()
