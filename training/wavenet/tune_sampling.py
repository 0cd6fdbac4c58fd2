"""Choose the published WaveNet's per-instrument sampling settings and record them in its config.

    python -m training.wavenet.tune_sampling                 # levels, then the excitation-gain sweep (~20 min, 1 core)
    python -m training.wavenet.tune_sampling --levels-only   # only the level rule's ceilings (seconds)

1. Level rule ceilings (instruments[i]["loudest_rms"]): the loudest any training note of the instrument gets, as the
   sampler measures it (training/wavenet/data.py set_levels; new trainings store them themselves).
2. Excitation gain (instruments[i]["excitation_gain"]): every pitch of the instrument's range is generated at each
   gain of --gains (0.6 s, the app's temperature and rules) at the tuning seeds (--seeds, never the evaluation's
   reported seeds 0, 2, 3, 4 or 10-13) and the gain with the most notes within 50 cents (YIN) wins; on a tie, the
   smaller gain (closer to training's 1).
The weights are not touched: the safetensors file is rewritten with the new config in its metadata, and the manifest
entry (size, checksum, config) updated; recorded metrics are kept (re-run training.wavenet.evaluate after this).
"""
from __future__ import annotations

import argparse
import json

import numpy as np
from safetensors.torch import load_file

from models import registry
from models.wavenet.model import WaveNetSynth, build
from training.common.publish import publish
from training.wavenet.data import MODEL_NAME, load_notes, set_levels
from training.wavenet.synth import note_cents


def in_tune_share(synth: WaveNetSynth, instrument: str, seeds: list[int]) -> float:
    """Share of the instrument's pitches (each generated once per seed) within 50 cents of the request."""
    return float(np.mean([abs(c) < 50 for seed in seeds for c in note_cents(synth, instrument, seed=seed)[1]]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels-only", action="store_true")
    parser.add_argument("--gains", default="1.5,2,2.5,3,4")
    parser.add_argument("--seeds", default="1,5,6,7,8,9", help="tuning seeds (not the reported ones)")
    args = parser.parse_args()
    old = json.loads(registry.MANIFEST_PATH.read_text())["models"][MODEL_NAME]
    tensors = load_file(str(registry.SHIPPED_DIR / old["file"]))
    config = old["config"]
    set_levels(config, load_notes())
    if not args.levels_only:
        net = build(config)
        net.load_state_dict({k: v.float() for k, v in tensors.items()})
        synth = WaveNetSynth(net, config)  # reads config["instruments"], which the loop below fills in
        seeds = [int(s) for s in args.seeds.split(",")]
        for info in config["instruments"]:
            scores = {}
            for gain in sorted(float(g) for g in args.gains.split(",")):
                synth.gain_override = gain
                scores[gain] = in_tune_share(synth, info["name"], seeds)
                print(f"{info['name']}: gain {gain:g}: {scores[gain]:.1%} in tune (seeds {args.seeds})", flush=True)
            info["excitation_gain"] = max(scores, key=lambda g: (scores[g], -g))
    publish(MODEL_NAME, old["family"], tensors, title=old["title"], description=old["description"], config=config,
            licence=old["licence"], data=old["data"])
    for info in config["instruments"]:
        print(f"{info['name']}: loudest training level (RMS) {info['loudest_rms']}, "
              f"excitation gain {info.get('excitation_gain', 'default')}")


if __name__ == "__main__":
    main()
