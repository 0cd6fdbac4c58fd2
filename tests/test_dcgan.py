"""DCGAN: seeded determinism, shipped quality (judged by the independent classifier), SeFa, interpolation, CLI, page."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from models.cli import main as cli_main
from models.dcgan.model import DCGANModel, LatentPrior, lerp, sefa, slerp
from models.dcgan.network import FCGenerator, Generator, build_discriminator, build_generator
from models.loading import load_model
from models.weights_io import dequantize_fill, quantize_state
from training.common.metrics import class_balance, recognizability
from tests.support.apptest_helpers import image_urls

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "latent_explorer.py")


@pytest.fixture(scope="module")
def model() -> DCGANModel:
    torch.set_num_threads(1)
    return load_model("dcgan-mnist")


def test_same_seed_same_image(model):
    assert torch.equal(model.latent(7), model.latent(7))
    assert not torch.equal(model.latent(7), model.latent(8))
    a = model.generate(model.latent(7))
    assert a.shape == (1, 1, 28, 28) and a.min() >= -1 and a.max() <= 1
    assert torch.equal(a, model.generate(model.latent(7)))
    assert not torch.equal(a, model.generate(model.latent(8)))
    batch = model.generate(model.latents([6, 7, 8]))  # batched = one by one
    assert torch.allclose(batch[1], a[0], atol=1e-5)


def test_gaussian_prior_is_torch_randn_and_mixture_prior_is_seeded():
    gen = lambda: torch.Generator().manual_seed(5)  # noqa: E731
    assert torch.equal(LatentPrior(100).sample(4, gen()), torch.randn(4, 100, generator=gen()))
    mix = LatentPrior(100, components=7, centre_seed=3)
    assert mix.config() == {"prior": {"components": 7, "centre_seed": 3, "spread": 1.0}}
    again = LatentPrior.from_config({"latent_dim": 100, **mix.config()})
    z = mix.sample(500, gen())
    assert torch.equal(z, again.sample(500, gen()))
    # every draw sits near its own centre: ~sqrt(100) away from it, ~sqrt(300) from the others
    distance = torch.cdist(z, mix.centres)
    assert (distance.min(dim=1).values < 13).all() and (distance.topk(2, largest=False).values[:, 1] > 13).all()
    assert len(distance.argmin(dim=1).unique()) == 7
    assert abs(z.norm(dim=1).mean() / mix.typical_norm - 1) < 0.05
    assert abs(LatentPrior(100).sample(500, gen()).norm(dim=1).mean() / LatentPrior(100).typical_norm - 1) < 0.05
    with pytest.raises(ValueError):
        LatentPrior(100, components=-1)


def test_a_mixture_prior_in_the_config_drives_the_models_latents():
    gen = build_generator("conv", 100, 8).eval()
    plain = DCGANModel(gen, {}, torch.device("cpu"))
    mixed = DCGANModel(gen, {"prior": {"components": 4, "centre_seed": 1, "spread": 1.0}}, torch.device("cpu"))
    assert torch.equal(plain.latent(3), torch.randn(100, generator=torch.Generator().manual_seed(3)))
    z = mixed.latent(3)
    assert torch.equal(z, mixed.latent(3)) and not torch.equal(z, plain.latent(3))
    assert torch.cdist(z[None], mixed.prior.centres).min() < 13
    assert torch.equal(mixed.sample_latents(6, 2), mixed.sample_latents(6, 2))


def judged_samples(model, n: int = 1000):
    z = model.sample_latents(n, 99)
    predicted, confidence = load_model("classifier-mnist").predict(model.generate(z))
    ratio, counts = class_balance(predicted)
    return recognizability(confidence), ratio, counts


def test_shipped_mnist_generator_meets_targets(model):
    """Issue #3's targets on 1,000 fixed samples of the model's prior (seed 99, used by no report): >= 90 % classified
    with confidence >= 0.9 by the independent judge, class max/min frequency <= 2. See the model card."""
    share, ratio, counts = judged_samples(model)
    assert share >= 0.90, (share, counts)
    assert ratio <= 2.0, (ratio, counts)


def test_sefa_directions_are_orthonormal_and_sorted(model):
    directions, eigenvalues = model.sefa_directions()
    assert directions.shape == (model.latent_dim, model.latent_dim)
    assert torch.allclose(directions @ directions.T, torch.eye(model.latent_dim), atol=1e-4)
    assert (eigenvalues[:-1] >= eigenvalues[1:]).all() and eigenvalues[-1] >= -1e-4
    # the strongest direction is the top eigenvector of W^T W: it moves the first layer's output most
    w = model.generator.first_layer_weight.detach().reshape(model.latent_dim, -1)
    gains = (directions @ w).norm(dim=1)
    assert gains[0] >= gains.max() - 1e-4
    top8, _ = model.sefa_directions(8)
    assert torch.equal(top8, directions[:8])


def test_sefa_matches_a_known_matrix():
    weight = torch.zeros(3, 2)
    weight[0, 0], weight[1, 1], weight[2, 0] = 1.0, 3.0, 2.0  # rows = latent dims
    directions, eigenvalues = sefa(weight)
    assert torch.allclose(eigenvalues, torch.tensor([9.0, 5.0, 0.0]), atol=1e-5)
    assert torch.allclose(directions[0].abs(), torch.tensor([0.0, 1.0, 0.0]), atol=1e-5)


def test_edit_moves_along_directions(model):
    z = model.latent(3)
    directions, _ = model.sefa_directions(2)
    moved = model.edit(z, [2.0, -1.0], [0.5])
    expected = z + 2.0 * directions[0] - 1.0 * directions[1]
    expected[0] += 0.5
    assert torch.allclose(moved, expected, atol=1e-5)
    assert torch.equal(model.edit(z), z)


def test_slerp_and_lerp_endpoints(model):
    a, b = model.latent(1), model.latent(2)
    for fn in (slerp, lerp):
        assert torch.allclose(fn(a, b, 0.0), a, atol=1e-5) and torch.allclose(fn(a, b, 1.0), b, atol=1e-5)
    mid = slerp(a, b, 0.5)
    assert abs(mid.norm() - (a.norm() + b.norm()) / 2) < 0.15 * a.norm()  # stays near the shell, unlike lerp
    assert torch.allclose(slerp(a, a, 0.3), a, atol=1e-5)  # zero angle falls back to lerp, no NaN
    assert torch.allclose(slerp(a, 2 * a, 0.5), 1.5 * a, atol=1e-5)
    path = model.interpolate(a, b, 5, "slerp")
    assert path.shape == (5, model.latent_dim) and torch.allclose(path[0], a, atol=1e-5)
    with pytest.raises(ValueError):
        model.interpolate(a, b, 5, "cubic")


def test_neighbours_are_seeded_and_near(model):
    z = model.latent(5)
    n1 = model.neighbours(z, 16, 0.5, seed=1)
    assert n1.shape == (16, model.latent_dim)
    assert torch.equal(n1, model.neighbours(z, 16, 0.5, seed=1))
    assert not torch.equal(n1, model.neighbours(z, 16, 0.5, seed=2))
    assert ((n1 - z).norm(dim=1) < 0.5 * 15).all()


def test_generator_shapes_without_weights():
    g = Generator(width=8).eval()
    assert g(torch.randn(2, 100)).shape == (2, 1, 28, 28)
    for arch in ("conv", "fc"):
        g, d = build_generator(arch, 100, 8).eval(), build_discriminator(arch, 8).eval()
        assert g(torch.randn(3, 100)).shape == (3, 1, 28, 28)
        assert d(torch.randn(3, 1, 28, 28)).shape == (3,)
    with pytest.raises(ValueError, match="arch must be one of"):
        build_generator("resnet")


def test_fc_generator_sefa_reads_its_first_linear_layer():
    g = FCGenerator(100, 8)
    assert g.first_layer_weight.shape == (100, 1024)
    directions, eigenvalues = sefa(g.first_layer_weight)
    assert torch.allclose(directions @ directions.T, torch.eye(100), atol=1e-4)
    w = g.fc[0].weight.detach().double()           # (1024, 100): the layer's output is w @ z
    top = directions[0].double()
    assert torch.allclose((w @ top).norm() ** 2, eigenvalues[0].double(), rtol=1e-4)


def test_int8_storage_round_trip_is_close_and_exact_where_plain():
    g = FCGenerator(100, 8)
    state = {k: v.clone() for k, v in g.state_dict().items()}
    stored = quantize_state(state)
    assert stored["fc.3.weight.int8"].dtype == torch.int8 and "fc.3.weight" not in stored  # 1024 x 784 weights
    assert "fc.0.weight" in stored  # 102,400 weights: below the threshold, stays fp32
    fresh = FCGenerator(100, 8)
    with torch.no_grad():
        filled = dequantize_fill(fresh.state_dict(), stored)
    assert "fc.3.weight" in filled
    big = state["fc.3.weight"]
    row_step = big.abs().amax(dim=1, keepdim=True) / 127
    assert ((fresh.state_dict()["fc.3.weight"] - big).abs() <= row_step / 2 + 1e-7).all()
    assert torch.equal(fresh.state_dict()["fc.0.weight"], state["fc.0.weight"])


# ---- CLI ----

def test_cli_writes_one_image_a_grid_and_a_folder(tmp_path):
    assert cli_main(["generate", "dcgan-mnist", "--seed", "7", "--out", str(tmp_path / "digit.png")]) == 0
    assert Image.open(tmp_path / "digit.png").size == (28, 28)
    assert cli_main(["generate", "dcgan-mnist", "--seed", "7", "--n", "64", "--out", str(tmp_path / "grid.png")]) == 0
    assert Image.open(tmp_path / "grid.png").size == (8 * 30 + 2, 8 * 30 + 2)
    assert cli_main(["generate", "dcgan-mnist", "--seed", "7", "--n", "5", "--out-dir", str(tmp_path / "s")]) == 0
    files = sorted((tmp_path / "s").glob("*.png"))
    assert len(files) == 5 and all(Image.open(f).size == (28, 28) for f in files)
    # the first file of the folder is the single image of the same seed
    assert Image.open(tmp_path / "s" / "dcgan-mnist-seed7.png").tobytes() == Image.open(tmp_path / "digit.png").tobytes()


def test_cli_bad_input_is_one_line_no_traceback(tmp_path):
    for args in (["generate", "dcgan-nope", "--out", str(tmp_path / "a.png")],
                 ["generate", "dcgan-mnist", "--seed", "-1", "--out", str(tmp_path / "a.png")],
                 ["generate", "dcgan-mnist"]):
        bad = subprocess.run([sys.executable, "-m", "models", *args], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


# ---- page ----

def test_page_slider_changes_the_image_and_the_link():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception and not at.error and not at.warning
    assert any("one of 10 groups" in c.value for c in at.caption)  # the shipped digits model's prior, plain words
    before = image_urls(at)
    assert len(before) == 9  # image, interpolation strip, GIF, neighbours; arithmetic: A, B, C, the result, neighbours
    at.slider(key="le_sefa_0").set_value(3.0).run()
    assert not at.exception
    after = image_urls(at)
    assert after[0] != before[0]
    assert at.query_params["sefa"] in ("3", ["3"])
    at.button(key="le_reset").click().run()
    assert image_urls(at)[0] == before[0]


def test_page_reads_a_shared_link():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"model": "dcgan-mnist", "seed": "123", "sefa": "1.5,0,-2", "raw": "0,0.5",
                            "seed_b": "9", "method": "lerp"})
    at.run()
    assert not at.exception and not at.warning
    assert at.number_input(key="le_seed").value == 123
    assert at.slider(key="le_sefa_0").value == 1.5 and at.slider(key="le_sefa_2").value == -2.0
    assert at.slider(key="le_raw_1").value == 0.5
    assert at.radio(key="le_method").value == "lerp"


def test_page_malformed_link_warns_and_uses_defaults():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"model": "dcgan-cats", "seed": "seven", "sefa": "1,x", "raw": "99", "method": "cubic"})
    at.run()
    assert not at.exception and not at.error
    assert len(at.warning) == 1
    for name in ("model", "seed", "sefa", "raw", "method"):
        assert name in at.warning[0].value
    assert at.selectbox(key="le_model").value == "dcgan-mnist"
    assert at.number_input(key="le_seed").value == 77  # a clear seed that slider 1 slants (card)
    assert at.slider(key="le_sefa_1").value == 0.0
