"""Live sliders, server side: the exported ONNX generators match their manifest records and the shipped weights,
compute the same images as the PyTorch path, and the app never imports onnx or onnxruntime."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from models import families, registry
from models.browser import files
from models.browser.export import LIVE_MODELS, check, live_graph

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", LIVE_MODELS)
def test_each_export_is_recorded_and_made_from_the_shipped_weights(name):
    record = files.records()[name]
    path = files.LIVE_DIR / record["file"]
    assert path.stat().st_size == record["bytes"] and files.sha256(path) == record["sha256"]
    assert record["weights_sha256"] == registry.get(name).sha256, "stale export: run python -m models export-onnx"
    assert files.live_record(name, registry.get(name).sha256) == record
    assert files.live_record(name, "0" * 64) is None  # made from other weights: the page keeps the server path


@pytest.mark.parametrize("name", LIVE_MODELS)
def test_onnx_matches_the_pytorch_forward(name):
    torch.set_num_threads(1)
    entry = registry.get(name)
    model = families.package(entry.family).from_entry(entry, torch.device("cpu"))
    result = check(entry, model, files.LIVE_DIR / files.records()[name]["file"], states=12, seed=1)
    assert result["max_abs_diff"] < 1e-4, result
    assert result["max_pixel_diff"] <= 1 and result["pixels_differing"] <= result["pixels_compared"] * 1e-3, result


def test_the_int8_layer_stays_int8_in_the_graph():
    """dcgan-mnist's 6.4 M-weight FC layer ships as int8: the export must not grow it back to 26 MB of fp32."""
    import onnx

    graph = onnx.load(str(files.LIVE_DIR / "dcgan-mnist.onnx")).graph
    int8 = [i for i in graph.initializer if i.data_type == onnx.TensorProto.INT8]
    assert int8 and max(int(np.prod(i.dims)) for i in int8) == 6272 * 1024
    assert files.records()["dcgan-mnist"]["bytes"] < 10e6


def test_the_graph_follows_the_sliders():
    """A check that can fail: moving a SeFa slider changes the exported graph's output, as it changes the server's."""
    import onnxruntime as ort

    entry = registry.get("dcgan-mnist")
    model, _graph, _example, _names, _inputs = live_graph(entry)
    session = ort.InferenceSession(str(files.LIVE_DIR / "dcgan-mnist.onnx"), providers=["CPUExecutionProvider"])
    base = model.latent(7)[None].numpy()
    still = session.run(["image"], {"base": base, "sefa": np.zeros((1, 8), np.float32),
                                    "raw": np.zeros((1, 16), np.float32)})[0]
    moved = session.run(["image"], {"base": base, "sefa": np.array([[3.0] + [0] * 7], np.float32),
                                    "raw": np.zeros((1, 16), np.float32)})[0]
    assert still.dtype == np.uint8 and still.shape == (1, 1, 28, 28)
    assert np.abs(still.astype(int) - moved.astype(int)).max() > 50


def test_the_pages_never_import_onnx_or_onnxruntime():
    code = ("import sys\n"
            "from streamlit.testing.v1 import AppTest\n"
            "for page in ('pages/latent_explorer.py', 'pages/infogan_controls.py'):\n"
            "    at = AppTest.from_file(page, default_timeout=120).run()\n"
            "    assert not at.exception, at.exception\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('onnx', 'onnxruntime', 'onnxscript'))\n"
            "print('IMPORTED', bad)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "IMPORTED []" in out.stdout, out.stdout
