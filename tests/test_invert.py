"""GAN inversion (models/dcgan/invert.py): MNIST-like preparation, own samples recovered, a drawn digit keeps its
class, latents in links, the `invert` CLI, and the Latent Explorer's "Start from your image"."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from models.cli import main as cli_main
from models.dcgan.invert import latent_from_text, latent_to_text, load_inverter
from models.imaging import NoInkError, mnist_like
from training.common.rendered_digits import stroke_digit
from tests.support.apptest_helpers import image_urls

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "latent_explorer.py")


@pytest.fixture(scope="module")
def inverter():
    torch.set_num_threads(1)
    return load_inverter("dcgan-mnist")


def png(picture: Image.Image) -> bytes:
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def test_mnist_like_inverts_dark_ink_and_centres_it_in_a_20_pixel_box():
    target = mnist_like(stroke_digit(1, width=20, size=300))
    ink = (target[0] + 1) / 2
    assert target.shape == (1, 28, 28) and ink[0].max() == 0 and ink[:, 0].max() == 0  # black border
    rows, cols = torch.nonzero(ink > 0.05, as_tuple=True)
    assert rows.max() - rows.min() + 1 <= 21  # the longer side fits the 20 px box
    ys, xs = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    assert abs(float((ys * ink).sum() / ink.sum()) - 13.5) <= 1 and abs(float((xs * ink).sum() / ink.sum()) - 13.5) <= 1
    light_on_dark = Image.eval(stroke_digit(1, width=20, size=300), lambda v: 255 - v)  # already MNIST's polarity
    assert (mnist_like(light_on_dark) - target).abs().max() < 0.05
    with pytest.raises(NoInkError):
        mnist_like(Image.new("L", (64, 64), 255))


def test_own_samples_are_recovered_closely(inverter):
    model = inverter.model
    samples = model.generate(model.sample_latents(16, 2024))
    first = inverter.invert(samples, steps=0)
    refined = inverter.invert(samples)
    errors = torch.tensor([r.error for r in refined])
    assert errors.mean() < 0.05, errors  # mean pixel difference on the 0-1 scale
    assert errors.mean() < torch.tensor([r.error for r in first]).mean()  # the steps improve on the encoder's guess
    for r in refined:
        noise = (r.z - model.prior.centres[r.component]) / model.prior.spread
        assert noise.norm() <= inverter.config.max_radius * model.latent_dim ** 0.5 + 1e-3  # kept typical


def test_a_drawn_digit_keeps_its_class(inverter):
    kept = 0
    for digit in range(10):
        result = inverter.invert_picture(stroke_digit(digit, width=24))
        kept += int(inverter.classifier.predict(result.image.unsqueeze(0))[0]) == digit
    assert kept >= 8, kept


def test_latent_link_text_round_trips_and_refuses_bad_text():
    z = torch.randn(100) * 2
    text = latent_to_text(z)
    assert len(text) <= 270 and (latent_from_text(text, 100) - z).abs().max() < 0.01
    for bad in ("", "%%%", "A" * 5000, latent_to_text(torch.zeros(50)), "AAAA" * 50):
        with pytest.raises(ValueError):
            latent_from_text(bad, 100)
    nan = torch.full((100,), float("nan")).half().numpy().tobytes()
    import base64
    with pytest.raises(ValueError):
        latent_from_text(base64.urlsafe_b64encode(nan).decode(), 100)


def test_cli_writes_reconstructions_and_latents(tmp_path):
    for digit in (3, 7):
        stroke_digit(digit).save(tmp_path / f"d{digit}.png")
    assert cli_main(["invert", "dcgan-mnist", str(tmp_path / "d7.png"), "--out", str(tmp_path / "recon.png")]) == 0
    assert Image.open(tmp_path / "recon.png").size == (28, 28)
    assert len(json.loads((tmp_path / "recon.json").read_text())["z"]) == 100
    out = tmp_path / "out"
    assert cli_main(["invert", "dcgan-mnist", str(tmp_path / "d3.png"), str(tmp_path / "d7.png"),
                     "--out-dir", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["d3.json", "d3.png", "d7.json", "d7.png"]


def test_cli_bad_input_is_one_line(tmp_path):
    (tmp_path / "notes.png").write_bytes(b"hello")
    Image.new("L", (40, 40), 255).save(tmp_path / "blank.png")
    for args in (["invert", "dcgan-mnist", str(tmp_path / "notes.png"), "--out", str(tmp_path / "a.png")],
                 ["invert", "dcgan-mnist", str(tmp_path / "blank.png"), "--out", str(tmp_path / "a.png")],
                 ["invert", "dcgan-mnist", str(tmp_path / "missing.png"), "--out", str(tmp_path / "a.png")],
                 ["invert", "classifier-mnist", str(tmp_path / "blank.png"), "--out", str(tmp_path / "a.png")],
                 ["invert", "dcgan-mnist", str(tmp_path / "blank.png")]):
        bad = subprocess.run([sys.executable, "-m", "models", *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


def test_page_uploads_a_digit_then_a_slider_edits_it_and_the_link_carries_it():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="le_source").set_value("Your image").run()
    assert not at.exception
    at.file_uploader(key="le_upload").upload("seven.png", png(stroke_digit(7)), "image/png").run()
    assert not at.exception and not at.error
    assert any(m.label == "Fidelity" for m in at.metric)
    z_text = at.query_params["z"]
    z_text = z_text[0] if isinstance(z_text, list) else z_text
    assert len(latent_from_text(z_text, 100)) == 100
    before = image_urls(at)
    at.slider(key="le_sefa_0").set_value(3.0).run()
    assert not at.exception and image_urls(at) != before
    shared = AppTest.from_file(PAGE, default_timeout=120)
    shared.query_params.update({"model": "dcgan-mnist", "z": z_text})
    shared.run()
    assert not shared.exception and not shared.warning
    assert shared.radio(key="le_source").value == "Your image"


def test_page_refuses_a_malformed_upload_and_a_malformed_link_latent():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.radio(key="le_source").set_value("Your image").run()
    at.file_uploader(key="le_upload").upload("notes.png", b"hello", "image/png").run()
    assert not at.exception and len(at.error) == 1 and "notes.png" in at.error[0].value
    for bad in ("not-a-latent!", "A" * 2000):
        linked = AppTest.from_file(PAGE, default_timeout=120)
        linked.query_params.update({"model": "dcgan-mnist", "z": bad})
        linked.run()
        assert not linked.exception and len(linked.warning) == 1 and "z=" in linked.warning[0].value
        assert linked.radio(key="le_source").value == "A seed"
