"""Training helpers that run without prepared data: the GPU-lease data copy, time budgets, short training runs."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch


@pytest.fixture()
def fake_data(tmp_path, monkeypatch):
    """A tiny data root in the prepared layout: MNIST-like splits and 6 one-second notes."""
    root = tmp_path / "data"
    rng = np.random.default_rng(0)
    (root / "mnist").mkdir(parents=True)
    for split, n in (("train", 64), ("test", 16)):
        np.savez(root / "mnist" / f"{split}.npz", images=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
                 labels=rng.integers(0, 10, n))
    (root / "audio").mkdir()
    t = np.arange(16000) / 16000
    audio = np.stack([np.sin(2 * np.pi * 110 * (k + 1) * t) * 20000 * np.exp(-3 * t) for k in range(6)])
    np.savez(root / "audio" / "notes.npz", audio=audio.astype(np.int16), instrument=np.array([0, 0, 0, 1, 1, 1]),
             pitch=np.array([45, 57, 69, 45, 57, 69]), velocity=np.full(6, 80),
             held_out=np.array([False, False, True, False, False, True]))
    meta = {"sample_rate": 16000, "clip_s": 1.0,
            "instruments": [{"name": "a", "program": 0, "low": 45, "high": 69},
                            {"name": "b", "program": 40, "low": 45, "high": 69}]}
    (root / "audio" / "meta.json").write_text(json.dumps(meta))
    monkeypatch.setenv("GAN_STUDIO_DATA", str(root))
    return root


def test_lease_copy_gives_the_same_training_classes(fake_data, tmp_path):
    from training.common.lease_data import write
    from training.wavenet.data import load_notes

    out = tmp_path / "lease"
    write(out)
    full, compact = load_notes(fake_data / "audio"), load_notes(out / "audio")
    assert np.array_equal(full["classes"], compact["classes"])
    assert np.array_equal(full["held_out"], compact["held_out"])
    assert (out / "mnist" / "train.npz").read_bytes() == (fake_data / "mnist" / "train.npz").read_bytes()


def test_time_budget_sets_a_step_count_that_ends_in_time():
    from training.wavenet.train import steps_for_budget

    # 300 steps took 30 s (10 steps/s) and 60 s remain: about 600 more steps, never fewer than one
    total = steps_for_budget(step=300, done_steps=300, seconds=30.0, remaining_s=60.0)
    assert 300 + 550 <= total <= 300 + 600
    assert steps_for_budget(step=10, done_steps=300, seconds=30.0, remaining_s=-5.0) == 11


def test_wavenet_training_runs_and_keeps_snapshots(fake_data, tmp_path, monkeypatch):
    import sys

    from training.wavenet import train as train_wavenet

    run = tmp_path / "run"
    monkeypatch.setattr(sys, "argv", ["train_wavenet", "--run", str(run), "--steps", "4", "--batch", "2",
                                      "--crop", "64", "--layers", "3", "--stacks", "1", "--residual", "8",
                                      "--skip", "8", "--cond", "4", "--harmonics", "2", "--eval-every", "2",
                                      "--snapshot-every", "2", "--no-samples", "--no-publish"])
    train_wavenet.main()
    assert sorted(p.name for p in run.glob("ema_step*.safetensors")) == ["ema_step000002.safetensors",
                                                                         "ema_step000004.safetensors"]
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [2, 4] and all(math.isfinite(r["heldout_bits"]) for r in rows)


def test_wavenet_excitation_follows_the_input_device():
    """The excitation is built on the device of its inputs (the GPU lease trains on CUDA)."""
    from models.wavenet.model import WaveNet

    net = WaveNet(2, 10, layers_per_stack=2, stacks=1, residual=4, skip=4, cond=4, harmonics=2)
    device = torch.device("meta")
    e = net.excitation(torch.zeros(3, dtype=torch.long, device=device), torch.zeros(3, dtype=torch.long,
                                                                                       device=device), 5)
    assert e.device == device and e.shape == (3, 5, 4)


@pytest.mark.parametrize("arch, mixture", [("conv", 0), ("fc", 3)])
def test_dcgan_training_judges_and_keeps_the_best(fake_data, tmp_path, monkeypatch, arch, mixture):
    """One epoch on the fake digits: the judge (shipped classifier, generated samples only) scores it, best_G is kept,
    --minutes stops the run after the epoch that passes the budget, and a resumed run's judge starts from that best;
    the kept file evaluates through the shipped storage (int8 rows for "fc") and keeps its latent prior."""
    import sys

    from safetensors import safe_open

    from training.dcgan import train as train_dcgan

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["train_dcgan", "mnist", "--name", "t", "--epochs", "5", "--g-width", "8",
                                      "--d-width", "8", "--judge-every", "1", "--minutes", "0.0001", "--no-publish",
                                      "--diffaug", "--arch", arch, "--mixture", str(mixture),
                                      "--mixture-spread", "0.5"])
    monkeypatch.setattr(train_dcgan, "JUDGE_SAMPLES", 200)
    train_dcgan.main()
    run = tmp_path / "runs" / "t"
    scores = [json.loads(line) for line in (run / "judge.jsonl").read_text().splitlines()]
    assert [s["epoch"] for s in scores] == [1]  # stopped by --minutes after the first epoch
    assert 0.0 <= scores[0]["recognizability"] <= 1.0 and sum(scores[0]["class_counts"]) == 200
    with safe_open(str(run / "best_G.safetensors"), "pt") as f:
        assert json.loads(f.metadata()["config"])["recognizability"] == scores[0]["recognizability"]
    assert train_dcgan.judge_for("mnist", run).best == scores[0]["recognizability"]
    assert train_dcgan.judge_for("mnist", tmp_path).best == -1.0

    from training.dcgan.evaluate import from_weights
    model = from_weights(str(run / "best_G.safetensors"))
    assert model.config["arch"] == arch
    assert model.generate(model.latent(3)).shape == (1, 1, 28, 28)
    assert model.prior.components == mixture
    if mixture:
        assert model.prior.spread == 0.5 and torch.cdist(model.latent(3)[None], model.prior.centres).min() < 7


def test_infogan_judge_keeps_the_best_across_a_resume(fake_data, tmp_path, monkeypatch):
    """One epoch with --judge writes generator_best.safetensors with its accuracy; a resumed run's judge starts
    from that figure (so a worse later epoch cannot replace the best)."""
    from training.infogan import train as train_infogan
    from models.weights_io import stored_config

    monkeypatch.setattr(train_infogan, "JUDGE_PER_CATEGORY", 20)
    out = tmp_path / "run"
    train_infogan.main(["--out", str(out), "--epochs", "1", "--snapshot-every", "1", "--judge"])
    accuracy = stored_config(out / "generator_best.safetensors")["judge_accuracy"]
    assert 0.0 <= accuracy <= 1.0
    assert train_infogan.judge_for(out).best == accuracy
    assert train_infogan.judge_for(tmp_path).best == -1.0


def test_dcgan_learning_rates_decay_over_the_last_epochs(fake_data, tmp_path, monkeypatch):
    """--decay-epochs 1 of 2 with 4 steps per epoch: the last step runs at 1/4 of each base rate (with top-k on)."""
    import sys

    from training.dcgan import train as train_dcgan

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["train_dcgan", "mnist", "--name", "d", "--epochs", "2", "--decay-epochs", "1",
                                      "--batch-size", "16", "--g-width", "8", "--d-width", "8", "--lr-g", "1e-3",
                                      "--top-k", "0.5", "--no-publish"])
    train_dcgan.main()
    from training.common.checkpoint import read_progress

    optimizers = read_progress(tmp_path / "runs" / "d" / "checkpoint.safetensors")["optimizers"]
    assert optimizers["opt_g"][0]["lr"] == pytest.approx(0.25 * 1e-3)
    assert optimizers["opt_d"][0]["lr"] == pytest.approx(0.25 * 2e-4)


def test_dcgan_publish_last_ships_the_checkpoints_ema_generator(fake_data, tmp_path, monkeypatch):
    """--publish-last ships the EMA generator of a finished run's checkpoint with its prior and epoch count; the
    same generator evaluate_dcgan --checkpoint measures. A resume that forgets the run's --mixture stops."""
    import sys

    from training.dcgan import train as train_dcgan
    from training.dcgan.evaluate import from_checkpoint

    monkeypatch.chdir(tmp_path)
    common = ["train_dcgan", "mnist", "--name", "p", "--batch-size", "16", "--g-width", "8", "--d-width", "8"]
    monkeypatch.setattr(sys, "argv", common + ["--epochs", "1", "--mixture", "2", "--no-publish"])
    train_dcgan.main()
    monkeypatch.setattr(sys, "argv", common + ["--epochs", "2", "--resume", "--no-publish"])  # --mixture forgotten
    with pytest.raises(SystemExit, match="prior"):
        train_dcgan.main()
    shipped = {}
    monkeypatch.setattr(train_dcgan, "publish_generator",
                        lambda name, dataset, state, config: shipped.update(name=name, state=state, config=config))
    monkeypatch.setattr(sys, "argv", common + ["--publish-last", "dcgan-x"])
    train_dcgan.main()
    assert shipped["name"] == "dcgan-x" and shipped["config"]["epochs_trained"] == 1
    assert shipped["config"]["prior"]["components"] == 2
    measured = from_checkpoint(str(tmp_path / "runs" / "p" / "checkpoint.safetensors")).generator.state_dict()
    for key, value in shipped["state"].items():  # the "conv" shapes ship as they are: equal to the last bit
        assert torch.equal(value, measured[key]), key


