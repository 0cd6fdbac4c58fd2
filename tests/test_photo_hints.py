"""Colour hints on the Photo Colorizer: the hint planes the network reads, a model without hint inputs refusing
them, the shipped model following hints (the hinted place is pulled toward the hint's colour), the CLI's --hints and
the page's hint file."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.photo.config import PhotoConfig
from models.photo.hints import colour_ab, hint_planes
from models.photo.lab import rgb_to_lab
from models.photo.model import PhotoColorizer
from models.photo.network import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "pages/samples/photo/nagasaki-boats.jpg"


def test_hint_planes_hold_the_chroma_at_the_scaled_place():
    planes = hint_planes([{"x": 500, "y": 100, "color": "#ff0000"}], (1000, 400), (250, 100), 2, 110.0)
    assert planes.shape == (3, 100, 250)
    ys, xs = np.nonzero(planes[2])
    assert (ys.min(), ys.max(), xs.min(), xs.max()) == (23, 27, 123, 127)  # 5 x 5 around (125, 25)
    a, b = colour_ab("#ff0000")
    assert a > 60 and np.allclose(planes[0][25, 125], a / 110) and np.allclose(planes[1][25, 125], b / 110)
    assert planes[:, 0, 0].tolist() == [0, 0, 0]


def test_a_model_without_hint_inputs_refuses_hints():
    torch.manual_seed(0)
    plain = PhotoColorizer(build(PhotoConfig()), PhotoConfig())
    with pytest.raises(ValueError, match="does not read colour hints"):
        plain.colorize(Image.new("L", (40, 30), 128), [{"x": 1, "y": 1, "color": "#ff0000"}])


def test_an_untrained_hint_model_keeps_size_and_takes_hints():
    config = PhotoConfig(hint_planes=3)
    torch.manual_seed(0)
    model = PhotoColorizer(build(config), config)
    out = model.colorize(Image.new("L", (77, 51), 128), [{"x": 10, "y": 10, "color": "#00ff00"}])
    assert out.size == (77, 51) and model.takes_hints


def shipped_hint_model() -> PhotoColorizer | None:
    from models.loading import load_model

    try:
        model = load_model("photo-colorizer")
    except Exception:  # noqa: BLE001 - not published here
        return None
    return model if model.takes_hints else None


def test_the_shipped_model_follows_hints():
    """A hint pulls the colour where it lies toward the hint (each of three colours; on average at least 40 % of the
    way) and leaves a far corner alone. Measured at 2194 steps: 70 %, 75 % and 6 % (green is pulled toward yellow
    there: the model's weakest colour; see the card)."""
    model = shipped_hint_model()
    if model is None:
        pytest.skip("the published photo-colorizer does not read hints")
    photo = Image.open(SAMPLE).convert("L").resize((320, 240))
    x, y = 160, 150
    plain = rgb_to_lab(np.asarray(model.colorize(photo)))
    before = plain[y - 3:y + 4, x - 3:x + 4, 1:].reshape(-1, 2).mean(0)
    pulled = []
    for colour in ["#d02020", "#2040d0", "#20a030"]:
        hinted = rgb_to_lab(np.asarray(model.colorize(photo, [{"x": x, "y": y, "color": colour}])))
        near = hinted[y - 3:y + 4, x - 3:x + 4, 1:].reshape(-1, 2).mean(0)
        want = np.array(colour_ab(colour))
        gap_before, gap_after = np.hypot(*(before - want)), np.hypot(*(near - want))
        assert gap_after < gap_before, (colour, near, before, want)
        pulled.append(1 - gap_after / gap_before)
        assert np.abs(hinted[:40, :40, 1:] - plain[:40, :40, 1:]).mean() < 4  # a far corner barely changes
    assert np.mean(pulled) >= 0.4, pulled


def test_cli_hints_refused_or_used_in_one_line(tmp_path):
    Image.open(SAMPLE).resize((161, 99)).save(tmp_path / "old.jpg")
    (tmp_path / "h.json").write_text(json.dumps([{"x": 80, "y": 50, "color": "#ff0000"}]))
    done = subprocess.run([sys.executable, "-m", "models", "photo", str(tmp_path / "old.jpg"), "--out",
                           str(tmp_path / "new.png"), "--hints", str(tmp_path / "h.json")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    if shipped_hint_model() is None:
        assert done.returncode == 2 and "does not read colour hints" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    else:
        assert done.returncode == 0, done.stderr
        assert Image.open(tmp_path / "new.png").size == (161, 99)
    (tmp_path / "bad.json").write_text('[{"x": 500, "y": 50, "color": "#ff0000"}]')  # outside the photo
    done = subprocess.run([sys.executable, "-m", "models", "photo", str(tmp_path / "old.jpg"), "--out",
                           str(tmp_path / "new2.png"), "--hints", str(tmp_path / "bad.json")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_page_hint_file_colours_with_the_hints():
    if shipped_hint_model() is None:
        pytest.skip("the published photo-colorizer does not read hints")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "photo_colorizer.py"), default_timeout=120).run()
    at.radio(key="photo_source").set_value("Upload").run()
    buf = io.BytesIO()
    Image.open(SAMPLE).resize((200, 150)).save(buf, format="PNG")
    at.file_uploader(key="photo_upload").upload("mine.png", buf.getvalue(), "image/png").run()
    saved = json.dumps({"width": 400, "height": 300, "hints": [{"x": 200, "y": 150, "color": "#f00"}]}).encode()
    at.file_uploader(key="photo_hints_file").upload("palette.json", saved, "application/json").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["photo_hints"] == [{"x": 100.0, "y": 75.0, "color": "#ff0000"}]
    assert json.loads(at.session_state["photo_result"][0][1]) == at.session_state["photo_hints"]
    at.file_uploader(key="photo_hints_file").upload("bad.json", b"{not json", "application/json").run()
    assert not at.exception and at.error
