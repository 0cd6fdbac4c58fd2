"""InfoGAN: deterministic generation, the shipped model's category accuracy, the CLI and the InfoGAN Controls page."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from models.cli import main as cli_main
from models.infogan.model import InfoGANModel, noise_for_seed
from models.loading import load_model
from tests.support.apptest_helpers import image_urls

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "infogan_controls.py")


@pytest.fixture(scope="module")
def model() -> InfoGANModel:
    torch.set_num_threads(1)
    return load_model("infogan-mnist")


def test_noise_is_a_function_of_the_seed():
    assert torch.equal(noise_for_seed(7), noise_for_seed(7))
    assert not torch.equal(noise_for_seed(7), noise_for_seed(8))
    assert noise_for_seed(7).abs().max() <= 1


def test_generation_is_deterministic_for_a_seed(model):
    a = model.generate(3, 0.5, -1.0, seed=1)
    assert a.shape == (1, 28, 28) and a.min() >= -1 and a.max() <= 1
    assert torch.equal(a, model.generate(3, 0.5, -1.0, seed=1))
    assert not torch.equal(a, model.generate(3, 0.5, -1.0, seed=2))
    assert not torch.equal(a, model.generate(4, 0.5, -1.0, seed=1))
    batch = model.generate_batch([3, 4], [0.5, 0.0], [-1.0, 0.0], [1, 1])
    assert torch.allclose(batch[0], a, atol=1e-5)


def test_traversal_grid_has_digits_as_rows(model):
    batch = model.traversal("width", seed=3, values=[-2, 0, 2])
    assert batch.shape == (30, 1, 28, 28)
    assert torch.allclose(batch[3 * 5 + 1], model.generate(5, 0.0, 0.0, seed=3), atol=1e-5)
    with pytest.raises(ValueError):
        model.traversal("colour", seed=3)


@pytest.mark.parametrize("digit, rotation, width, seed",
                         [(10, 0, 0, 0), (-1, 0, 0, 0), (2.5, 0, 0, 0), (3, 2.5, 0, 0), (3, 0, float("nan"), 0),
                          (3, 0, 0, -1), (3, 0, 0, 2**31)])
def test_bad_values_raise_value_error(model, digit, rotation, width, seed):
    with pytest.raises(ValueError):
        model.generate(digit, rotation, width, seed)


def test_shipped_mapping_and_codes_are_consistent(model):
    assert sorted(model.category_to_digit) == list(range(10))
    assert "category_to_digit" in model.config and "code_matrix" in model.config


@pytest.fixture(scope="module")
def shipped_accuracy(model) -> float:
    """Accuracy of 100 samples per digit through the app's path, judged by the independent classifier-mnist."""
    from training.infogan.evaluate import digit_accuracy

    return digit_accuracy(model, load_model("classifier-mnist"), per_digit=100)


def test_shipped_model_keeps_its_recorded_category_accuracy(shipped_accuracy):
    """Catches a broken mapping, loader or quantisation: the figure recorded at publish time is reproduced."""
    from models import registry

    recorded = registry.get("infogan-mnist").metrics["digit_accuracy_shipped_mapping"]
    assert shipped_accuracy >= recorded - 0.02
    assert shipped_accuracy > 0.5  # far above the 0.1 of a mapping that ignores the categories


def test_shipped_model_meets_category_accuracy_target(shipped_accuracy):
    """Issue #4: >= 95 % of samples drawn for a digit are that digit (1,000 samples, independent classifier)."""
    assert shipped_accuracy >= 0.95


def test_shipped_codes_meet_the_rotation_and_stroke_width_targets(model):
    """Issue #4 (b) on fewer noise seeds than the card (3 per digit, seeds the evaluation never reported): sweeping
    rotation over -2..2 slants the digit and leaves the stroke alone; sweeping width thickens the stroke and leaves
    the slant alone (Spearman rho averaged over digits and seeds: own >= 0.8, cross <= 0.3)."""
    from training.infogan.evaluate import code_sweeps

    m = model.code_matrix
    rho = code_sweeps(model, {"rotation": m[:, 0].tolist(), "width": m[:, 1].tolist()}, n_seeds=3, first_seed=900)
    assert rho["rotation"]["slant"]["mean"] >= 0.8 and abs(rho["rotation"]["thickness"]["mean"]) <= 0.3
    assert rho["width"]["thickness"]["mean"] >= 0.8 and abs(rho["width"]["slant"]["mean"]) <= 0.3


