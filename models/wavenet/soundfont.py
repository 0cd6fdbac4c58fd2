"""Render notes with the real FluidSynth and a General MIDI SoundFont (Debian `fluidsynth` + `fluid-soundfont-gm`).

Used by training/wavenet/prepare.py to make the WaveNet's data and by the WaveNet page to play the SoundFont's own
rendering of a melody next to the model's. MIDI files are written with mido; audio comes back as float32 mono.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import mido
import numpy as np

from models import settings

DEFAULT_SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
TICKS_PER_BEAT = 480
MIDI_TEMPO = 500_000  # microseconds per beat = 120 bpm, so one beat is 0.5 s and one second is 960 ticks


class SoundFontUnavailable(RuntimeError):
    """fluidsynth or the SoundFont is not installed; the message says what to install."""


def soundfont_path() -> Path:
    return settings.path(settings.SF2, DEFAULT_SF2)


def available() -> str | None:
    """None when FluidSynth and the SoundFont are both present, else a sentence saying what is missing."""
    if shutil.which("fluidsynth") is None:
        return "FluidSynth is not installed (Debian: apt-get install fluidsynth)."
    if not soundfont_path().is_file():
        return f"The SoundFont {soundfont_path()} is missing (Debian: apt-get install fluid-soundfont-gm)."
    return None


def _ticks(seconds: float) -> int:
    return int(round(seconds * 1e6 / MIDI_TEMPO * TICKS_PER_BEAT))


def write_midi(path: Path, program: int, events: list[tuple[float, float, int, int]], total_s: float) -> None:
    """A one-track MIDI file: events are (start s, duration s, MIDI pitch, velocity) on channel 0 with one program."""
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=MIDI_TEMPO, time=0))
    track.append(mido.Message("program_change", program=program, channel=0, time=0))
    timed = []
    for start, dur, pitch, vel in events:
        timed.append((_ticks(start), 1, mido.Message("note_on", note=pitch, velocity=vel, channel=0)))
        timed.append((_ticks(start + dur), 0, mido.Message("note_off", note=pitch, velocity=0, channel=0)))
    timed.sort(key=lambda item: (item[0], item[1]))  # note-offs before note-ons at the same tick
    now = 0
    for tick, _, msg in timed:
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(_ticks(total_s) - now, 0)))
    midi = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    midi.tracks.append(track)
    midi.save(str(path))


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV as float32 mono in [-1, 1] (channels averaged) and its sample rate."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit PCM, got {8 * width}-bit")
    audio = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return audio.reshape(-1, channels).mean(axis=1), rate


def render(program: int, events: list[tuple[float, float, int, int]], total_s: float, sample_rate: int = 16000,
           gain: float = 0.5, reverb: bool = False, timeout: float = 120.0) -> np.ndarray:
    """Render the events with FluidSynth (fast render to a file) and return float32 mono audio of total_s seconds."""
    missing = available()
    if missing:
        raise SoundFontUnavailable(missing)
    with tempfile.TemporaryDirectory(prefix="gan-studio-fs-") as tmp:
        mid, wav = Path(tmp) / "in.mid", Path(tmp) / "out.wav"
        write_midi(mid, program, events, total_s)
        cmd = ["fluidsynth", "-ni", "-q", "-R", "1" if reverb else "0", "-C", "0", "-g", str(gain),
               "-r", str(sample_rate), "-T", "wav", "-O", "s16", "-F", str(wav), str(soundfont_path()), str(mid)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not wav.exists():
            raise SoundFontUnavailable(f"fluidsynth failed ({done.returncode}): {done.stderr.strip()[:300]}")
        audio, rate = read_wav(wav)
    if rate != sample_rate:
        raise SoundFontUnavailable(f"fluidsynth wrote {rate} Hz audio, expected {sample_rate} Hz")
    n = int(round(total_s * sample_rate))
    return np.pad(audio, (0, max(n - len(audio), 0)))[:n]
