"""WaveNet chords, MIDI files and the sound-quality measure: chords parse and mix (each voice's pitch in the mix, no
clipping), MIDI files made here with mido are read (tempo, overlaps) or refused with their message, and the shipped
model is measured against the sound targets (issue #20's protocol, a short version)."""
from __future__ import annotations

import io

import mido
import numpy as np
import pytest

from models import limits
from models.loading import load_model
from models.wavenet import midi as midi_lib, quality, soundfont
from models.wavenet.melody import Event, check_events, parse_melody, to_events
from models.wavenet.model import MIX_PEAK
from models.wavenet.pitch import midi_to_hz

MODEL_NAME = "wavenet-instruments"
SR = 16000


@pytest.fixture(scope="module")
def synth():
    return load_model(MODEL_NAME)


def midi_bytes(notes, tempo_us=500_000, tempo_changes=(), ticks=480, channel=0) -> bytes:
    """A one-track MIDI file: notes are (start beat, beats, pitch); tempo_changes are (beat, microseconds per beat)."""
    timed = [(0, 0, mido.MetaMessage("set_tempo", tempo=tempo_us))]
    timed += [(int(b * ticks), 0, mido.MetaMessage("set_tempo", tempo=t)) for b, t in tempo_changes]
    for start, beats, pitch in notes:
        timed.append((int(start * ticks), 2, mido.Message("note_on", note=pitch, velocity=90, channel=channel)))
        timed.append((int((start + beats) * ticks), 1, mido.Message("note_off", note=pitch, channel=channel)))
    timed.sort(key=lambda item: (item[0], item[1]))
    track, now = mido.MidiTrack(), 0
    for tick, _, msg in timed:
        track.append(msg.copy(time=tick - now))
        now = tick
    f = mido.MidiFile(ticks_per_beat=ticks)
    f.tracks.append(track)
    buf = io.BytesIO()
    f.save(file=buf)
    return buf.getvalue()


# --- chords -------------------------------------------------------------------------------------------------------

def test_chords_parse_into_simultaneous_voices():
    notes = parse_melody("C4+E4+G4:2 F4 G4:2 R")
    assert [n.pitches for n in notes] == [(60, 64, 67), (65,), (67,), ()]
    assert [n.beats for n in notes] == [2, 1, 2, 1]
    events = to_events(notes, 120)
    assert events[:3] == [Event(0.0, 1.0, 60), Event(0.0, 1.0, 64), Event(0.0, 1.0, 67)]
    assert events[3] == Event(1.0, 0.5, 65) and events[4] == Event(1.5, 1.0, 67)


@pytest.mark.parametrize("text, words", [
    ("C4+D4+E4+F4+G4+A4+B4", ["7 notes", "at most 6"]),
    ("C4+", ["not a chord"]),
    ("C4:2+E4", ["not a chord", "duration after the last"]),
    ("C4+X4", ["Note 1", "not a chord"]),
])
def test_malformed_chords_say_what_to_fix(text, words):
    with pytest.raises(ValueError) as err:
        parse_melody(text)
    for word in words:
        assert word in str(err.value)


def test_voice_and_length_limits():
    seven = [Event(0.0, 1.0, 60 + i) for i in range(7)]
    with pytest.raises(ValueError, match="7 notes sound at once"):
        check_events(seven, 30)
    check_events(seven[:6], 30)
    with pytest.raises(ValueError, match="at most 30 s"):
        check_events([Event(29.5, 1.0, 60)], 30)
    # one voice ending where the next starts is not an overlap
    check_events([Event(float(i), 1.0, 60 + i) for i in range(7)], 30, max_voices=1)


def band_power(audio: np.ndarray, hz: float) -> float:
    """Power within +-3 % of hz relative to the spectrum's median power (how far a partial stands out)."""
    power = np.abs(np.fft.rfft(audio * np.hanning(len(audio)))) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / SR)
    return float(power[np.abs(freqs - hz) <= 0.03 * hz].max() / np.median(power[freqs > 40]))


def test_chord_mix_holds_each_voice_and_never_clips(synth):
    notes = synth.parse("C3+G4+E5:2", "marimba")
    mix = synth.render(notes, "marimba", tempo=120, seed=0)
    assert np.abs(mix).max() <= MIX_PEAK + 1e-6
    steady = mix[int(0.08 * SR): int(0.9 * SR)]
    for pitch in (48, 67, 76):
        assert band_power(steady, midi_to_hz(pitch)) > 100, pitch  # each voice's fundamental stands out >20 dB
    # the mix is the voices' sum (one batch, the same random stream), scaled only if it would clip
    rows = synth.voices("marimba", [48, 67, 76], [SR + int(0.04 * SR)] * 3, seed=0)
    total = np.sum(rows, axis=0)
    scale = min(1.0, MIX_PEAK / np.abs(total).max())
    np.testing.assert_allclose(mix[: len(total)], total * scale, atol=1e-5)


