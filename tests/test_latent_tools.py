"""Latent arithmetic (models/dcgan/arithmetic.py, `python -m models arithmetic`), the Latent Explorer's tools for your
own images (pages/latent_tools.py: two-image interpolation, A - B + C) and the measured slider names
(models/dcgan/directions.py, training/common/morpho.py)."""
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
from models.dcgan.arithmetic import MAX_GROUP, combine, parse_group
from models.dcgan.directions import slider_label
from models.loading import load_model
from training.common.rendered_digits import stroke_digit
from tests.support.apptest_helpers import image_urls

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "latent_explorer.py")


@pytest.fixture(scope="module")
def model():
    torch.set_num_threads(1)
    return load_model("dcgan-mnist")


def png(picture: Image.Image) -> bytes:
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def test_arithmetic_is_mean_a_minus_mean_b_plus_mean_c(model):
    a, b, c = model.latents([1, 2]), model.latents([3]), model.latents([4, 5, 6])
    done = combine(model, [a, b, c], n_neighbours=5, radius=0.5)
    assert torch.allclose(done.result, a.mean(0) - b.mean(0) + c.mean(0), atol=1e-5)
    assert done.means.shape == (3, 100) and done.neighbours.shape == (5, 100)
    assert 0 < (done.neighbours - done.result).norm(dim=1).mean() < 10
    same = combine(model, [a, a, c], n_neighbours=0)  # A - A + C = C
    assert torch.allclose(same.result, c.mean(0), atol=1e-5)


def test_slanted_sevens_minus_upright_sevens_plus_upright_ones_is_a_slanted_one():
    from models.dcgan.invert import load_inverter
    from training.common.morpho import slant

    inverter = load_inverter("dcgan-mnist")

    def latents(digit, lean):
        pictures = [stroke_digit(digit, width=w, slant=lean) for w in (16, 22, 28)]
        return torch.stack([r.z for r in inverter.invert(torch.stack([inverter.prepare(p) for p in pictures]))])

    done = combine(inverter.model, [latents(7, 0.35), latents(7, 0.0), latents(1, 0.0)], n_neighbours=0)
    images = inverter.model.generate(torch.cat([done.means, done.result.unsqueeze(0)]))
    leans = slant(images)
    assert leans[0] > leans[1] + 0.2  # A leans more than B
    assert leans[3] > leans[2] + 0.2  # so the result leans more than C (measured: 0.43 vs -0.09)
    assert int(inverter.classifier.predict(images[3:])[0][0]) == 1  # and is still a one


def test_arithmetic_refuses_bad_groups(model):
    ok = model.latents([1])
    for groups in ([ok, ok], [torch.empty(0, 100), ok, ok], [torch.zeros(MAX_GROUP + 1, 100), ok, ok],
                   [torch.full((1, 100), float("nan")), ok, ok], [torch.zeros(1, 7), ok, ok]):
        with pytest.raises(ValueError):
            combine(model, groups)
    assert parse_group("A", "7, 12,x.png") == [7, 12, "x.png"]
    for bad in ("", ",,", ",".join(["1"] * (MAX_GROUP + 1))):
        with pytest.raises(ValueError):
            parse_group("A", bad)


def test_cli_arithmetic_writes_the_picture_and_the_latent(tmp_path, model):
    stroke_digit(1).save(tmp_path / "one.png")
    out = tmp_path / "result.png"
    assert cli_main(["arithmetic", "dcgan-mnist", "--a", "1,2", "--b", "3", "--c", str(tmp_path / "one.png"),
                     "--out", str(out), "--neighbours", "4"]) == 0
    assert Image.open(out).size[0] > 4 * 28
    z = torch.tensor(json.loads(out.with_suffix(".json").read_text())["z"])
    expected = model.latents([1, 2]).mean(0) - model.latent(3)
    assert z.shape == (100,) and (z - expected).norm() > 1  # C, the inverted one, was added


