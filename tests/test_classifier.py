"""The shipped judge classifiers: held-out accuracy on small fixtures of their test splits (never seen in training)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from models import registry
from models.loading import load_model

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# fixture file, model, minimum accuracy (measured on the full test splits: see models/cards/classifier-*.md)
CASES = [("mnist_heldout_500.npz", "classifier-mnist", 0.96), ("fashion_heldout_300.npz", "classifier-fashion", 0.80)]


def held_out(fixture: str) -> tuple[torch.Tensor, torch.Tensor]:
    with np.load(FIXTURES / fixture) as npz:
        images, labels = npz["images"], npz["labels"]
    return torch.from_numpy(images).float().div(127.5).sub(1).unsqueeze(1), torch.from_numpy(labels)


@pytest.mark.parametrize("fixture,name,minimum", CASES)
def test_heldout_accuracy(fixture, name, minimum):
    if name not in registry.load_manifest():
        pytest.fail(f"{name} is not in the manifest: run python -m training.classifier.train")
    torch.set_num_threads(1)
    x, y = held_out(fixture)
    predicted, confidence = load_model(name).predict(x)
    accuracy = (predicted == y).float().mean().item()
    assert accuracy >= minimum, f"{name}: {accuracy:.3f} on {len(y)} held-out images"
    assert confidence.min() > 0 and confidence.max() <= 1


def test_features_are_penultimate_and_deterministic():
    judge = load_model("classifier-mnist")
    x, _ = held_out("mnist_heldout_500.npz")
    f = judge.features(x[:8])
    assert f.shape == (8, 128) and (f >= 0).all()  # after ReLU
    assert torch.equal(f, judge.features(x[:8]))
    with torch.inference_mode():
        logits_from_features = judge.net.fc2(f)
    assert torch.allclose(logits_from_features, judge.logits(x[:8]), atol=1e-4)


def test_fixture_does_not_overlap_training_data():
    """The MNIST fixture comes from the held-out split; if data/ is prepared, check no digit is in train."""
    from training.common.images import split_path
    if not split_path("mnist", "train").exists():
        pytest.skip("data/mnist not prepared (python -m training.classifier.prepare mnist)")
    from training.common.images import load
    train, _ = load("mnist", "train")
    seen = {img.tobytes() for img in train}
    with np.load(FIXTURES / "mnist_heldout_500.npz") as npz:
        assert not any(img.tobytes() in seen for img in npz["images"])
