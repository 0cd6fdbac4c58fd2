"""The ahead-of-time WaveNet kernel: built from the same source, it computes what numba's JIT computes."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from models.wavenet import fast as wavenet_fast, kernel as wavenet_kernel
from models.wavenet.model import WaveNet

pytestmark = pytest.mark.skipif(not wavenet_kernel.cpu_supports_build(), reason="the build targets AVX2/FMA x86-64")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    directory = tmp_path_factory.mktemp("kernel")
    wavenet_kernel.build(directory)
    return directory


def run_with(kernel, monkeypatch, net, inputs, biases):
    monkeypatch.setattr(wavenet_kernel, "_chosen", ("test", kernel))
    steps = net.phase_step(torch.tensor([0, 2, 3])).numpy()
    sampler = wavenet_fast.Sampler(wavenet_fast.FusedWeights.from_net(net), biases, steps, onset=50)
    sampler.current[:] = inputs[:, 0]
    n = inputs.shape[1]
    forced = np.full((n, inputs.shape[0]), -1, np.int64)
    forced[: n // 2] = inputs[:, 1: n // 2 + 1].T  # teacher-forced first half, then sampled
    uniforms = np.random.default_rng(3).random((n, inputs.shape[0]))
    return sampler.run(n, uniforms=uniforms, forced=forced, temperature=0.8, keep_logits=True)


def test_compiled_kernel_equals_jit(built, monkeypatch):
    torch.manual_seed(0)
    net = WaveNet(n_instruments=2, n_pitches=4, layers_per_stack=4, stacks=2, residual=16, skip=24, cond=8,
                  harmonics=2, pitch_low=60).eval()
    for p in net.parameters():
        p.data.normal_(0, 0.2)
    inputs = np.random.default_rng(1).integers(0, 256, size=(3, 2 * net.receptive_field))
    with torch.inference_mode():
        c = net.cond_vector(torch.tensor([0, 1, 1]), torch.tensor([0, 2, 3]))
        biases = torch.stack([cond(c) + dil.bias for cond, dil in zip(net.condition, net.dilated)]).numpy()
    compiled = wavenet_kernel.load_compiled(built)
    assert compiled is not None
    out_c, logits_c = run_with(compiled, monkeypatch, net, inputs, biases)
    out_j, logits_j = run_with(wavenet_kernel.load_jit(), monkeypatch, net, inputs, biases)
    np.testing.assert_allclose(logits_c, logits_j, atol=1e-4, rtol=0)
    assert (out_c == out_j).mean() >= 0.99


def test_a_build_of_other_source_is_not_used(built, tmp_path):
    stale = tmp_path / "stale"
    stale.mkdir()
    for f in built.iterdir():
        (stale / f.name).write_bytes(f.read_bytes())
    assert wavenet_kernel.load_compiled(stale) is not None
    (stale / f"{wavenet_kernel.MODULE}.sha256").write_text("0" * 64 + "\n")
    assert wavenet_kernel.load_compiled(stale) is None
    assert wavenet_kernel.load_compiled(tmp_path / "missing") is None


@pytest.mark.parametrize("which", ["compiled", "jit"])
def test_generation_lets_other_threads_run(built, monkeypatch, which):
    """A long melody must not freeze other sessions: the loop releases the GIL. One uninterrupted chunk of several
    seconds runs in a thread while this thread ticks; with the GIL held, the longest gap between ticks would be the
    whole chunk."""
    import threading
    import time

    kernel = wavenet_kernel.load_compiled(built) if which == "compiled" else wavenet_kernel.load_jit()
    monkeypatch.setattr(wavenet_kernel, "_chosen", (which, kernel))
    torch.manual_seed(0)
    net = WaveNet(n_instruments=1, n_pitches=1, layers_per_stack=8, stacks=2, residual=32, skip=64, cond=8).eval()
    fused = wavenet_fast.FusedWeights.from_net(net)
    biases = np.zeros((len(net.dilations), 8, 64), np.float32)
    wavenet_fast.sample(fused, biases, 10, chunk=10)  # compile / load first
    started = time.perf_counter()
    worker = threading.Thread(target=wavenet_fast.sample, args=(fused, biases, 24_000), kwargs={"chunk": 24_000})
    worker.start()
    gaps, last = [], time.perf_counter()
    while worker.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
    worker.join()
    chunk_seconds = time.perf_counter() - started
    assert chunk_seconds > 1.0, "the chunk was too short to tell"
    assert max(gaps) < chunk_seconds / 3, f"longest pause of this thread {max(gaps):.2f} s in a {chunk_seconds:.2f} s chunk"


def test_jit_cache_goes_to_the_app_cache_directory(tmp_path):
    """With the JIT fallback, numba's compile cache lands in GAN_STUDIO_CACHE, not beside the source in models/."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = ("from models.wavenet import kernel as wavenet_kernel, fast as wavenet_fast; from models.wavenet.model import WaveNet; import numpy as np\n"
            "net = WaveNet(n_instruments=1, n_pitches=1, layers_per_stack=2, stacks=1, residual=4, skip=4, cond=2)\n"
            "assert wavenet_kernel.kernel_name() == 'jit'\n"
            "wavenet_fast.sample(wavenet_fast.FusedWeights.from_net(net), np.zeros((2, 1, 8), np.float32), 5)\n")
    before = set((root / "models" / "__pycache__").glob("*.nb*"))
    env = {**os.environ, "GAN_STUDIO_KERNEL": "jit", "GAN_STUDIO_CACHE": str(tmp_path)}
    env.pop("NUMBA_CACHE_DIR", None)
    subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True, timeout=300)
    assert list((tmp_path / "numba").rglob("*.nbi")), "no numba cache in GAN_STUDIO_CACHE"
    assert set((root / "models" / "__pycache__").glob("*.nb*")) <= before, "numba wrote beside the source"