def test_cli_arithmetic_bad_input_is_one_line(tmp_path):
    (tmp_path / "notes.png").write_bytes(b"hello")
    out = str(tmp_path / "r.png")
    for args in (["dcgan-mnist", "--a", "", "--b", "1", "--c", "2", "--out", out],
                 ["dcgan-mnist", "--a", "99999999999", "--b", "1", "--c", "2", "--out", out],
                 ["dcgan-mnist", "--a", str(tmp_path / "notes.png"), "--b", "1", "--c", "2", "--out", out],
                 ["dcgan-mnist", "--a", str(tmp_path / "missing.png"), "--b", "1", "--c", "2", "--out", out],
                 ["infogan-mnist", "--a", "1", "--b", "1", "--c", "2", "--out", out],
                 ["dcgan-mnist", "--a", "1", "--b", "1", "--c", "2", "--out", out, "--neighbours", "many"]):
        bad = subprocess.run([sys.executable, "-m", "models", "arithmetic", *args], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_morpho_measures_see_slant_and_thickness():
    from training.common.morpho import slant, thickness

    upright = stroke_digit(1, width=20)
    leaning = upright.transform(upright.size, Image.AFFINE, (1, 0.4, -0.4 * upright.size[1] / 2, 0, 1, 0),
                                fillcolor=255)
    thin, thick = stroke_digit(1, width=10), stroke_digit(1, width=40)
    from models.imaging import mnist_like

    batch = torch.stack([mnist_like(p) for p in (upright, leaning, thin, thick)])
    s, t = slant(batch), thickness(batch)
    assert abs(s[0]) < 0.1 and abs(s[1]) > 0.2
    assert t[3] > t[2] + 1


def test_slider_names_come_from_the_recorded_measurement():
    label = slider_label("dcgan-mnist", 0)
    assert label.startswith("Direction 1: ") and len(label) > len("Direction 1: ")
    assert slider_label("no-such-model", 0) == "Direction 1"
    report = registry.get("dcgan-mnist").metrics
    assert len(report["sefa_directions"]) == 8
    first = report["sefa_directions"][0]
    assert {"slant_change", "thickness_change_px", "width_change_px", "class_change_rate"} <= set(first)
    assert np.isfinite(first["slant_change"])


def test_page_interpolates_between_two_uploads():
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    assert not at.exception
    before = len(image_urls(at))
    at.file_uploader(key="lt_pair_a").upload("one.png", png(stroke_digit(1)), "image/png").run()
    at.file_uploader(key="lt_pair_b").upload("seven.png", png(stroke_digit(7)), "image/png").run()
    assert not at.exception and not at.error
    assert len(image_urls(at)) >= before + 2  # the strip and the GIF
    strip = image_urls(at)
    at.slider(key="lt_pair_steps").set_value(5).run()
    assert not at.exception and image_urls(at) != strip


def test_page_arithmetic_takes_seeds_and_uploads_and_refuses_bad_ones():
    at = AppTest.from_file(PAGE, default_timeout=180).run()
    before = image_urls(at)
    at.text_input(key="lt_ar_A_seeds").set_value("5, 6, 7").run()
    assert not at.exception and not at.error and image_urls(at) != before
    at.file_uploader(key="lt_ar_C_upload").upload("one.png", png(stroke_digit(1)), "image/png").run()
    assert not at.exception and not at.error
    at.text_input(key="lt_ar_B_seeds").set_value("3, seven").run()
    assert not at.exception and len(at.error) == 1 and "Group B" in at.error[0].value
    at.text_input(key="lt_ar_B_seeds").set_value("3").run()
    at.file_uploader(key="lt_ar_A_upload").upload("notes.png", b"hello", "image/png").run()
    assert not at.exception and len(at.error) == 1 and "notes.png" in at.error[0].value
    at.file_uploader(key="lt_ar_B_upload").upload("blank.png", png(Image.new("L", (40, 40), 255)), "image/png").run()
    assert not at.exception and any("group B" in w.value for w in at.warning)  # no ink: named, the seeds still work