def test_six_loud_voices_are_scaled_under_the_peak(synth):
    events = [Event(0.0, 0.3, p) for p in (48, 52, 55, 60, 64, 67)]
    mix = synth.render_events(events, "guitar", seed=1)
    assert 0.5 < np.abs(mix).max() <= MIX_PEAK + 1e-6


# --- MIDI files ---------------------------------------------------------------------------------------------------

def test_midi_notes_tempo_and_overlaps_are_read():
    data = midi_bytes([(0, 2, 60), (0, 2, 64), (1, 1, 67), (2, 1, 72)], tempo_us=500_000,
                      tempo_changes=[(2, 1_000_000)])
    events = midi_lib.read_midi(data)
    got = [(e.start_s, round(e.length_s, 3), e.pitch) for e in events]
    # 120 bpm for two beats (1 s), then 60 bpm: the last note starts at 1 s and lasts 1 s
    assert got == [(0.0, 1.0, 60), (0.0, 1.0, 64), (0.5, 0.5, 67), (1.0, 1.0, 72)]


def test_midi_drums_and_leading_silence_are_left_out():
    data = midi_bytes([(4, 1, 60), (5, 1, 62)])
    assert [e.start_s for e in midi_lib.read_midi(data)] == [0.0, 0.5]
    with pytest.raises(midi_lib.MidiError, match="no notes"):
        midi_lib.read_midi(midi_bytes([(0, 1, 36)], channel=9))


