"""The hosted app inside a real 512 MB memory limit (a Linux memory cgroup, as a dyno charges memory) with three
visitors at once in real browsers: a sketch upload with hints, Latent Explorer sliders and an InfoGAN digit, WaveNet
audio. The server runs as the Procfile starts it, with CPU-only torch from .venv-cpu (made by tests/install.sh).
No visitor may see an error, the kernel may not OOM-kill anything, and the server must answer afterwards."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.cgroup import available
from tests.support.hosted import one_run

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-cpu"
LIMIT_MB = 512


def cpu_venv_problem() -> str | None:
    python = VENV / "bin" / "python"
    if not python.exists():
        return f"no {VENV.name} (tests/install.sh makes it: CPU-only torch, as on Heroku)"
    probe = subprocess.run([str(python), "-c", "import torch, streamlit; print(torch.version.cuda)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"{VENV.name} is broken: {probe.stderr[-300:]}"
    if probe.stdout.strip() != "None":
        return f"{VENV.name} has a CUDA build of torch (cuda {probe.stdout.strip()}), not the CPU-only one"
    return None


def test_three_visitors_at_once_fit_in_512_mb():
    reason = available() or cpu_venv_problem()
    if reason:
        pytest.skip(reason)
    run = one_run(VENV, LIMIT_MB, rounds=2)
    print(f"cgroup peak {run['peak_mb']:.0f} MB of {LIMIT_MB}, private at the end {run['rss_anon_mb']:.0f} MB")
    assert run["oom_kills"] == 0, run
    assert run["healthy"], run
    assert not run["errors"], run["errors"]