def test_info_loss_trains_the_shared_discriminator_body():
    """Q's loss must reach D's body: one step with and without it from the same start gives different bodies."""
    from training.infogan.train import DEFAULTS, InfoGAN

    real = torch.rand(16, 1, 28, 28) * 2 - 1
    bodies = []
    for lambdas in ((1.0, 0.1), (0.0, 0.0)):
        torch.manual_seed(0)
        gan = InfoGAN(DEFAULTS | {"lambda_cat": lambdas[0], "lambda_cont": lambdas[1]})
        gan.step(real, torch.Generator().manual_seed(1))
        bodies.append(torch.cat([p.detach().flatten() for p in gan.body.parameters()]))
    assert not torch.allclose(bodies[0], bodies[1])


def test_three_continuous_codes_train_and_width_takes_the_thickness_code():
    """--continuous 3: a training step runs with a 3-code Q head; the evaluation gives width to the raw code that
    thickens strokes (not the one that only widens the digit) and leaves the third at 0; the app model takes 3x2."""
    from models.infogan.network import Generator, latent_dim
    from training.infogan.evaluate import candidate_matrices
    from training.infogan.train import DEFAULTS, InfoGAN

    gan = InfoGAN(DEFAULTS | {"continuous": 3})
    losses = gan.step(torch.rand(8, 1, 28, 28) * 2 - 1, torch.Generator().manual_seed(1))
    assert gan.G.fc[0].in_features == latent_dim(3) == 75 and np.isfinite(losses["cont"])

    def attrs(slant, thick, ext):
        return {"slant": {"mean": slant, "slope": slant / 10}, "thickness": {"mean": thick}, "extent": {"mean": ext}}
    raw = {"code0": attrs(0.1, 0.2, 0.9), "code1": attrs(-0.95, 0.1, -0.2), "code2": attrs(0.2, -0.85, 0.1)}
    axes = candidate_matrices(raw)["axes"]
    assert axes.tolist() == [[0, 0], [-1, 0], [0, -1]]  # rotation = -code1, width = -code2 (thicker), code0 unused
    model = InfoGANModel(Generator(latent_dim(3)), {"code_matrix": axes.tolist()})
    assert model.continuous(0.5, 1.0).tolist() == [0.0, -0.5, -1.0]
    assert model.generate(3, 0.5, 1.0, seed=1).shape == (1, 28, 28)
    with pytest.raises(ValueError, match="3x2"):
        InfoGANModel(Generator(latent_dim(3)), {"code_matrix": [[1, 0], [0, 1]]})


def test_growing_a_code_keeps_the_trained_generator(tmp_path):
    """--init-from a 2-code generator into a 3-code one: with the new code at 0 the image is the old generator's;
    the new input column is random (not zero), so training can pick it up; a misfit file is refused."""
    from models.infogan.network import Generator, latent_dim, make_latent
    from models.weights_io import save
    from training.infogan.train import init_generator_from

    torch.manual_seed(0)
    old = Generator(latent_dim(2)).eval()
    save(old.state_dict(), tmp_path / "g2.safetensors", {})
    grown = Generator(latent_dim(3)).eval()
    assert init_generator_from(grown, tmp_path / "g2.safetensors") == 1
    noise, cats = torch.rand(4, 62) * 2 - 1, torch.arange(4)
    codes = torch.rand(4, 2) * 2 - 1
    with torch.no_grad():
        before = old(make_latent(noise, cats, codes))
        after = grown(make_latent(noise, cats, torch.cat([codes, torch.zeros(4, 1)], 1)))
    torch.testing.assert_close(after, before)
    assert grown.fc[0].weight[:, -1].abs().sum() > 0
    with pytest.raises(ValueError, match="does not fit"):
        init_generator_from(Generator(latent_dim(1)), tmp_path / "g2.safetensors")


