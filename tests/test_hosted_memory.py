"""The hosted app inside a real 512 MB memory limit (a Linux memory cgroup, as a dyno charges memory) with three
and with ten visitors at once in real browsers: a sketch upload with hints, Latent Explorer sliders and an InfoGAN digit, WaveNet
audio. The server runs as the Procfile starts it, with CPU-only torch from .venv-cpu (made by tests/install.sh).
No visitor may see an error, the kernel may not OOM-kill anything, and the server must answer afterwards."""
from __future__ import annotations

import pytest

from tests.support.cgroup import unavailable
from tests.support.hosted import cpu_python, one_run, sessions

LIMIT_MB = 512


@pytest.mark.parametrize("visitors, rounds", [(3, 2), (10, 1)])
def test_visitors_at_once_fit_in_512_mb(visitors, rounds):
    reason = unavailable()
    python = cpu_python()
    if reason or python is None:
        pytest.skip(reason or "no CPU-only torch (tests/install.sh makes .venv-cpu; or set CPU_TORCH_PYTHON)")
    run = one_run(python, LIMIT_MB, rounds=rounds, visitors=sessions(visitors))
    print(f"{visitors} visitors: cgroup peak {run['peak_mb']:.0f} MB of {LIMIT_MB}, private at the end "
          f"{run['rss_anon_mb']:.0f} MB, latency {run['latency']}")
    assert run["oom_kills"] == 0, run
    assert run["healthy"], run
    assert not run["errors"], run["errors"]
