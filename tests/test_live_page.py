"""Live sliders, the pages' side (AppTest, no browser): what the component is given is what the server draws from
(the seed's base latent, the sliders' keys and values, the model's verified export), and the server path alone
remains when the setting is off, the runtime is missing or the export is stale."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from models.browser import files
from models.infogan.model import noise_for_seed
from models.loading import load_model

ROOT = Path(__file__).resolve().parents[1]
LATENT, INFOGAN = str(ROOT / "pages" / "latent_explorer.py"), str(ROOT / "pages" / "infogan_controls.py")


@pytest.fixture()
def runtime(monkeypatch):
    """Pretend ONNX Runtime Web's files are in static/ (the pages only check that they are)."""
    monkeypatch.setattr(files, "runtime_present", lambda: True)


def specs(at) -> list[dict]:
    return [json.loads(json.loads(c.proto.json)["spec"]) for c in at.get("bidi_component")
            if c.proto.component_name == "gan_studio_live_generator"]


def test_latent_page_sends_the_seeds_latent_and_its_sliders(runtime):
    at = AppTest.from_file(LATENT, default_timeout=120)
    at.query_params.update({"seed": "123", "sefa": "1.5,0,-2", "raw": "0,0.5"})
    at.run()
    assert not at.exception
    (spec,) = specs(at)
    record = files.records()["dcgan-mnist"]
    assert spec["model"] == "dcgan-mnist" and spec["picture"] == "le_picture"
    assert spec["model_url"] == f"/app/static/live/dcgan-mnist.onnx?v={record['sha256'][:12]}"
    base = np.array(spec["inputs"]["base"]["values"], dtype=np.float32)
    assert np.array_equal(base, load_model("dcgan-mnist").latent(123).numpy())  # exactly the server's float32 latent
    assert spec["inputs"]["sefa"] == {"values": [1.5, 0, -2, 0, 0, 0, 0, 0], "keys": [f"le_sefa_{i}" for i in range(8)]}
    assert spec["inputs"]["raw"]["keys"] == [f"le_raw_{j}" for j in range(16)]
    assert spec["inputs"]["raw"]["values"][1] == 0.5
    # the server's own pictures are all still there (the fallback under the canvas): picture, strip, GIF, neighbours,
    # and the latent arithmetic's three groups, result row and neighbours (pages/latent_tools.py)
    assert len(at.image) == 9


def test_infogan_page_sends_noise_and_category_and_its_two_sliders(runtime):
    at = AppTest.from_file(INFOGAN, default_timeout=120)
    at.query_params.update({"digit": "7", "seed": "5", "rotation": "0.3"})
    at.run()
    assert not at.exception
    (spec,) = specs(at)
    model = load_model("infogan-mnist")
    base = spec["inputs"]["base"]["values"]
    assert np.array_equal(np.array(base[:62], dtype=np.float32), noise_for_seed(5).numpy())
    assert base[62:] == [1.0 if c == model.digit_to_category[7] else 0.0 for c in range(10)]
    assert spec["inputs"]["controls"] == {"values": [0.3, 0.0], "keys": ["ig_rotation", "ig_width"]}
    at.radio(key="ig_digit").set_value(2).run()
    assert specs(at)[0]["inputs"]["base"]["values"][62:] == [float(torch.nn.functional.one_hot(
        torch.tensor(model.digit_to_category[2]), 10)[c]) for c in range(10)]


def test_setting_off_keeps_the_server_path(runtime, monkeypatch):
    monkeypatch.setenv("GAN_STUDIO_LIVE", "off")
    at = AppTest.from_file(LATENT, default_timeout=120).run()
    assert not at.exception and specs(at) == [] and len(at.image) == 9  # as above


def test_no_runtime_or_a_stale_export_keeps_the_server_path(monkeypatch):
    monkeypatch.setattr(files, "runtime_present", lambda: False)
    at = AppTest.from_file(LATENT, default_timeout=120).run()
    assert not at.exception and specs(at) == []
    monkeypatch.setattr(files, "runtime_present", lambda: True)
    real = files.records()
    stale = {name: {**record, "weights_sha256": "0" * 64} for name, record in real.items()}
    monkeypatch.setattr(files, "records", lambda path=None: stale)
    at = AppTest.from_file(INFOGAN, default_timeout=120).run()
    assert not at.exception and specs(at) == []


def test_static_files_get_a_max_age_and_the_onnx_models_no_gzip():
    import asyncio

    import serve

    def served(path: str) -> tuple[dict, list]:
        seen, sent = {}, []

        async def inner(scope, receive, send):
            seen.update(dict(scope["headers"]))
            await send({"type": "http.response.start", "status": 200, "headers": []})

        async def send(message):
            sent.append(message)

        scope = {"type": "http", "path": path, "headers": [(b"accept-encoding", b"gzip")]}
        asyncio.run(serve.StaticFileHeaders(inner)(scope, None, send))
        return seen, sent[0]["headers"]

    seen, headers = served("/app/static/live/dcgan-mnist.onnx")
    assert b"accept-encoding" not in seen and (b"cache-control", b"public, max-age=604800") in headers
    seen, headers = served("/app/static/onnxruntime-web/ort-wasm-simd-threaded.wasm")
    assert seen[b"accept-encoding"] == b"gzip" and any(k == b"cache-control" for k, _ in headers)
    seen, headers = served("/latent_explorer")
    assert seen[b"accept-encoding"] == b"gzip" and headers == []
