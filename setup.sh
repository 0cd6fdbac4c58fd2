#!/bin/sh
# Writes the Streamlit server config for Heroku (and any host that gives us $PORT).
mkdir -p ~/.streamlit
cat > ~/.streamlit/config.toml <<TOML
[server]
headless = true
port = ${PORT:-8501}
address = "0.0.0.0"
fileWatcherType = "none"
maxUploadSize = 20
maxWidgetStateSize = 1  # MB per client message: widget values are short (melody <= 1000 characters)
maxCacheDataSize = "64mb"  # all st.cache_data results together (colored PNGs): least recently used go
disconnectedSessionTTL = 30  # s a closed tab's session (its upload and pictures) is kept for a reconnect
enableStaticServing = true  # static/ at /app/static/: the live sliders' ONNX models and ONNX Runtime Web
enableXsrfProtection = true

[client]
toolbarMode = "viewer"
showErrorDetails = "none"  # never show a visitor a traceback with server paths

[browser]
gatherUsageStats = false
TOML