# ---- CLI ----

def test_cli_writes_one_png_and_a_folder(tmp_path, capsys):
    assert cli_main(["infogan", "--digit", "3", "--rotation", "0.5", "--width", "-1", "--seed", "1",
                     "--out", str(tmp_path / "three.png")]) == 0
    img = Image.open(tmp_path / "three.png")
    assert img.size == (28, 28)
    assert cli_main(["infogan", "--digit", "7", "--n", "3", "--seed", "5", "--out-dir", str(tmp_path / "d")]) == 0
    names = sorted(p.name for p in (tmp_path / "d").iterdir())
    assert names == ["digit7_seed5.png", "digit7_seed6.png", "digit7_seed7.png"]
    a, b = (np.asarray(Image.open(tmp_path / "d" / n)) for n in names[:2])
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("argv", [
    ["--digit", "12", "--out", "x.png"],
    ["--digit", "three", "--out", "x.png"],
    ["--digit", "3", "--rotation", "abc", "--out", "x.png"],
    ["--digit", "3", "--width", "5", "--out", "x.png"],
    ["--digit", "3", "--width", "nan", "--out", "x.png"],
    ["--digit", "3", "--seed", "-4", "--out", "x.png"],
    ["--digit", "3", "--n", "0", "--out-dir", "d"],
    ["--digit", "3", "--n", "5", "--out", "x.png"],
    ["--digit", "3"],
    ["--out", "x.png"],
])
def test_cli_rejects_bad_input_with_one_line(argv, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli_main(["infogan", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
    assert not list(tmp_path.iterdir())


def test_cli_as_a_process(tmp_path):
    out = subprocess.run([sys.executable, "-m", "models", "infogan", "--digit", "8", "--seed", "2", "--scale", "4",
                          "--out", str(tmp_path / "eight.png")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert Image.open(tmp_path / "eight.png").size == (112, 112)
    bad = subprocess.run([sys.executable, "-m", "models", "infogan", "--digit", "x", "--out", str(tmp_path / "b.png")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


# ---- page ----

def test_page_changing_the_digit_changes_the_image():
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception and not at.error and not at.warning
    before = image_urls(at)
    assert len(before) == 2  # the digit and the traversal grid
    at.radio(key="ig_digit").set_value(7).run()
    assert not at.exception
    after = image_urls(at)
    assert after[0] != before[0]
    assert at.query_params["digit"] == ["7"] or at.query_params["digit"] == "7"


def test_page_reads_valid_query_params():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"digit": "5", "rotation": "0.8", "width": "-0.5", "seed": "42", "sweep": "width"})
    at.run()
    assert not at.exception and not at.warning
    assert at.radio(key="ig_digit").value == 5
    assert at.slider(key="ig_rotation").value == 0.8
    assert at.number_input(key="ig_seed").value == 42
    assert at.radio(key="ig_sweep").value == "width"


def test_page_warns_on_malformed_query_params_and_uses_defaults():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"digit": "eleven", "rotation": "9", "seed": "-3", "sweep": "colour", "width": "0.5"})
    at.run()
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and "digit" in at.warning[0].value and "sweep" in at.warning[0].value
    assert at.radio(key="ig_digit").value == 3
    assert at.slider(key="ig_rotation").value == 0.0
    assert at.slider(key="ig_width").value == 0.5
    assert at.number_input(key="ig_seed").value == 0
    assert "from 0 to 2,147,483,647" in at.warning[0].value  # the seed range in digits, not 2.14748e+09


def test_page_keeps_the_codes_inside_their_trained_range():
    """The continuous codes were trained on [-1, 1] (at 1.5 the digit smears): sliders stop there, links beyond it
    are refused with a message."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"rotation": "1.5", "width": "-1"})
    at.run()
    assert not at.exception and not at.error
    assert at.slider(key="ig_rotation").max == 1.0 and at.slider(key="ig_rotation").min == -1.0
    assert at.slider(key="ig_rotation").value == 0.0 and at.slider(key="ig_width").value == -1.0
    assert len(at.warning) == 1 and "rotation" in at.warning[0].value and "-1 to 1" in at.warning[0].value
