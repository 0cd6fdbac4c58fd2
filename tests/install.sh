#!/bin/sh
# Installs everything the test suite needs on a fresh Debian machine: system packages, then Python packages.
set -e
PKGS="fluidsynth fluid-soundfont-gm chromium chromium-driver fonts-noto-color-emoji haproxy"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
command -v npm >/dev/null 2>&1 || missing="$missing npm"  # ONNX Runtime Web for the live sliders (below)
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
python3 -m pip install -q -r requirements-dev.txt
# The WaveNet sampling loop compiled ahead of time (optional; without it the app uses numba's JIT).
python3 -m models build-kernel || echo "warning: no ahead-of-time WaveNet kernel; numba's JIT will be used"
# ONNX Runtime Web for the live sliders (npm onnxruntime-web, 14 MB, not committed; without it the server path stays).
sh bin/fetch-onnxruntime-web || echo "warning: no ONNX Runtime Web: the live slider tests will be skipped"
# A second environment with CPU-only torch, as a Heroku dyno runs the app: the memory tests start the server from it
# (the default Linux torch wheel maps ~500 MB of CUDA libraries into the process). A local wheel where pip finds one,
# else PyTorch's CPU wheel index.
if [ ! -x .venv-cpu/bin/streamlit ]; then
  python3 -m venv .venv-cpu
  .venv-cpu/bin/pip install -q "torch==2.13.0" 2>/dev/null \
    || .venv-cpu/bin/pip install -q "torch==2.14.1" --index-url https://download.pytorch.org/whl/cpu \
    || echo "warning: no CPU-only torch for .venv-cpu; the 512 MB memory tests will be skipped"
  grep -v -E '^(torch|torchvision)==' requirements.txt > .venv-cpu/requirements.txt
  .venv-cpu/bin/pip install -q -r .venv-cpu/requirements.txt || echo "warning: .venv-cpu is incomplete"
fi
