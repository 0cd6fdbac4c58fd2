"""Write compact copies of the prepared training data for a lent GPU machine (the device tool sends at most 64 MiB).

    python -m training.common.lease_data [--out .lease/data]

Copies data/mnist/{train,test}.npz and stores the FluidSynth notes as uint8 mu-law classes (what
training/wavenet/train.py reads; half the size of the int16 audio, no audio needed for training). Then, on the GPU
machine:

    GAN_STUDIO_DATA=.lease/data sh training/gpu_lease.sh 7
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np

from models.wavenet import audio as audio_lib
from training.common.paths import data_root


def write(out: Path) -> None:
    src = data_root()
    (out / "mnist").mkdir(parents=True, exist_ok=True)
    for split in ("train", "test"):
        shutil.copy2(src / "mnist" / f"{split}.npz", out / "mnist" / f"{split}.npz")
    (out / "audio").mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "audio" / "meta.json", out / "audio" / "meta.json")
    with np.load(src / "audio" / "notes.npz") as notes:
        classes = audio_lib.mu_law_encode(notes["audio"].astype(np.float32) / 32767).astype(np.uint8)
        rest = {k: notes[k] for k in notes.files if k != "audio"}
    np.savez_compressed(out / "audio" / "notes.npz", classes=classes, **rest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(".lease/data"))
    args = parser.parse_args()
    write(args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
