"""InfoGAN as an encoder (models/infogan/read.py): the code reader reads the generator's own codes back, a drawn digit
is read as its digit, `python -m models invert infogan-mnist` writes NAME.png + NAME.json, and the InfoGAN page's
"Start from your image" (pages/infogan_own.py) reads an upload and restyles it."""
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
from streamlit.testing.v1 import AppTest

from models import registry
from models.cli import main as cli_main
from models.infogan.read import READER_NAME, load_reader
from training.common.rendered_digits import stroke_digit
from tests.support.apptest_helpers import image_urls

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "infogan_controls.py")


@pytest.fixture(scope="module")
def reader():
    torch.set_num_threads(1)
    return load_reader()


def png(picture: Image.Image) -> bytes:
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def test_the_shipped_weights_have_no_q_head_so_a_reader_ships():
    from safetensors import safe_open

    with safe_open(str(ROOT / "models" / "weights" / "infogan-mnist.safetensors"), "pt") as handle:
        assert not any(k.startswith(("Q.", "body.")) for k in handle.keys())  # generator only
    entry = registry.get(READER_NAME)
    assert entry.family == "encoder" and entry.config["generator"] == "infogan-mnist"
    assert (ROOT / "models" / "cards" / f"{READER_NAME}.md").exists()


def test_own_samples_are_read_back(reader):
    model = reader.model
    gen = torch.Generator().manual_seed(5)
    digits = [d for d in range(10) for _ in range(3)]
    rotations = (torch.rand(30, generator=gen) * 1.6 - 0.8).tolist()
    widths = (torch.rand(30, generator=gen) * 1.6 - 0.8).tolist()
    images = model.generate_batch(digits, rotations, widths, list(range(100, 130)))
    readings = reader.read(images)
    assert np.mean([r.digit == d for r, d in zip(readings, digits)]) >= 0.9
    assert np.corrcoef([r.rotation for r in readings], rotations)[0, 1] > 0.7
    assert np.mean([r.error for r in readings]) < 0.06
    first = reader.read(images, steps=0)
    assert np.mean([r.error for r in readings]) < np.mean([r.error for r in first])  # the steps improve the guess
    for r in readings:
        assert r.noise.shape == (62,) and r.noise.abs().max() <= 1 and abs(r.rotation) <= 1 and abs(r.width) <= 1


def test_restyle_writes_the_hand_as_every_digit(reader):
    reading = reader.read(reader.model.generate(3, 0.3, -0.2, 17).unsqueeze(0))[0]
    images = reader.model.restyle(reading.noise, reading.rotation, reading.width)
    assert images.shape == (10, 1, 28, 28)
    seen = reader.classifier.predict(images)[0].tolist()
    assert sum(s == d for d, s in enumerate(seen)) >= 8, seen
    again = reader.model.restyle(reading.noise, 1.0, reading.width)
    assert (again - images).abs().mean() > 0.01  # the rotation slider changes it
    with pytest.raises(ValueError):
        reader.model.generate_with_noise([3], [0.0], [0.0], torch.full((1, 62), float("nan")))


def test_drawn_digits_are_read_as_their_digit(reader):
    read = [reader.read_picture(stroke_digit(d, width=24)).digit for d in range(10)]
    assert sum(r == d for d, r in enumerate(read)) >= 7, read


def test_recorded_digit_read_meets_the_target():
    metrics = registry.get(READER_NAME).metrics
    assert metrics["reader_n_test"] >= 1000
    assert metrics["reader_digit_accuracy_test"] >= 0.9, metrics["reader_digit_accuracy_test"]


