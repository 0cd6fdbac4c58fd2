"""Render the WaveNet's data: single notes of five General MIDI instruments played by FluidSynth at 16 kHz mono.

    python -m training.wavenet.prepare            # -> data/audio/notes.npz + data/audio/meta.json (~25 MB)

Needs Debian `fluidsynth` and `fluid-soundfont-gm` (FluidR3_GM.sf2, MIT licence). Each note is held for the whole clip
(1 s, no reverb or chorus) and starts at the clip's first sample. Every pitch of an instrument's range is played at four
velocities; one velocity per pitch (the one at index pitch % 4) is held out for evaluation, so the held-out set covers
every pitch and every velocity while each pitch is still seen at three velocities in training.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from models.wavenet import soundfont
from training.wavenet.data import data_dir

SAMPLE_RATE = 16000
CLIP_S = 1.0
SLOT_S = 2.0  # a note every 2 s in the rendered file: the previous note's release has died away by the next onset
VELOCITIES = [60, 80, 100, 120]
GAIN = 1.5
# name -> (General MIDI program, lowest MIDI pitch, highest MIDI pitch): about three octaves each, in range
INSTRUMENTS = {
    "piano": (0, 36, 84),  # C2..C6
    "marimba": (12, 48, 84),  # C3..C6
    "guitar": (24, 40, 76),  # E2..E5 (nylon)
    "violin": (40, 55, 91),  # G3..G6
    "flute": (73, 60, 96),  # C4..C7
}


def render_instrument(program: int, low: int, high: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """All (pitch, velocity) notes of one instrument in one FluidSynth run, cut into clips of CLIP_S seconds."""
    notes = [(p, v) for p in range(low, high + 1) for v in VELOCITIES]
    events = [(i * SLOT_S, CLIP_S, p, v) for i, (p, v) in enumerate(notes)]
    audio = soundfont.render(program, events, total_s=len(notes) * SLOT_S, sample_rate=SAMPLE_RATE, gain=GAIN)
    slot, clip = int(SLOT_S * SAMPLE_RATE), int(CLIP_S * SAMPLE_RATE)
    clips = np.stack([audio[i * slot: i * slot + clip] for i in range(len(notes))])
    return clips, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default data/audio)")
    args = parser.parse_args()
    out = args.out or data_dir()
    out.mkdir(parents=True, exist_ok=True)
    all_clips, instrument, pitch, velocity = [], [], [], []
    for idx, (name, (program, low, high)) in enumerate(INSTRUMENTS.items()):
        t0 = time.time()
        clips, notes = render_instrument(program, low, high)
        peak = float(np.abs(clips).max())
        print(f"{name:8s} program {program:3d} pitches {low}-{high}: {len(notes)} notes, peak {peak:.2f}, "
              f"{time.time() - t0:.1f} s")
        if peak >= 0.999:
            raise SystemExit(f"{name} clips at full scale: lower GAIN")
        all_clips.append(clips)
        instrument += [idx] * len(notes)
        pitch += [p for p, _ in notes]
        velocity += [v for _, v in notes]
    pitch_arr, vel_arr = np.array(pitch, np.int16), np.array(velocity, np.int16)
    vel_index = np.array([VELOCITIES.index(v) for v in velocity])
    held_out = vel_index == (pitch_arr % len(VELOCITIES))
    audio = np.concatenate(all_clips)
    np.savez_compressed(out / "notes.npz", audio=(np.clip(audio, -1, 1) * 32767).astype(np.int16),
                        instrument=np.array(instrument, np.int16), pitch=pitch_arr, velocity=vel_arr,
                        held_out=held_out)
    meta = {"sample_rate": SAMPLE_RATE, "clip_s": CLIP_S, "velocities": VELOCITIES, "gain": GAIN,
            "instruments": [{"name": n, "program": p, "low": lo, "high": hi} for n, (p, lo, hi) in INSTRUMENTS.items()],
            "held_out_rule": "velocity index == pitch % 4", "soundfont": str(soundfont.soundfont_path()),
            "notes": int(len(audio)), "held_out_notes": int(held_out.sum())}
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {len(audio)} notes ({held_out.sum()} held out) to {out}")


if __name__ == "__main__":
    main()
