"""`python -m models wavenet --instrument piano --notes "C4+E4+G4:2 F4" --out chord.wav`: play a melody (chords
joined with +) with the WaveNet; `--midi tune.mid` plays a MIDI file's notes instead (`--transpose` shifts octaves)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.numbers import parse_float, parse_int
from models.safe_files import NotRegularFile, check_output
from models.limits import MAX_SEED

MODEL_NAME = "wavenet-instruments"


def register(subparsers) -> None:
    p = subparsers.add_parser("wavenet", help="play a melody with the instrument WaveNet and write a WAV file",
                              description="Generate a melody sample by sample with the WaveNet. Notes: names A-G, "
                                          "optional # or b, octave (C4 = middle C), optional :beats; R is a rest.")
    p.add_argument("--instrument", default="piano", help="piano, marimba, guitar, violin or flute (default piano)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--notes", help='melody, e.g. "C4 E4 G4:2 R C5"; a chord joins notes with +: "C4+E4+G4:2"')
    source.add_argument("--midi", type=Path, help="a MIDI file (.mid) to play with the instrument")
    p.add_argument("--transpose", default="0", help="with --midi: shift every note by this many octaves (-4 to 4)")
    p.add_argument("--out", type=Path, default=Path("tune.wav"), help="output WAV file (16 kHz mono)")
    p.add_argument("--tempo", default="120", help="beats per minute, 20-300 (default 120)")
    p.add_argument("--temperature", default=None,
                   help="sampling temperature, 0 = greedy (default: the app's, models.wavenet.model.DEFAULT_TEMPERATURE)")
    p.add_argument("--seed", default="0", help=f"sampling seed, 0-{MAX_SEED} (default 0)")
    p.add_argument("--model", default=MODEL_NAME, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_wavenet)
    p = subparsers.add_parser("build-kernel", help="compile the WaveNet sampling loop ahead of time (optional: "
                                                   "saves ~90 MB of server memory and the first-use JIT compile)")
    p.set_defaults(func=cmd_build_kernel)


def cmd_wavenet(args) -> int:
    from models import registry, store
    from models.wavenet.audio import wav_bytes
    from models.loading import load_model
    from models.wavenet import melody as melody_lib, midi as midi_lib
    from models.wavenet.model import DEFAULT_TEMPERATURE, MAX_SECONDS, check_duration

    try:
        args.temperature = DEFAULT_TEMPERATURE if args.temperature is None else \
            parse_float("--temperature", args.temperature, 0.0, 2.0)
        args.tempo = parse_float("--tempo", args.tempo, 20.0, 300.0)
        args.seed = parse_int("--seed", args.seed, 0, MAX_SEED)
        args.transpose = parse_int("--transpose", args.transpose, -4, 4)
        check_output(args.out)  # a FIFO or device as --out would block or swallow the audio
    except (ValueError, NotRegularFile) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        synth = load_model(args.model)
        if args.midi is not None:
            low, high = synth.pitch_range(args.instrument)
            events = midi_lib.transpose(midi_lib.read_midi(args.midi), 12 * args.transpose)
            midi_lib.check_range(events, low, high, args.instrument, args.transpose)
        else:
            notes = synth.parse(args.notes, args.instrument)
            total_s = check_duration(notes, args.tempo)
            events = melody_lib.to_events(notes, args.tempo)
        melody_lib.check_events(events, MAX_SECONDS)
    except OSError as err:
        print(f"error: cannot read {args.midi}: {err.strerror}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (registry.UnknownModel, store.WeightError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    from tqdm import tqdm

    with tqdm(total=100, desc=f"{args.instrument}", unit="%", leave=False) as bar:
        audio = synth.render_events(events, args.instrument, temperature=args.temperature, seed=args.seed,
                                    progress=lambda f: bar.update(round(100 * f) - bar.n),
                                    total_s=0.0 if args.midi is not None else total_s)
    try:
        args.out.write_bytes(wav_bytes(audio, synth.sample_rate))
    except OSError as err:
        print(f"error: cannot write {args.out}: {err.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(audio) / synth.sample_rate:.2f} s, {len(events)} notes, {args.instrument})")
    return 0


def cmd_build_kernel(args) -> int:
    from models.wavenet import kernel as wavenet_kernel

    try:
        path = wavenet_kernel.build()
    except Exception as err:  # noqa: BLE001 - a compiler or numba.pycc problem: the JIT still works, say so
        print(f"error: the ahead-of-time build failed ({type(err).__name__}: {str(err)[:300]}); "
              "the app will compile the loop with numba's JIT on first use instead.", file=sys.stderr)
        return 1
    usable = "" if wavenet_kernel.cpu_supports_build() else " (this CPU lacks AVX2/FMA: the app will use the JIT)"
    print(f"built {path}{usable}")
    return 0
