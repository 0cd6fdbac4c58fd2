"""Sketch colorizer: any size in = same size out, the shipped model beats baselines on held-out emoji, hints steer it,
the CLI and the page work (the page through an AppTest upload and the sample gallery)."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from models import registry
from models.loading import load_model
from models.pix2pix.model import hint_planes, parse_colour

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "pix2pix"
MODEL = "pix2pix-openmoji"
pytestmark = pytest.mark.skipif(MODEL not in registry.load_manifest(), reason=f"{MODEL} not published yet")


@pytest.fixture(scope="module")
def colorizer():
    return load_model(MODEL)


def fixture_pairs():
    pairs = []
    for sketch_path in sorted(FIXTURES.glob("*_sketch.png")):
        colour_path = sketch_path.with_name(sketch_path.name.replace("_sketch", "_colour"))
        pairs.append((np.asarray(Image.open(sketch_path).convert("L")), np.asarray(Image.open(colour_path).convert("RGB"))))
    return pairs


def test_shipped_weights_are_fp16_and_small():
    from safetensors import safe_open

    entry = registry.get(MODEL)
    assert entry.bytes <= 30 * 1024 * 1024
    with safe_open(str(ROOT / "models" / "weights" / entry.file), "pt") as f:
        dtypes = {str(f.get_tensor(k).dtype) for k in f.keys()}
    assert "torch.float16" in dtypes and "torch.float32" not in dtypes


@pytest.mark.parametrize("size, mode", [((1, 1), "L"), ((3, 7), "RGB"), ((127, 129), "RGBA"), ((128, 128), "L"),
                                        ((513, 200), "RGB"), ((50, 1000), "L"), ((640, 481), "RGBA")])
def test_output_has_the_input_size(colorizer, size, mode):
    image = Image.new(mode, size, "white")
    ImageDraw.Draw(image).ellipse((0, 0, size[0] - 1, size[1] - 1), outline="black", width=max(1, min(size) // 40))
    out = colorizer.colorize(image, [{"x": size[0] / 2, "y": size[1] / 2, "color": "#00ff00"}])
    assert out.size == size and out.mode == "RGB"


def test_large_upload_keeps_crisp_lines(colorizer):
    image = Image.new("L", (900, 700), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 800, 600), outline=0, width=3)
    out = np.asarray(colorizer.colorize(image))
    assert out.shape == (700, 900, 3)
    assert out[100:103, 300:600].max() < 40  # the drawn 3 px line is still black at full resolution


@pytest.fixture(scope="module")
def fixture_scores(colorizer):
    """Mean scores on the held-out pairs kept as fixtures (all 416): both baselines, the model without and with
    5 hints: the same comparison as the model card's table."""
    from training.pix2pix.evaluate import held_out_hints, run_colorizer
    from training.pix2pix.scoring import fill_baseline, mean_scores, sketch_baseline

    pairs = fixture_pairs()
    assert len(pairs) >= 12
    sketches = np.stack([p[0] for p in pairs])
    truths = np.stack([p[1] for p in pairs])
    fill = np.array(json.loads((FIXTURES / "baseline.json").read_text())["mean_fill_colour"], np.uint8)
    no_hints = [np.zeros((4, *s.shape), np.float32) for s in sketches]
    return {
        "sketch": mean_scores([sketch_baseline(s) for s in sketches], truths),
        "fill": mean_scores([fill_baseline(s, fill) for s in sketches], truths),
        "model": mean_scores(run_colorizer(colorizer, sketches, no_hints), truths),
        "hinted": mean_scores(run_colorizer(colorizer, sketches, held_out_hints(sketches, truths)), truths),
    }


def beats(a: dict, b: dict, measure: str) -> bool:
    return a[measure] > b[measure] if measure in ("psnr", "ssim") else a[measure] < b[measure]


@pytest.mark.parametrize("measure", ["psnr", "ssim", "l1", "ciede2000"])
@pytest.mark.parametrize("baseline", ["sketch", "fill"])
def test_model_with_hints_beats_baselines(fixture_scores, baseline, measure):
    assert beats(fixture_scores["hinted"], fixture_scores[baseline], measure), fixture_scores


@pytest.mark.parametrize("measure", ["psnr", "ssim", "l1", "ciede2000"])
@pytest.mark.parametrize("baseline", ["sketch", "fill"])
def test_model_without_hints_beats_baselines(fixture_scores, baseline, measure):
    assert beats(fixture_scores["model"], fixture_scores[baseline], measure), fixture_scores