def test_cli_out_dir_writes_png_and_codes(tmp_path):
    for digit in (2, 5):
        stroke_digit(digit).save(tmp_path / f"d{digit}.png")
    out = tmp_path / "out"
    assert cli_main(["invert", "infogan-mnist", str(tmp_path / "d2.png"), str(tmp_path / "d5.png"),
                     "--out-dir", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["d2.json", "d2.png", "d5.json", "d5.png"]
    codes = json.loads((out / "d5.json").read_text())
    assert set(codes) == {"digit", "rotation", "width", "noise"} and len(codes["noise"]) == 62
    assert codes["digit"] in range(10) and -1 <= codes["rotation"] <= 1 and -1 <= codes["width"] <= 1
    assert Image.open(out / "d5.png").size == (28, 28)
    dcgan = tmp_path / "dc"
    assert cli_main(["invert", "dcgan-mnist", str(tmp_path / "d2.png"), "--out-dir", str(dcgan)]) == 0
    assert set(json.loads((dcgan / "d2.json").read_text())) == {"z"}


def test_cli_infogan_draws_again_from_the_written_codes(tmp_path):
    stroke_digit(6).save(tmp_path / "six.png")
    assert cli_main(["invert", "infogan-mnist", str(tmp_path / "six.png"), "--out-dir", str(tmp_path / "r")]) == 0
    codes = tmp_path / "r" / "six.json"
    digit = json.loads(codes.read_text())["digit"]
    assert cli_main(["infogan", "--codes", str(codes), "--out", str(tmp_path / "again.png")]) == 0
    again = np.asarray(Image.open(tmp_path / "again.png"), dtype=float)
    recon = np.asarray(Image.open(tmp_path / "r" / "six.png"), dtype=float)
    assert np.abs(again - recon).mean() < 2  # the same image, up to the JSON's rounding (0-255 scale)
    other = (digit + 1) % 10
    assert cli_main(["infogan", "--codes", str(codes), "--digit", str(other), "--out", str(tmp_path / "o.png")]) == 0
    assert np.abs(np.asarray(Image.open(tmp_path / "o.png"), dtype=float) - recon).mean() > 5  # another digit
    for bad in ('{"digit": 3}', '{"digit": 3, "rotation": 0, "width": 0, "noise": [0]}',
                '{"digit": 11, "rotation": 0, "width": 0, "noise": []}', "not json", "[1, 2]"):
        (tmp_path / "bad.json").write_text(bad)
        out = subprocess.run([sys.executable, "-m", "models", "infogan", "--codes", str(tmp_path / "bad.json"),
                              "--out", str(tmp_path / "b.png")], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == 2 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "b.png").exists()


def test_cli_infogan_bad_input_is_one_line(tmp_path):
    (tmp_path / "notes.png").write_bytes(b"hello")
    Image.new("L", (40, 40), 255).save(tmp_path / "blank.png")
    for args in ([str(tmp_path / "notes.png"), "--out", str(tmp_path / "a.png")],
                 [str(tmp_path / "blank.png"), "--out-dir", str(tmp_path / "o")],
                 [str(tmp_path / "missing.png"), "--out", str(tmp_path / "a.png")]):
        bad = subprocess.run([sys.executable, "-m", "models", "invert", "infogan-mnist", *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_page_reads_an_upload_then_the_sliders_restyle_it():
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception
    at.file_uploader(key="ig_upload").upload("four.png", png(stroke_digit(4, width=24)), "image/png").run()
    assert not at.exception and not at.error
    read = [m for m in at.metric if m.label == "Read as"]
    assert read and read[0].value.startswith("digit ")
    before = image_urls(at)
    at.slider(key="ig_own_rotation").set_value(1.0).run()
    assert not at.exception and image_urls(at) != before
    at.slider(key="ig_own_width").set_value(-1.0).run()
    assert not at.exception


def test_page_refuses_a_malformed_or_blank_upload():
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.file_uploader(key="ig_upload").upload("notes.png", b"hello", "image/png").run()
    assert not at.exception and len(at.error) == 1 and "notes.png" in at.error[0].value
    at.file_uploader(key="ig_upload").upload("blank.png", png(Image.new("L", (50, 50), 255)), "image/png").run()
    assert not at.exception and len(at.warning) == 1
    assert not [m for m in at.metric if m.label == "Read as"]


def test_page_the_read_handwriting_travels_in_the_link():
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    at.file_uploader(key="ig_upload").upload("four.png", png(stroke_digit(4, width=24)), "image/png").run()
    at.slider(key="ig_own_rotation").set_value(0.5).run()
    hand, rotation = at.query_params["hand"], at.query_params["hand_rotation"]
    hand = hand[0] if isinstance(hand, list) else hand
    rotation = rotation[0] if isinstance(rotation, list) else rotation
    shown = [u for u in image_urls(at)]
    linked = AppTest.from_file(PAGE, default_timeout=180)
    linked.query_params.update({"hand": hand, "hand_rotation": rotation})
    linked.run()
    assert not linked.exception and not linked.warning, [w.value for w in linked.warning]
    assert linked.session_state["ig_own_rotation"] == 0.5
    restyled = linked.session_state["ig_own_reading"].noise
    assert torch.allclose(restyled, at.session_state["ig_own_reading"].noise.half().float(), atol=1e-3)
    assert len(image_urls(linked)) >= len(shown) - 2  # the restyle grid is there without the upload's two pictures


@pytest.mark.parametrize("hand", ["!!!", "AAAA", "A" * 5000, "_" * 166])
def test_page_a_malformed_hand_in_the_link_is_named_and_ignored(hand):
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params["hand"] = hand
    at.run()
    assert not at.exception and len(at.warning) == 1 and "hand=" in at.warning[0].value
    assert "ig_own_reading" not in at.session_state
