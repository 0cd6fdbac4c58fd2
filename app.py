"""GAN Studio: the Streamlit entry point. It only sets up navigation; each page lives in pages/."""
import streamlit as st

st.set_page_config(page_title="GAN Studio", page_icon="🎨", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
]

st.navigation(PAGES).run()
