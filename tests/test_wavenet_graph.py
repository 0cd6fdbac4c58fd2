"""The GPU sampling step (models/wavenet/graph.py): eager on a CPU everywhere, captured as a CUDA graph where a GPU is."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from models.wavenet.pitch import cents_off, note_f0
from models.wavenet.model import SILENCE, WaveNet
from models.wavenet.graph import GraphSampler

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
SHIPPED = Path(__file__).resolve().parents[1] / "models" / "weights" / "wavenet-instruments.safetensors"


def small_net(device: str) -> WaveNet:
    torch.manual_seed(3)
    net = WaveNet(n_instruments=2, n_pitches=30, layers_per_stack=3, stacks=3, residual=8, skip=12, cond=6,
                  harmonics=3, pitch_low=50).eval()
    for p in net.parameters():  # larger weights than at init, so a wrong tap, slot or phase would show
        p.data.normal_(0, 0.3)
    return net.to(device)


def check_forced_logits_equal_forward(net: WaveNet, device: str, steps_per_graph: int = 1, gain: float = 1.0) -> None:
    """Feed fixed classes through the step (teacher forcing) and compare its logits with the full forward's on the
    input sequence the step saw: rf - 1 silent warm-up steps, then the note (the excitation starts with it)."""
    rng = np.random.default_rng(0)
    inst, pitch = torch.tensor([0, 1, 1]), torch.tensor([0, 12, 29])
    n = 2 * net.receptive_field  # the ring buffers wrap around for every dilation
    notes = torch.from_numpy(rng.integers(0, 256, size=(n, 3)))
    sampler = GraphSampler(net, inst, pitch, n, keep_logits=True, forced=notes, steps_per_graph=steps_per_graph,
                           excitation_gain=gain)
    assert (sampler.run().cpu() == notes.t()).all()
    warm = sampler.warm
    inputs = torch.cat([torch.full((warm + 1, 3), SILENCE), notes[:-1]]).t().to(device)
    with torch.inference_mode():
        full = net(inputs, inst.to(device), pitch.to(device), first_index=torch.full((3,), -warm, device=device),
                   excitation_gain=gain)
    step = sampler.logits[: warm + n].transpose(0, 1)
    torch.testing.assert_close(step.cpu(), full.cpu(), atol=1e-4, rtol=1e-4)


def test_step_logits_equal_full_forward_on_cpu():
    check_forced_logits_equal_forward(small_net("cpu"), "cpu")
    check_forced_logits_equal_forward(small_net("cpu"), "cpu", gain=2.0)


def test_step_samples_are_seeded_and_follow_temperature_zero():
    net = small_net("cpu")
    inst, pitch = torch.tensor([0, 1]), torch.tensor([3, 20])
    a = GraphSampler(net, inst, pitch, 40).run(seed=5)
    b = GraphSampler(net, inst, pitch, 40).run(seed=5)
    c = GraphSampler(net, inst, pitch, 40).run(seed=6)
    assert a.shape == (2, 40) and (a == b).all() and (a != c).any()
    greedy = GraphSampler(net, inst, pitch, 40, temperature=0, keep_logits=True)
    out = greedy.run()
    warm = greedy.warm
    assert (out.t() == greedy.logits[warm: warm + 40].argmax(dim=2)).all()


def test_step_onset_rule_makes_a_silent_note_sound_once():
    torch.manual_seed(5)
    net = WaveNet(n_instruments=1, n_pitches=2, layers_per_stack=2, stacks=1, residual=8, skip=8, cond=4).eval()
    with torch.no_grad():
        net.out2.bias[128] += 60  # every draw is silence
    inst, pitch = torch.tensor([0, 0]), torch.tensor([0, 1])
    assert (GraphSampler(net, inst, pitch, 30).run(seed=1) == SILENCE).all()
    out = GraphSampler(net, inst, pitch, 30, onset_rule=(7, 16)).run(seed=1)
    assert (out[:, :7] == SILENCE).all() and ((out[:, 7] - SILENCE).abs() >= 16).all() and (out[:, 8:] == SILENCE).all()


def test_step_level_rule_draws_what_the_cpu_kernel_draws():
    """Greedy draws under the level rule (a net that always wants full scale, per-note ceilings) are the CPU
    kernel's, step for step: both paths keep the same running level and mask the same classes."""
    from models.wavenet import fast as wavenet_fast

    torch.manual_seed(6)
    net = WaveNet(n_instruments=1, n_pitches=3, layers_per_stack=2, stacks=1, residual=8, skip=8, cond=4).eval()
    with torch.no_grad():
        net.out2.bias[255] += 60
    inst, pitch = torch.tensor([0, 0, 0]), torch.tensor([0, 1, 2])
    ceiling = [0.1, 0.0, 0.3]
    step = GraphSampler(net, inst, pitch, 300, temperature=0, ceiling=torch.tensor(ceiling), level_window=64).run()
    with torch.inference_mode():
        c = net.cond_vector(inst, pitch)
        biases = torch.stack([cond(c) + dil.bias for cond, dil in zip(net.condition, net.dilated)]).numpy()
    kernel = wavenet_fast.sample(wavenet_fast.FusedWeights.from_net(net), biases, 300, temperature=0,
                                 ceiling=np.array(ceiling), level_window=64)
    assert (step[1] == 255).all() and (step[0] != 255).any() and (step[2] != 255).any()
    assert (step.numpy() == kernel).all()


@needs_cuda
def test_cuda_graph_logits_equal_full_forward():
    check_forced_logits_equal_forward(small_net("cuda"), "cuda", steps_per_graph=16)
    check_forced_logits_equal_forward(small_net("cuda"), "cuda", steps_per_graph=16, gain=2.0)


@needs_cuda
def test_cuda_graph_sampling_is_seeded():
    net = small_net("cuda")
    inst, pitch = torch.tensor([0, 1]), torch.tensor([3, 20])
    sampler = GraphSampler(net, inst, pitch, 300, steps_per_graph=32)
    a = sampler.run(seed=5).clone()
    again = GraphSampler(net, inst, pitch, 300, steps_per_graph=32).run(seed=5)
    other = GraphSampler(net, inst, pitch, 300, steps_per_graph=32).run(seed=6)
    assert (a == again).all() and (a != other).any()


@needs_cuda
def test_cuda_graph_plays_the_shipped_models_pitches():
    """The shipped weights through the GPU path: flute notes (97 % right through the CPU kernel) keep their pitch."""
    from training.wavenet.synth import load_synth

    synth = load_synth(SHIPPED)
    net, sr = synth.net.cuda(), synth.sample_rate
    pitches = [62, 67, 72, 77, 84, 91]
    inst = torch.full((len(pitches),), synth.instrument_index("flute"))
    pitch_index = torch.tensor(pitches) - synth.config["pitch_low"]
    n = int(0.6 * sr)
    classes = GraphSampler(net, inst, pitch_index, n).run(seed=0).cpu().numpy()
    from models.wavenet.audio import mu_law_decode

    audio = mu_law_decode(classes)
    right = [abs(cents_off(note_f0(a, sr, end_s=0.6), p)) < 50 for a, p in zip(audio, pitches)]
    assert sum(right) >= 4, right
