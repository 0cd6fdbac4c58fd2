"""WaveNet: fast sampling equals the full forward, the shipped model plays in tune, melodies, CLI and page."""
from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
import torch

from models.wavenet import fast as wavenet_fast, soundfont
from models.wavenet.audio import mu_law_decode, mu_law_encode, wav_bytes
from models.loading import load_model
from models.wavenet.melody import parse_melody
from models.wavenet.pitch import cents_off, note_f0
from models.wavenet.model import EXCITATION_GAIN, WaveNet

ROOT = Path(__file__).resolve().parents[1]
MODEL_NAME = "wavenet-instruments"


@pytest.fixture(scope="module")
def synth():
    return load_model(MODEL_NAME)


def cond_biases(net, instrument, pitch_index):
    with torch.inference_mode():
        c = net.cond_vector(torch.tensor(instrument), torch.tensor(pitch_index))
        return torch.stack([cond(c) + dil.bias for cond, dil in zip(net.condition, net.dilated)]).numpy()


def incremental_logits(net, inputs: np.ndarray, biases: np.ndarray, pitch_index, onset: int = 0,
                       gain: float = 1.0) -> np.ndarray:
    """Teacher-forced compiled steps: logits (B, T, C) for inputs (B, T), from zeroed ring buffers; the notes (and
    their excitation, for models with one, times gain) start at step onset."""
    steps = net.phase_step(torch.tensor(pitch_index)).numpy() if net.harmonics else None
    fused = wavenet_fast.FusedWeights.from_net(net, excitation_gain=gain)
    sampler = wavenet_fast.Sampler(fused, biases, steps, onset=onset)
    sampler.current[:] = inputs[:, 0]
    forced = np.concatenate([inputs[:, 1:].T, np.full((1, inputs.shape[0]), -1)], axis=0)
    _, logits = sampler.run(inputs.shape[1], forced=forced, keep_logits=True)
    return logits.transpose(1, 0, 2)


def check_incremental_equals_full(net, instrument, pitch_index, length, seed=0, onset=0, gain=1.0):
    rng = np.random.default_rng(seed)
    inputs = rng.integers(0, 256, size=(len(instrument), length))
    with torch.inference_mode():
        full = net(torch.from_numpy(inputs), torch.tensor(instrument), torch.tensor(pitch_index),
                   first_index=torch.full((len(instrument),), -onset), excitation_gain=gain).numpy()
    fast = incremental_logits(net, inputs, cond_biases(net, instrument, pitch_index), pitch_index, onset, gain)
    assert fast.shape == full.shape
    np.testing.assert_allclose(fast, full, atol=2e-3 * max(1.0, np.abs(full).max() / 10), rtol=0)


def test_incremental_numba_logits_equal_full_forward_shipped(synth):
    net = synth.net
    low = synth.config["pitch_low"]
    # longer than the receptive field, so the ring buffers wrap around for every dilation
    check_incremental_equals_full(net, [0, 3], [60 - low, 72 - low], net.receptive_field + 200)
    # as the app samples: the excitation at EXCITATION_GAIN (the forward takes the same gain)
    check_incremental_equals_full(net, [1, 4], [50 - low, 80 - low], net.receptive_field + 200,
                                  onset=100, gain=EXCITATION_GAIN)


def test_incremental_equals_full_forward_other_shape():
    torch.manual_seed(1)
    net = WaveNet(n_instruments=2, n_pitches=5, layers_per_stack=3, stacks=3, residual=8, skip=12, cond=6).eval()
    for p in net.parameters():  # larger weights than at init, so a wrong tap or slot would show
        p.data.normal_(0, 0.3)
    check_incremental_equals_full(net, [0, 1, 1], [0, 2, 4], 3 * net.receptive_field)


def test_incremental_equals_full_forward_with_excitation():
    torch.manual_seed(2)
    net = WaveNet(n_instruments=2, n_pitches=30, layers_per_stack=3, stacks=3, residual=8, skip=12, cond=6,
                  harmonics=3, pitch_low=50).eval()
    for p in net.parameters():
        p.data.normal_(0, 0.3)
    # the notes start mid-way (excitation silent before), and the phase runs for several hundred samples
    check_incremental_equals_full(net, [0, 1, 1], [0, 12, 29], 3 * net.receptive_field, onset=net.receptive_field)
    check_incremental_equals_full(net, [0, 1, 1], [0, 12, 29], 2 * net.receptive_field, onset=7, gain=2.5)


