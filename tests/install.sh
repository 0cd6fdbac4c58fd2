#!/bin/sh
# Installs everything the test suite needs on a fresh Debian machine: system packages, then Python packages.
set -e
PKGS="fluidsynth fluid-soundfont-gm chromium chromium-driver fonts-noto-color-emoji"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
python3 -m pip install -q -r requirements-dev.txt
# The WaveNet sampling loop compiled ahead of time (optional; without it the app uses numba's JIT).
python3 -m models build-kernel || echo "warning: no ahead-of-time WaveNet kernel; numba's JIT will be used"
