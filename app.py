"""GAN Studio: the Streamlit entry point. It only sets up navigation; each page lives in pages/."""
import streamlit as st

st.set_page_config(page_title="GAN Studio", page_icon="🎨", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/sketch_colorizer.py", title="Sketch Colorizer", icon="🖍️"),
    st.Page("pages/latent_explorer.py", title="Latent Explorer", icon="🎚️"),
    st.Page("pages/infogan_controls.py", title="InfoGAN Controls", icon="🔢"),
    st.Page("pages/wavenet_audio.py", title="WaveNet Audio", icon="🎵"),
]

st.navigation(PAGES).run()