def one_class_net(cls: int, seed: int) -> WaveNet:
    """A small net whose every free draw is class cls (it outweighs the others by e^60): 128 = silence, 255 = full
    scale."""
    torch.manual_seed(seed)
    net = WaveNet(n_instruments=1, n_pitches=2, layers_per_stack=2, stacks=1, residual=8, skip=8, cond=4).eval()
    with torch.no_grad():
        net.out2.bias[cls] += 60
    return net


def test_onset_rule_makes_a_silent_note_sound_once():
    net = one_class_net(128, seed=5)
    biases = cond_biases(net, [0, 0], [0, 1])
    fused = wavenet_fast.FusedWeights.from_net(net)
    assert (wavenet_fast.sample(fused, biases, 40, seed=1) == 128).all()  # without the rule: silence throughout
    out = wavenet_fast.sample(fused, biases, 40, seed=1, start_after=7, start_level=16, chunk=5)
    assert (out[:, :7] == 128).all() and (np.abs(out[:, 7] - 128) >= 16).all()  # the 8th sample must sound
    assert (out[:, 8:] == 128).all()  # once it has sounded, the model is free again (and returns to silence)


def running_rms(classes: np.ndarray, window: int) -> np.ndarray:
    """The level rule's measure, recomputed here: sqrt of the exponential average (weight 1/window) of x^2."""
    x2 = mu_law_decode(classes).astype(np.float64) ** 2
    power, out = np.zeros(len(classes)), np.zeros(classes.shape)
    for t in range(classes.shape[1]):
        power += (x2[:, t] - power) / window
        out[:, t] = np.sqrt(power)
    return out


def test_level_rule_keeps_a_runaway_note_under_its_ceiling():
    net = one_class_net(255, seed=6)
    biases = cond_biases(net, [0, 0, 0], [0, 1, 1])
    fused = wavenet_fast.FusedWeights.from_net(net)
    free = wavenet_fast.sample(fused, biases, 600, seed=2)
    assert (free == 255).all()  # without the rule: full scale throughout
    ceiling = np.array([0.1, 0.0, 0.3])  # per note; 0 = no ceiling
    out = wavenet_fast.sample(fused, biases, [600, 600, 400], seed=2, ceiling=ceiling, level_window=64, chunk=50)
    assert (out[1] == 255).all()  # the note without a ceiling is untouched
    rms = running_rms(out, 64)
    for b in (0, 2):  # one full-scale draw at most past the ceiling (it adds at most 1/64 to the mean square) ...
        n = 600 if b == 0 else 400
        assert rms[b, :n].max() <= np.sqrt(ceiling[b] ** 2 + 1 / 64) + 1e-6
        assert rms[b, 100:n].min() >= 0.5 * ceiling[b]  # ... and the note still sounds near it (not silenced)
        assert (np.abs(mu_law_decode(out[b, :n])) <= ceiling[b] + 1e-6).mean() > 0.5  # mostly quieter samples


