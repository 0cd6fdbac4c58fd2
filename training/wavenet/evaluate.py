"""Evaluate the instrument WaveNet on held-out notes and record the figures in the manifest.

    python -m training.wavenet.evaluate                      # the published wavenet-instruments, records metrics
    python -m training.wavenet.evaluate --weights runs/wavenet/best_ema.safetensors --no-record
    python -m training.wavenet.evaluate --pitch-only --seeds 1 --every 3 --no-record   # a quick sampling check
    python -m training.wavenet.evaluate --quality-only      # only the sound-quality figures (section 3) -> manifest

1. Held-out NLL in bits per sample (8 bits = uniform over 256 mu-law classes) on the held-out FluidSynth notes
   (velocity index == pitch % 4, never trained on), each preceded by silence as in training. The headline figure
   excludes each note's first receptive field of samples (its attack); the figure with the attack is given too.
2. Pitch accuracy of generated notes: every pitch of each instrument's range is generated (0.6 s, the app's sampling
   settings: temperature, onset rule, level rule, excitation gain; one batch per instrument), its f0 estimated with
   YIN (models/wavenet/pitch.py, no networks) on 0.08-0.6 s, and counted correct within 50 cents of the requested pitch; this
   is repeated at 8 sampling seeds (REPORT_SEEDS; one seed's 37-49 notes per instrument move by a few points from
   seed to seed) and the figures are the means, with each instrument's lowest single seed beside them. The same
   estimator on the SoundFont's own notes is reported as the ceiling.
3. Sound quality (--quality, or --quality-only): every 3rd pitch of each instrument's range (--quality-every) at
   3 sampling seeds (--quality-seeds, 0, 2, 3), each a 1 s note played as the app plays it, and FluidSynth's
   rendering of the same note (velocity 100, the page's gain): the note's off-harmonic energy (energy outside +-3 %
   bands around the requested pitch's harmonics, over its loud part, relative to all energy above 40 Hz, in dB;
   models/wavenet/quality.py) and loudness (RMS dBFS) against the SoundFont's. Per instrument: medians, the gap,
   the quietest note against its SoundFont note. ~2-4 min on one core.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from models.wavenet.pitch import cents_off, note_f0
from models.wavenet.model import DEFAULT_TEMPERATURE, SILENCE, WaveNetSynth
from training.common.paths import RUNS
from training.wavenet.data import MODEL_NAME, data_dir, load_notes
from training.wavenet.synth import NOTE_S, load_synth, note_cents, note_quality_rows, quality_summary

QUALITY_SEEDS = (0, 2, 3)

# sampling seeds of the reported pitch figures (seeds 1 and 5-9 chose the sampling settings:
# training/wavenet/tune_sampling.py)
REPORT_SEEDS = (0, 2, 3, 4, 10, 11, 12, 13)


@torch.inference_mode()
def heldout_bits(synth: WaveNetSynth, data: dict, batch: int = 8) -> dict:
    """Bits per sample on the held-out notes: overall and per instrument, without and with the first receptive field."""
    net, cfg = synth.net, synth.config
    rf = net.receptive_field
    idx = np.flatnonzero(data["held_out"])
    sums = {}  # instrument -> [nats after rf, count after rf, nats all, count all]
    for s in range(0, len(idx), batch):
        rows = idx[s: s + batch]
        clips = torch.from_numpy(data["classes"][rows].astype(np.int64))
        seq = torch.cat([torch.full((len(rows), rf), SILENCE, dtype=torch.long), clips], dim=1)
        logits = net(seq[:, :-1], torch.from_numpy(data["instrument"][rows]),
                     torch.from_numpy(data["pitch"][rows]) - cfg["pitch_low"], skip_first=rf - 1,
                     first_index=torch.full((len(rows),), 1 - rf))  # output 0 predicts clip sample 1 - rf
        nats = F.cross_entropy(logits.transpose(1, 2), clips, reduction="none")  # (B, clip_len)
        for r, row in enumerate(rows):
            acc = sums.setdefault(int(data["instrument"][row]), [0.0, 0, 0.0, 0])
            acc[0] += nats[r, rf:].sum().item()
            acc[1] += nats.shape[1] - rf
            acc[2] += nats[r].sum().item()
            acc[3] += nats.shape[1]
    names = synth.instruments
    out = {"heldout_bits_per_sample": sum(v[0] for v in sums.values()) / sum(v[1] for v in sums.values()) / math.log(2),
           "heldout_bits_per_sample_with_attack":
               sum(v[2] for v in sums.values()) / sum(v[3] for v in sums.values()) / math.log(2),
           "heldout_notes": int(len(idx))}
    for i, v in sorted(sums.items()):
        out[f"heldout_bits_{names[i]}"] = v[0] / v[1] / math.log(2)
    return out


def pitch_accuracy(synth: WaveNetSynth, temperature: float = DEFAULT_TEMPERATURE, every: int = 1, seed: int = 0,
                   onset_rule: bool = True, level_rule: bool = True) -> tuple[dict, list]:
    metrics, rows = {}, []
    all_ok = []
    for name in synth.instruments:
        ok = []
        for p, c in zip(*note_cents(synth, name, temperature, every, seed, onset_rule, level_rule)):
            ok.append(bool(abs(c) < 50))
            rows.append({"instrument": name, "pitch": p, "cents": None if math.isnan(c) else round(float(c), 1)})
        metrics[f"pitch_acc_{name}"] = float(np.mean(ok))
        all_ok += ok
    metrics["pitch_acc_within_50_cents"] = float(np.mean(all_ok))
    metrics["pitch_acc_notes"] = len(all_ok)
    return metrics, rows


def pitch_accuracy_over_seeds(synth: WaveNetSynth, temperature: float = DEFAULT_TEMPERATURE, every: int = 1,
                              seeds: tuple[int, ...] = REPORT_SEEDS, onset_rule: bool = True, level_rule: bool = True
                              ) -> tuple[dict, list]:
    """pitch_accuracy at each seed; the headline figures (overall and per instrument) are the means over the seeds,
    with each instrument's lowest single-seed figure and every seed's overall figure beside them."""
    runs, rows = [], []
    for seed in seeds:
        m, r = pitch_accuracy(synth, temperature, every, seed, onset_rule, level_rule)
        runs.append(m)
        rows += [dict(row, seed=seed) for row in r]
        print(f"  seed {seed}: {m['pitch_acc_within_50_cents']:.1%} ("
              + ", ".join(f"{n} {m['pitch_acc_' + n]:.1%}" for n in synth.instruments) + ")", flush=True)
    out = {"pitch_acc_within_50_cents": float(np.mean([m["pitch_acc_within_50_cents"] for m in runs])),
           "pitch_acc_notes": int(sum(m["pitch_acc_notes"] for m in runs))}
    for name in synth.instruments:
        each = [m[f"pitch_acc_{name}"] for m in runs]
        out[f"pitch_acc_{name}"] = float(np.mean(each))
        out[f"pitch_acc_lowest_seed_{name}"] = float(np.min(each))
    for seed, m in zip(seeds, runs):
        out[f"pitch_acc_seed{seed}"] = m["pitch_acc_within_50_cents"]
    return out, rows


def data_pitch_ceiling(data: dict, sr: int) -> float:
    """The estimator's accuracy on the SoundFont's own held-out notes (what a perfect model would get)."""
    idx = np.flatnonzero(data["held_out"])
    ok = []
    for i in idx:
        audio = data["audio"][i]
        ok.append(abs(cents_off(note_f0(audio, sr, end_s=NOTE_S), int(data["pitch"][i]))) < 50)
    return float(np.mean(ok))


def sound_quality(synth: WaveNetSynth, args) -> tuple[dict, list]:
    """Section 3: per-note rows and per-instrument figures, printed as they come."""
    t0 = time.time()
    seeds = tuple(int(s) for s in args.quality_seeds.split(","))
    rows = []
    for name in synth.instruments:
        rows += note_quality_rows(synth, name, args.quality_every, seeds, args.temperature,
                                  loudness_floor=not args.no_loudness_floor)
        print(f"  {name}: quality measured ({time.time() - t0:.0f} s)", flush=True)
    metrics = quality_summary(rows, synth.instruments)
    metrics["quality_eval_every"] = args.quality_every
    metrics["quality_eval_seeds"] = args.quality_seeds
    metrics["quality_eval_temperature"] = args.temperature
    metrics["quality_eval_loudness_floor"] = not args.no_loudness_floor
    for name in synth.instruments:
        print(f"  {name}: off-harmonic {metrics['off_harmonic_db_' + name]:.1f} dB (SoundFont "
              f"{metrics['off_harmonic_db_soundfont_' + name]:.1f}), loudness vs SoundFont median "
              f"{metrics['loudness_vs_soundfont_median_db_' + name]:+.1f} dB, worst "
              f"{metrics['loudness_vs_soundfont_worst_db_' + name]:+.1f} dB, "
              f"{metrics['notes_over_10db_quieter_' + name]} of {metrics['quality_notes_' + name]} notes over 10 dB "
              "quieter", flush=True)
    return metrics, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, default=None, help="a safetensors file (default: the published model)")
    parser.add_argument("--no-record", action="store_true", help="do not write the figures into the manifest")
    parser.add_argument("--temperature", type=float, default=DEFAULT_TEMPERATURE, help="default: the app's")
    parser.add_argument("--seeds", default=",".join(map(str, REPORT_SEEDS)),
                        help="sampling seeds of the pitch test, comma-separated (figures: their means)")
    parser.add_argument("--every", type=int, default=1, help="test every k-th pitch only")
    parser.add_argument("--pitch-only", action="store_true", help="skip the NLL (a quick sampling-settings check)")
    parser.add_argument("--no-onset-rule", action="store_true", help="sample without the onset rule (ONSET_RULE)")
    parser.add_argument("--no-level-rule", action="store_true", help="sample without the level rule (LEVEL_RULE)")
    parser.add_argument("--excitation-gain", type=float, default=None,
                        help="one excitation gain for every instrument (default: the app's, from the config)")
    parser.add_argument("--quality", action="store_true", help="also the sound-quality figures (section 3)")
    parser.add_argument("--quality-only", action="store_true",
                        help="only the sound-quality figures (recorded in the manifest unless --no-record)")
    parser.add_argument("--no-loudness-floor", action="store_true",
                        help="play the sound-quality notes without the loudness floor (LOUDNESS_FLOOR)")
    parser.add_argument("--quality-every", type=int, default=3, help="every k-th pitch in the sound-quality test")
    parser.add_argument("--quality-seeds", default=",".join(map(str, QUALITY_SEEDS)))
    parser.add_argument("--out", type=Path, default=RUNS / "wavenet" / "eval.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    synth = load_synth(args.weights)
    synth.gain_override = args.excitation_gain
    if args.quality_only:
        metrics, rows = sound_quality(synth, args)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"metrics": metrics, "quality_notes": rows}, indent=2))
        if not args.no_record and args.weights is None:
            from training.common.publish import record_metrics

            record_metrics(MODEL_NAME, metrics)
            print(f"recorded in models/manifest.json under {MODEL_NAME}")
        return
    data = load_notes()
    raw = np.load(data_dir() / "notes.npz")
    data["audio"] = raw["audio"].astype(np.float32) / 32767
    metrics = {}
    if not args.pitch_only:
        t0 = time.time()
        metrics = heldout_bits(synth, data)
        print(f"held-out NLL: {metrics['heldout_bits_per_sample']:.3f} bits/sample ({time.time() - t0:.0f} s)")
    t0 = time.time()
    seeds = tuple(int(s) for s in args.seeds.split(","))
    pitch, rows = pitch_accuracy_over_seeds(synth, args.temperature, args.every, seeds, not args.no_onset_rule,
                                            not args.no_level_rule)
    metrics.update(pitch)
    print(f"pitch accuracy: {pitch['pitch_acc_within_50_cents']:.1%} (mean over seeds {args.seeds}; "
          f"{pitch['pitch_acc_notes']} notes, {time.time() - t0:.0f} s)")
    metrics["pitch_acc_soundfont_ceiling"] = data_pitch_ceiling(data, synth.sample_rate)
    quality_rows = []
    if args.quality:
        quality, quality_rows = sound_quality(synth, args)
        metrics.update(quality)
    metrics = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}
    metrics["pitch_eval_temperature"] = args.temperature
    metrics["pitch_eval_seeds"] = args.seeds
    metrics["pitch_eval_onset_rule"] = not args.no_onset_rule
    metrics["pitch_eval_level_rule"] = not args.no_level_rule and synth.ceiling(synth.instruments[0]) > 0
    for name in synth.instruments:
        metrics[f"pitch_eval_excitation_gain_{name}"] = synth.excitation_gain(name)
    for k, v in metrics.items():
        print(f"  {k}: {v}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"metrics": metrics, "notes": rows, "quality_notes": quality_rows},
                                    indent=2))
    if not args.no_record and args.weights is None and not args.pitch_only and args.every == 1:
        from training.common.publish import record_metrics

        record_metrics(MODEL_NAME, metrics)
        print(f"recorded in models/manifest.json under {MODEL_NAME}")


if __name__ == "__main__":
    main()