@pytest.mark.parametrize("data, words", [
    (b"not a midi file at all", ["not a MIDI file"]),
    (b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0MTrk\x00\x00\x10\x00\x90\x3c", ["damaged"]),
    (b"MThd" + b"\x00" * (limits.MAX_MIDI_BYTES + 10), ["larger than"]),
])
def test_malformed_or_oversized_midi_gives_its_message(data, words):
    with pytest.raises(midi_lib.MidiError) as err:
        midi_lib.read_midi(data)
    for word in words:
        assert word in str(err.value)
    assert len(str(err.value)) < 300


def test_too_long_or_too_many_voices_in_a_midi_file():
    with pytest.raises(midi_lib.MidiError, match="at most 30 s"):
        midi_lib.read_midi(midi_bytes([(i, 1, 60) for i in range(70)]))  # 35 s at 120 bpm
    with pytest.raises(midi_lib.MidiError, match="7 notes sound at once"):
        midi_lib.read_midi(midi_bytes([(0, 1, 60 + i) for i in range(7)]))
    with pytest.raises(midi_lib.MidiError, match="more than"):
        midi_lib.read_midi(midi_bytes([(i / 16, 1 / 16, 60) for i in range(limits.MAX_MIDI_NOTES + 5)]))


def test_out_of_range_midi_names_the_notes_and_offers_octaves():
    events = midi_lib.read_midi(midi_bytes([(0, 1, 96), (1, 1, 100)]))  # C7, E7: above piano's C2-C6
    with pytest.raises(midi_lib.MidiError) as err:
        midi_lib.check_range(events, 36, 84, "piano")
    msg = str(err.value)
    assert "C7" in msg and "E7" in msg and "piano" in msg and "Transpose by -2 " in msg
    midi_lib.check_range(midi_lib.transpose(events, -24), 36, 84, "piano")  # the offer works


def test_cli_plays_chords_and_midi_and_refuses_bad_files(tmp_path, capsys):
    import wave

    from models.cli import main

    out = tmp_path / "chord.wav"
    assert main(["wavenet", "--instrument", "piano", "--notes", "C4+E4+G4:2 F4", "--tempo", "240",
                 "--out", str(out)]) == 0
    with wave.open(str(out)) as w:
        assert abs(w.getnframes() / SR - (3 * 0.25 + 0.04)) < 0.01
    tune = tmp_path / "tune.mid"
    tune.write_bytes(midi_bytes([(0, 1, 72), (0, 1, 76), (1, 1, 79)]))
    assert main(["wavenet", "--instrument", "flute", "--midi", str(tune), "--out", str(tmp_path / "t.wav")]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"hello")
    for args in (["--midi", str(bad)], ["--midi", str(tune), "--instrument", "piano", "--transpose", "2"],
                 ["--midi", str(tmp_path / "missing.mid")], ["--notes", "C4+D4+E4+F4+G4+A4+B4"]):
        assert main(["wavenet", *args, "--out", str(tmp_path / "x.wav")]) == 2, args
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert not (tmp_path / "x.wav").exists()


# --- the sound-quality measure ------------------------------------------------------------------------------------

def test_quality_measure_tells_a_clean_tone_from_noise():
    t = np.arange(SR) / SR
    f0 = midi_to_hz(60)
    tone = sum(0.3 / h * np.sin(2 * np.pi * h * f0 * t) for h in range(1, 6))
    noise = np.random.default_rng(0).normal(0, 0.1, SR)
    assert quality.off_harmonic_db(tone, SR, 60) < -40
    assert quality.off_harmonic_db(noise, SR, 60) > -8
    assert quality.off_harmonic_db(tone, SR, 63) > -10  # the right tone at the wrong requested pitch scores badly
    assert abs(quality.loudness_db(0.1 * np.sign(np.sin(2 * np.pi * 100 * t)), SR) - -20) < 0.1
    assert quality.loudness_db(np.zeros(SR), SR) == quality.SILENT_DB
    # a gain does not change the noise share
    assert abs(quality.off_harmonic_db(tone + 0.01 * noise, SR, 60)
               - quality.off_harmonic_db(10 * (tone + 0.01 * noise), SR, 60)) < 1e-6


def measured_targets(synth) -> dict:
    from training.wavenet.synth import note_quality_rows, quality_summary

    rows = []
    for name, pitches in {"piano": [48, 60, 72], "violin": [60, 67, 79], "flute": [64, 72, 84]}.items():
        rows += note_quality_rows(synth, name, seeds=(0,), pitches=pitches)
    return quality_summary(rows, ["piano", "violin", "flute"])


@pytest.mark.skipif(soundfont.available() is not None, reason="fluidsynth / SoundFont not installed")
@pytest.mark.xfail(strict=True, reason="measured: median off-harmonic energy 14-20 dB above the SoundFont's "
                                       "(target: within 3 dB); needs a better-trained model (issue #20 item 2)")
def test_shipped_model_meets_the_noise_target_on_a_few_notes(synth):
    m = measured_targets(synth)
    gaps = {n: m[f"off_harmonic_gap_db_{n}"] for n in ("piano", "violin", "flute")}
    assert all(g <= 3 for g in gaps.values()), gaps


@pytest.mark.skipif(soundfont.available() is not None, reason="fluidsynth / SoundFont not installed")
def test_shipped_model_meets_the_loudness_target_on_a_few_notes(synth):
    m = measured_targets(synth)
    worst = {n: m[f"loudness_vs_soundfont_worst_db_{n}"] for n in ("piano", "violin", "flute")}
    assert all(w >= -10 for w in worst.values()), worst


def test_page_plays_a_chord_preset_and_shows_which_notes_sound_when():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    page = Path(__file__).resolve().parent.parent / "pages" / "wavenet_audio.py"
    at = AppTest.from_file(str(page), default_timeout=180).run()
    at.selectbox(key="wn_preset").set_value("Chord, then melody").run()
    assert at.text_area(key="wn_notes").value == "C4+E4+G4:2 F4 G4:2"
    at.slider(key="wn_tempo").set_value(240)
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert not at.exception and not at.error
    chart = " ".join(t.value for t in at.text)
    assert "0.00 s  C4 + E4 + G4" in chart and "0.50 s  F4" in chart
    assert any("What is left" in c.value for c in at.caption)
    at.text_area(key="wn_notes").set_value("C4+D4+E4+F4+G4+A4+B4")
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert at.error and "at most 6" in at.error[0].value


def test_page_plays_an_uploaded_midi_file_and_explains_a_bad_one():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    page = Path(__file__).resolve().parent.parent / "pages" / "wavenet_audio.py"
    at = AppTest.from_file(str(page), default_timeout=180).run()
    at.file_uploader(key="wn_midi").set_value(("tune.mid", midi_bytes([(0, 1, 60), (0, 1, 64), (1, 1, 67)]),
                                                "audio/midi")).run()
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert not at.exception and not at.error
    assert "0.00 s  C4 + E4" in " ".join(t.value for t in at.text)
    at.file_uploader(key="wn_midi").set_value(("high.mid", midi_bytes([(0, 1, 100)]), "audio/midi")).run()
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert not at.exception
    assert at.error and "E7" in at.error[0].value and "Transpose by" in at.error[0].value
    at.number_input(key="wn_octaves").set_value(-2)
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert not at.exception and not at.error
    at.file_uploader(key="wn_midi").set_value(("fake.mid", b"[link](http://x.test) not midi", "audio/midi")).run()
    next(b for b in at.button if "Generate" in b.label).click()
    at.run()
    assert at.error and "not a MIDI file" in at.error[0].value
