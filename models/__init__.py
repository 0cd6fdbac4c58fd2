"""GAN Studio backend: networks, model registry, weight store and inference. Never imports Streamlit."""