def test_dcgan_top_k_keeps_a_shrinking_share_of_the_batch():
    """Top-k training: all fakes at epoch 0, 0.99 per epoch after, never under the floor, never zero."""
    from training.dcgan.train import top_k_count

    assert top_k_count(64, 0, 0.5) == 64
    assert top_k_count(64, 30, 0.5) == round(64 * 0.99 ** 30) == 47
    assert top_k_count(64, 69, 0.5) == top_k_count(64, 500, 0.5) == 32
    assert top_k_count(1, 500, 0.1) == 1


def _checkpoint_tensors(path):
    from safetensors.torch import load_file

    return load_file(str(path))


def _assert_same_tensors(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_dcgan_resumed_run_equals_an_uninterrupted_one(fake_data, tmp_path, monkeypatch):
    """Two epochs in one go, or one epoch and a --resume for the second: the same networks, EMA, optimiser moments
    and noise stream, to the last bit (training/common/checkpoint.py restores every tensor and generator state)."""
    import sys

    from training.dcgan import train as train_dcgan

    monkeypatch.chdir(tmp_path)
    common = ["train_dcgan", "mnist", "--batch-size", "16", "--g-width", "8", "--d-width", "8", "--no-publish"]
    monkeypatch.setattr(sys, "argv", common + ["--name", "whole", "--epochs", "2"])
    train_dcgan.main()
    for epochs in ("1", "2"):
        monkeypatch.setattr(sys, "argv", common + ["--name", "split", "--epochs", epochs, "--resume"])
        train_dcgan.main()
    _assert_same_tensors(_checkpoint_tensors(tmp_path / "runs" / "whole" / "checkpoint.safetensors"),
                         _checkpoint_tensors(tmp_path / "runs" / "split" / "checkpoint.safetensors"))


def test_wavenet_resumed_run_equals_an_uninterrupted_one(fake_data, tmp_path, monkeypatch):
    """A 4-step run, and the same run resumed from its step-2 checkpoint: the same final weights, EMA and Adam
    moments, to the last bit."""
    import shutil
    import sys

    from training.common import checkpoint
    from training.wavenet import train as train_wavenet

    def args(run):
        return ["train_wavenet", "--run", str(run), "--steps", "4", "--batch", "2", "--crop", "64", "--layers", "3",
                "--stacks", "1", "--residual", "8", "--skip", "8", "--cond", "4", "--harmonics", "2",
                "--ckpt-minutes", "0", "--no-samples", "--no-publish"]

    whole, split = tmp_path / "whole", tmp_path / "split"
    save = checkpoint.save

    def save_and_keep_step_2(path, progress, *a, **k):  # the checkpoint a run stopped after step 2 would leave
        save(path, progress, *a, **k)
        if progress["step"] == 2:
            split.mkdir()
            for name in ("checkpoint.safetensors", "checkpoint.json"):
                shutil.copy(whole / name, split / name)

    monkeypatch.setattr(checkpoint, "save", save_and_keep_step_2)
    monkeypatch.setattr(sys, "argv", args(whole))
    train_wavenet.main()
    monkeypatch.setattr(checkpoint, "save", save)
    monkeypatch.setattr(sys, "argv", args(split) + ["--resume"])
    train_wavenet.main()
    assert checkpoint.read_progress(split / "checkpoint.safetensors")["step"] == 4
    _assert_same_tensors(_checkpoint_tensors(whole / "checkpoint.safetensors"),
                         _checkpoint_tensors(split / "checkpoint.safetensors"))


def test_pix2pix_resumed_run_equals_an_uninterrupted_one(fake_data, tmp_path, monkeypatch):
    """Four batches in one go, or two and a --resume for two more: the same generator, discriminator, weight average
    and optimiser moments, to the last bit; the run's generator files read back through runs.generator_state."""
    import sys

    from training.pix2pix import train as train_pix2pix
    from training.pix2pix.runs import generator_state

    rng = np.random.default_rng(1)
    n = 12
    sketch = np.where(rng.random((n, 128, 128)) < 0.05, 0, 255).astype(np.uint8)
    colour = rng.integers(0, 256, (n, 128, 128, 3), dtype=np.uint8)
    (fake_data / "openmoji").mkdir()
    np.savez(fake_data / "openmoji" / "pairs_128.npz", sketch=sketch, colour=colour,
             split=np.array(["train"] * 10 + ["test"] * 2))
    monkeypatch.chdir(tmp_path)
    common = ["train_pix2pix", "--batch-size", "2", "--ngf", "4", "--ndf", "4", "--epochs", "1"]
    monkeypatch.setattr(sys, "argv", common + ["--name", "whole", "--max-batches", "4"])
    train_pix2pix.main()
    for _ in range(2):
        monkeypatch.setattr(sys, "argv", common + ["--name", "split", "--max-batches", "2", "--resume"])
        train_pix2pix.main()
    whole = _checkpoint_tensors(tmp_path / "runs" / "whole" / "checkpoint.safetensors")
    _assert_same_tensors(whole, _checkpoint_tensors(tmp_path / "runs" / "split" / "checkpoint.safetensors"))
    ema = generator_state(str(tmp_path / "runs" / "whole" / "checkpoint.safetensors"))
    assert ema and all(torch.equal(v, whole[f"E.{k}"]) for k, v in ema.items())
