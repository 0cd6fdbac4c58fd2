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


def pencil_house(paper, noise: float = 0.0, size=(320, 256), seed: int = 0) -> Image.Image:
    """A thin pencil-grey house on RGB paper, with grain of the given spread (grey levels) for a textured scan."""
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    ink = (105, 100, 95)
    draw.rectangle((80, 110, 240, 220), outline=ink, width=2)
    draw.polygon([(70, 112), (160, 40), (250, 112)], outline=ink, width=2)
    draw.rectangle((140, 160, 175, 220), outline=ink, width=2)
    pixels = np.asarray(image).astype(np.int16)
    if noise:
        pixels = pixels + np.random.default_rng(seed).normal(0, noise, pixels.shape[:2])[..., None].round().astype(np.int16)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


@pytest.mark.parametrize("paper, noise", [((245, 235, 210), 0), ((245, 235, 210), 6), ((225, 225, 225), 0),
                                          ((230, 228, 220), 10)])
def test_paper_stays_paper(colorizer, paper, noise):
    """Cream, light-grey and grainy paper come back clean white (the paper-tone step's choice), never grey; without
    the step the same sketch comes back grey (216 on cream), so this fails if the step goes."""
    out = np.asarray(colorizer.colorize(pencil_house(paper, noise)), np.float32)
    sky = out[:30].reshape(-1, 3)  # paper above the roof, far from any line
    assert np.linalg.norm(sky.mean(0) - 255) < 6, sky.mean(0)
    assert np.mean(np.abs(sky - 255).max(1) > 20) < 0.01  # no grain left as specks
    assert out[110:113, 100:220].mean() < 150  # the pencil wall line is still there


def test_white_paper_passes_the_paper_step_unchanged():
    from models.pix2pix.paper import whiten_paper

    sketch = pencil_house((255, 255, 255)).convert("L")
    assert whiten_paper(sketch).tobytes() == sketch.tobytes()
    dark = Image.new("L", (64, 64), 30)  # not light paper: left for line_art's warning, not stretched
    assert whiten_paper(dark).tobytes() == dark.tobytes()
    cream = np.asarray(whiten_paper(pencil_house((245, 235, 210))))
    assert cream[:30].min() == 255 and cream[110:112, 100:220].mean() < 140


def test_fill_layer_is_the_colours_without_lines(colorizer):
    image = Image.new("L", (900, 700), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 800, 600), outline=0, width=3)
    hints = [{"x": 450, "y": 350, "color": "#2040ff"}]
    layer = colorizer.fill_layer(image, hints)
    assert layer.size == image.size and layer.mode == "RGB"
    pixels = np.asarray(layer, np.float32)
    assert pixels[100:103, 300:600].min() > 60  # no black line in the layer
    assert np.linalg.norm(pixels[340:360, 440:460].mean((0, 1)) - [32, 64, 255]) < 60  # the hinted fill
    composed = pixels.astype(np.int32) * np.asarray(image, np.int32)[..., None] // 255  # multiplied with the lines
    assert np.abs(composed - np.asarray(colorizer.colorize(image, hints), np.int32)).max() <= 3  # PIL rounds


def test_hint_sets_round_trip_and_scale():
    from models.pix2pix.hints import fit_hints, hint_set_json, load_hint_set, normal_colour

    assert normal_colour("#0F0") == "#00ff00" and normal_colour(" ab12CD ") == "#ab12cd"
    for bad in ["", "#12", "#12345", "#ggg", "red", "#1234567", "#" + "f" * 5000]:
        with pytest.raises(ValueError, match="#rrggbb"):
            normal_colour(bad)
    saved = hint_set_json([{"x": 50.0, "y": 20.0, "color": "#ff0000"}], 100, 80)
    hints, size = load_hint_set(saved, "the file")
    assert size == (100, 80) and hints == [{"x": 50.0, "y": 20.0, "color": "#ff0000"}]
    assert fit_hints(hints, size, 300, 40) == [{"x": 150.0, "y": 10.0, "color": "#ff0000"}]
    assert fit_hints(hints, None, 300, 40) == hints


@pytest.mark.parametrize("text, words", [
    ("{oops", "not valid JSON"),
    ('[{"x": NaN, "y": 1, "color": "#fff"}]', "NaN"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"width": 10, "height": 10, "hints": [{"x": 1, "y": 1, "color": "#fff"}], "more": 1}', "width"),
    ('{"width": -5, "height": 10, "hints": []}', "width and height"),
    ('{"width": 1e300, "height": 10, "hints": []}', "width and height"),
    ('[{"x": 1e200, "y": 1, "color": "#fff"}]', "positions run from 0"),
    ('[{"x": -1, "y": 1, "color": "#fff"}]', "positions run from 0"),
    ('[{"x": 1, "y": 1, "color": "blue"}]', "#rrggbb"),
    ('"just text"', "must hold a list"),
    (json.dumps([{"x": 1, "y": 1, "color": "#000"}] * 1001), "at most 1000"),
    (" " * (1 << 20) + "[]", "larger than"),
])
def test_bad_hint_sets_are_one_clear_message(text, words):
    from models.pix2pix.hints import load_hint_set

    with pytest.raises(ValueError, match=words) as err:
        load_hint_set(text.encode(), "hints.json")
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_cli_layers_writes_two_pngs(tmp_path):
    sketch = sorted(FIXTURES.glob("*_sketch.png"))[0]
    saved = tmp_path / "set.json"  # a hint set saved by the page on a sketch twice this size
    width, height = Image.open(sketch).size
    saved.write_text(json.dumps({"width": 2 * width, "height": 2 * height,
                                 "hints": [{"x": width, "y": height, "color": "#f80"}]}))
    done = run_cli(str(sketch), "--out", str(tmp_path / "one.png"), "--layers", "--hints", str(saved))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["one.png", "one_fill.png"]
    colored, layer = Image.open(tmp_path / "one.png"), Image.open(tmp_path / "one_fill.png")
    assert colored.size == layer.size == (width, height) and layer.mode == "RGB"
    assert np.asarray(layer.convert("L")).min() > np.asarray(colored.convert("L")).min()  # the lines are not in it
    done = run_cli(str(sketch), "--out-dir", str(tmp_path / "many"), "--layers")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == [sketch.stem + ".png", sketch.stem + "_fill.png"]