def test_level_ceilings_come_from_training_notes_only():
    """train_wavenet.loudest_levels: per instrument the loudest running level of its training notes (square waves of
    known RMS here); a louder held-out note does not count."""
    from training.wavenet.data import loudest_levels

    square = np.where(np.arange(4000) // 50 % 2 == 0, 1.0, -1.0)
    amps = [0.2, 0.9, 0.5, 0.05]
    data = {"classes": mu_law_encode(np.stack([a * square for a in amps])), "instrument": np.array([0, 0, 1, 1]),
            "held_out": np.array([False, True, False, False])}
    levels = loudest_levels(data, window=256)
    np.testing.assert_allclose(levels, [0.2, 0.5], rtol=0.03)


def test_app_samples_with_a_ceiling_for_every_instrument(synth):
    for name in synth.instruments:  # the shipped config carries each instrument's loudest training level
        assert 0.05 < synth.ceiling(name) < 1.0, name


def test_sampling_is_seeded_and_independent_of_chunking(synth):
    net = synth.net
    biases = cond_biases(net, [1, 1], [30, 33])
    fused = synth.fused(synth.excitation_gain("marimba"))
    a = wavenet_fast.sample(fused, biases, [700, 300], seed=5, chunk=1600)
    b = wavenet_fast.sample(fused, biases, [700, 300], seed=5, chunk=1600)
    c = wavenet_fast.sample(fused, biases, [700, 300], seed=6, chunk=1600)
    assert a.shape == (2, 700) and (a == b).all() and (a != c).any()
    assert (a[1, 300:] == 128).all()  # a finished note is silent after its length
    small = wavenet_fast.sample(fused, biases, 500, seed=5, chunk=64)  # progress chunks do not change the result
    assert (small == wavenet_fast.sample(fused, biases, 500, seed=5, chunk=1600)).all()


def _recorded_pitch_accuracy() -> float | None:
    from models import registry

    try:
        return registry.get(MODEL_NAME).metrics.get("pitch_acc_within_50_cents")
    except registry.UnknownModel:
        return None


_ACC = _recorded_pitch_accuracy()


@pytest.mark.xfail(_ACC is not None and _ACC < 0.9, strict=False,
                   reason=f"the shipped model's recorded pitch accuracy is {_ACC} (< 0.9): not converged, see its card")
def test_shipped_model_plays_requested_pitches(synth):
    """One mid-range note per instrument (plus a low and a high piano note): f0 (YIN) within 50 cents."""
    sr = synth.sample_rate
    cases = [("piano", 48), ("piano", 72), ("marimba", 67), ("guitar", 55), ("violin", 76), ("flute", 79)]
    misses = []
    for name, pitch in cases:
        audio = synth.generate_notes(name, [pitch], int(0.5 * sr), seed=pitch)[0]
        cents = cents_off(note_f0(audio, sr), pitch)
        if not abs(cents) < 50:
            misses.append((name, pitch, cents))
    assert len(misses) <= 1, misses


def test_pitch_target_for_every_instrument(synth):
    """The issue's target (>= 90 % of notes within 50 cents, for every instrument), measured as evaluate_wavenet does:
    all 197 pitches at each of its 8 reported sampling seeds, the app's sampling settings; the figures the card and
    the page show (the manifest's) are what this measures. ~5 minutes."""
    from models import registry
    from training.wavenet.evaluate import pitch_accuracy_over_seeds

    metrics, _ = pitch_accuracy_over_seeds(synth)
    each = {name: metrics[f"pitch_acc_{name}"] for name in synth.instruments}
    assert min(each.values()) >= 0.9, each
    recorded = registry.get(MODEL_NAME).metrics
    for name, value in each.items():  # a few notes' leeway: another CPU may round the sampler differently
        assert abs(value - recorded[f"pitch_acc_{name}"]) <= 0.02, (name, value, recorded[f"pitch_acc_{name}"])


def test_shipped_model_keeps_its_measured_pitch_level(synth):
    """Guards the loader, the excitation and the compiled loop: every 6th pitch of every instrument (~33 notes, one
    batch per instrument, as the evaluation does, seed 1, the app's sampling settings). Measured: 84 % (31 of 37)
    with the shipped weights and settings; 59 % for them at temperature 1 without the onset rule, 8 % for the stage-2
    weights (docs/experiments/wavenet.md); a broken pipeline gives noise or silence. The bound leaves room for the JIT
    and the compiled loop rounding differently, which changes the sampled notes."""
    sr = synth.sample_rate
    ok = []
    for name in synth.instruments:
        low, high = synth.pitch_range(name)
        pitches = list(range(low, high + 1, 6))
        for pitch, audio in zip(pitches, synth.generate_notes(name, pitches, int(0.6 * sr), seed=1)):
            ok.append(abs(cents_off(note_f0(audio, sr, end_s=0.6), pitch)) < 50)
    assert np.mean(ok) >= 0.6, (np.mean(ok), len(ok))


@pytest.mark.skipif(soundfont.available() is not None, reason="fluidsynth / SoundFont not installed")
def test_pitch_estimator_on_real_soundfont_notes():
    for program, pitch in [(0, 40), (24, 52), (73, 84)]:
        audio = soundfont.render(program, [(0.0, 0.6, pitch, 100)], 0.6)
        assert abs(cents_off(note_f0(audio, 16000), pitch)) < 50, (program, pitch)


def test_melody_parsing():
    notes = parse_melody("C4 c#4 Db4:2, R:1/2 B3 G4:0.5")
    assert [n.pitch for n in notes] == [60, 61, 61, None, 59, 67]
    assert [n.beats for n in notes] == [1, 1, 2, 0.5, 1, 0.5]


@pytest.mark.parametrize("text, words", [
    ("", ["empty"]),
    ("C4 H4", ["Note 2", "'H4'", "not a note"]),
    ("C4 E", ["Note 2", "'E'"]),
    ("C4:abc", ["'C4:abc'", "number of beats"]),
    ("C4:0", ["between"]),
    ("R R", ["only rests"]),
])
def test_malformed_melody_messages(text, words):
    with pytest.raises(ValueError) as err:
        parse_melody(text)
    for word in words:
        assert word in str(err.value)


def test_out_of_range_note_names_the_range(synth):
    with pytest.raises(ValueError) as err:
        synth.parse("C4 C7", "guitar")
    msg = str(err.value)
    assert "'C7'" in msg and "guitar" in msg and "E2" in msg and "E5" in msg
    with pytest.raises(ValueError, match="Unknown instrument"):
        synth.parse("C4", "tuba")


def test_mu_law_and_wav_keep_levels():
    x = np.linspace(-0.3, 0.3, 1000).astype(np.float32)
    assert np.abs(mu_law_decode(mu_law_encode(x)) - x).max() < 0.01
    with wave.open(io.BytesIO(wav_bytes(x, 16000))) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        assert w.getframerate() == 16000 and abs(pcm.max() / 32767 - 0.3) < 1e-3  # not peak-normalised


def test_cli_writes_wav_and_rejects_bad_melody(tmp_path, capsys):
    from models.cli import main

    out = tmp_path / "tune.wav"
    assert main(["wavenet", "--instrument", "flute", "--notes", "C5:0.5 R:0.5 E5", "--tempo", "240",
                 "--seed", "3", "--out", str(out)]) == 0
    with wave.open(str(out)) as w:
        assert w.getframerate() == 16000 and w.getnchannels() == 1
        assert abs(w.getnframes() / 16000 - (2 * 0.25 + 0.04)) < 0.01  # 2 beats at 240 bpm + the last note's tail
    capsys.readouterr()
    assert main(["wavenet", "--notes", "C4 X9", "--out", str(tmp_path / "bad.wav")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "'X9'" in err and "Traceback" not in err
    assert not (tmp_path / "bad.wav").exists()


def test_page_generates_audio_and_explains_bad_melody():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "wavenet_audio.py"), default_timeout=180).run()
    assert not at.exception and not at.error
    at.text_area(key="wn_notes").set_value("C4:0.5 G4:0.5")
    at.slider(key="wn_tempo").set_value(240)
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert not at.exception and not at.error
    audio = [e for e in at.main if getattr(e, "proto", None) is not None and type(e.proto).__name__ == "Audio"]
    assert len(audio) >= 1  # the WaveNet's WAV (and the SoundFont's when fluidsynth is installed)
    assert any("generated in" in c.value for c in at.caption)
    at.text_area(key="wn_notes").set_value("C4 C9")
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert not at.exception
    assert at.error and "out of range" in at.error[0].value


def test_page_preset_box_follows_the_melody_box():
    """The preset box names the preset the melody holds, and stops naming it once the visitor types their own."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "wavenet_audio.py"), default_timeout=180).run()
    assert at.selectbox(key="wn_preset").value == "Arpeggio"  # the default melody is the arpeggio
    at.selectbox(key="wn_preset").set_value("Twinkle, twinkle").run()
    assert at.text_area(key="wn_notes").value.startswith("C4 C4 G4 G4")
    at.text_area(key="wn_notes").set_value("E4 D4 C4").run()
    assert not at.exception
    assert at.selectbox(key="wn_preset").value == "(your own melody)"