@pytest.mark.parametrize("measure", ["psnr", "ssim", "l1", "ciede2000"])
def test_hints_help(fixture_scores, measure):
    assert beats(fixture_scores["hinted"], fixture_scores["model"], measure), fixture_scores


def test_hints_change_the_output_near_the_hint(colorizer):
    image = Image.new("L", (256, 256), 255)
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 216, 216), outline=0, width=5)
    plain = np.asarray(colorizer.colorize(image), np.float32)
    hinted = np.asarray(colorizer.colorize(image, [{"x": 128, "y": 128, "color": "#0040ff"}]), np.float32)
    near = (slice(113, 144), slice(113, 144))
    far = (slice(0, 20), slice(0, 20))
    blue = np.array([0, 64, 255], np.float32)
    assert np.abs(hinted[near] - plain[near]).mean() > 10
    assert np.linalg.norm(hinted[near].mean((0, 1)) - blue) < np.linalg.norm(plain[near].mean((0, 1)) - blue)
    assert np.abs(hinted[far] - plain[far]).mean() < np.abs(hinted[near] - plain[near]).mean()


def test_bad_hints_are_clear_errors():
    with pytest.raises(ValueError, match="#rrggbb"):
        parse_colour("red")
    with pytest.raises(ValueError, match="needs x, y and color"):
        hint_planes([{"x": 1}], 8, 8, 1.0, 1.0, 3)
    planes = hint_planes([{"x": 100, "y": 100, "color": "#ffffff"}], 8, 8, 1.0, 1.0, 3)  # off the picture: ignored
    assert planes.sum() == 0


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "models", "colorize", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_single_and_batch(tmp_path):
    sketches = sorted(FIXTURES.glob("*_sketch.png"))[:2]
    hints = tmp_path / "hints.json"
    hints.write_text(json.dumps([{"x": 64, "y": 64, "color": "#ff8800"}]))
    done = run_cli(str(sketches[0]), "--out", str(tmp_path / "one.png"), "--hints", str(hints))
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "one.png").size == Image.open(sketches[0]).size
    done = run_cli(*map(str, sketches), "--out-dir", str(tmp_path / "many"))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == sorted(s.stem + ".png" for s in sketches)


@pytest.mark.parametrize("content, words", [(b"not a picture", "not a picture"), (b"", "empty")])
def test_cli_bad_input_is_one_line(tmp_path, content, words):
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    done = run_cli(str(bad), "--out", str(tmp_path / "o.png"))
    assert done.returncode != 0
    assert words in done.stderr and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_bad_hints_file(tmp_path):
    (tmp_path / "h.json").write_text("{oops")
    done = run_cli(str(sorted(FIXTURES.glob("*_sketch.png"))[0]), "--out", str(tmp_path / "o.png"),
                   "--hints", str(tmp_path / "h.json"))
    assert done.returncode == 2 and "not valid JSON" in done.stderr and "Traceback" not in done.stderr


def test_page_upload_gives_an_image_of_the_same_size():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=120).run()
    sketch = Image.open(sorted(FIXTURES.glob("*_sketch.png"))[0]).resize((150, 97))
    buf = io.BytesIO()
    sketch.save(buf, format="PNG")
    at.file_uploader(key="p2p_upload").upload("mine.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["p2p_result"][2] == (150, 97)
    assert at.get("download_button")
    assert not at.warning  # a line drawing gets no "not a line drawing" note
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (120, 160, 3), dtype=np.uint8))
    buf = io.BytesIO()
    noise.save(buf, format="PNG")
    at.file_uploader(key="p2p_upload").upload("noise.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not at.error
    assert at.warning and "does not look like a line drawing" in at.warning[0].value
    assert at.session_state["p2p_result"][2] == (160, 120)  # still colored, with the note
    assert Image.open(io.BytesIO(at.session_state["p2p_png"])).mode == "L"  # kept as the model reads it, not RGB
    at.file_uploader(key="p2p_upload").upload("notes.png", b"hello", "image/png").run()
    assert not at.exception and "not a picture" in at.error[0].value
    assert "p2p_result" not in at.session_state  # a refused upload leaves no picture of the last one behind


def test_page_sample_gallery():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=120).run()
    at.radio(key="p2p_source").set_value("Samples").run()
    at.button(key="p2p_sample_banana.png").click().run()
    assert not at.exception and not at.error
    assert at.session_state["p2p_result"][2] == Image.open(ROOT / "pages/samples/banana.png").size
    bad = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=120)
    bad.query_params["sample"] = "../../etc/passwd"
    bad.run()
    assert not bad.exception and bad.warning