def test_cli_layers_bad_hints_one_line(tmp_path):
    (tmp_path / "h.json").write_text('{"width": 0, "height": 1, "hints": []}')
    done = run_cli(str(sorted(FIXTURES.glob("*_sketch.png"))[0]), "--out", str(tmp_path / "o.png"), "--layers",
                   "--hints", str(tmp_path / "h.json"))
    assert done.returncode == 2 and "width and height" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.png"))


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


def page_with_upload(size=(150, 97), name="mine.png"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "sketch_colorizer.py"), default_timeout=120).run()
    buf = io.BytesIO()
    Image.open(sorted(FIXTURES.glob("*_sketch.png"))[0]).resize(size).save(buf, format="PNG")
    at.file_uploader(key="p2p_upload").upload(name, buf.getvalue(), "image/png").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at, buf.getvalue()


def test_page_hex_colour_entry_and_it_stays_chosen():
    at, _ = page_with_upload()
    at.text_input(key="p2p_hex").set_value("#0f0").run()
    assert not at.exception and not at.warning
    assert at.session_state["p2p_colour"] == "#00ff00" and at.color_picker(key="p2p_colour_picker").value == "#00ff00"
    at.text_input(key="p2p_hex").set_value("[x](javascript:alert) <b>").run()
    assert not at.exception and at.warning and "#rrggbb" in at.warning[0].value
    assert "\\[x\\]" in at.warning[0].value and "\\<b\\>" in at.warning[0].value  # shown as text (pages/plain.py)
    assert at.session_state["p2p_colour"] == "#00ff00"  # a bad entry leaves the colour as it was
    at.file_uploader(key="p2p_upload").upload("notes.png", b"hello", "image/png").run()  # no sketch, no picker
    assert "p2p_png" not in at.session_state
    buf = io.BytesIO()
    Image.new("L", (80, 60), 255).save(buf, format="PNG")
    at.file_uploader(key="p2p_upload").upload("other.png", buf.getvalue(), "image/png").run()
    assert not at.exception and at.session_state["p2p_result"][2] == (80, 60)
    assert at.color_picker(key="p2p_colour_picker").value == "#00ff00"  # still the chosen colour on a new sketch


def test_page_loads_a_hint_set_scaled_to_the_sketch():
    at, _ = page_with_upload()
    saved = json.dumps({"width": 300, "height": 194, "hints": [{"x": 150, "y": 97, "color": "#00f"}]}).encode()
    at.file_uploader(key="p2p_hints_file").upload("palette.json", saved, "application/json").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["p2p_hints"] == [{"x": 75.0, "y": 48.5, "color": "#0000ff"}]
    assert json.loads(at.session_state["p2p_result"][0][1]) == at.session_state["p2p_hints"]  # colored with them
    labels = [b.label for b in at.get("download_button")]
    assert "Save hints (JSON)" in labels and "Download fill layer (PNG)" in labels and "Download PNG" in labels


@pytest.mark.parametrize("content, words", [
    (b'[{"x": NaN, "y": 1, "color": "#fff"}]', "NaN"),
    (b"{oops", "not valid JSON"),
    (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
    (json.dumps([{"x": 1, "y": 1, "color": "#000"}] * 1001).encode(), "at most 1000"),
    (b'[{"x": 5000, "y": 1, "color": "#000"}]', "outside the 150 x 97 picture"),
    (b'{"width": 1e999, "height": 1, "hints": []}', "too large"),
])
def test_page_bad_hint_file_is_a_clear_message(content, words):
    at, _ = page_with_upload()
    at.file_uploader(key="p2p_hints_file").upload("bad.json", content, "application/json").run()
    assert not at.exception and at.error and words in at.error[0].value.replace("\\", "")
    assert at.session_state["p2p_hints"] == [] and at.session_state["p2p_result"][2] == (150, 97)


def test_page_switching_sources_keeps_each_sketch():
    at, _ = page_with_upload()
    upload_id = at.session_state["p2p_source_id"]
    at.radio(key="p2p_source").set_value("Samples").run()
    assert not at.exception and "p2p_png" not in at.session_state  # the Samples tab shows its own (none yet)
    at.button(key="p2p_sample_banana.png").click().run()
    assert not at.exception and at.session_state["p2p_source_id"] == "sample:banana.png"
    assert [h.value for h in at.subheader] == ["Your sketch", "Colored", "More samples"]  # the result on top
    at.radio(key="p2p_source").set_value("Draw").run()
    assert not at.exception and "p2p_png" not in at.session_state
    at.radio(key="p2p_source").set_value("Upload").run()
    assert not at.exception and not at.error
    assert at.session_state["p2p_source_id"] == upload_id and at.session_state["p2p_result"][2] == (150, 97)
    assert at.image  # the result is shown again
    at.radio(key="p2p_source").set_value("Samples").run()
    assert at.session_state["p2p_source_id"] == "sample:banana.png"
