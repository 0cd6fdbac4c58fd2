#!/bin/sh
# One GPU lease (the device tool's machine: one GPU, 16 cores, ~10 minutes per command): continue the shipped WaveNet
# in four runs side by side for MINUTES, then pack each run's last EMA snapshots into $OUT (at most 8 files, 16 MiB
# each). Choosing among them (pitch accuracy of generated notes, held-out NLL) happens afterwards, on the CPU, with
# training/wavenet/evaluate.py.
#
#   python -m training.common.lease_data                               # compact data copy (.lease/data), on this machine
#   GAN_STUDIO_DATA=.lease/data sh training/gpu_lease.sh [MINUTES]   # on the GPU machine; results: $OUT/*.tar
#
# Every run is an ordinary training command with --device cuda (DEVICE=cpu for a dry run). Two of the four compile
# the training forward (torch.compile: fewer kernel launches); if compiling fails there, the eager twins still train.
# The lease that trained DCGAN, InfoGAN and WaveNet runs side by side is this file at git commit a08e421.
set -u
MIN=${1:-6.3}
DEVICE=${DEVICE:-cuda}
HARD=$(python3 -c "print(int($MIN * 60 + 45))")
OUT=${OUT:-runs/lease-out}
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
mkdir -p runs "$OUT"
WN="--device $DEVICE --minutes $MIN --steps 1000000 --crop 2048 --eval-every 1000 --snapshot-every 1000 --no-samples
    --no-publish --harmonics 3 --warmup 300 --init-from models/weights/wavenet-instruments.safetensors"

run() {  # run NAME ARGS...: a WaveNet training in the background, log to runs/NAME.log, killed after HARD seconds
    name=$1; shift
    timeout "$HARD" python3 -m training.wavenet.train --run "runs/$name" $WN "$@" > "runs/$name.log" 2>&1 &
}
run wE --batch 64 --lr 6e-4
run wF --batch 256 --lr 6e-4
run wG --batch 64 --lr 6e-4 --compile
run wH --batch 256 --lr 6e-4 --compile
(sleep 120; nvidia-smi > runs/nvidia-smi.txt 2>&1) &
wait

python3 - "$OUT" <<'EOF'
"""Pack: logs and metrics; per run its last 8 EMA snapshots, its best EMA and its checkpoint (to resume on a CPU)."""
import sys
import tarfile
from pathlib import Path

out, runs = Path(sys.argv[1]), Path("runs")
with tarfile.open(out / "logs.tar.gz", "w:gz") as tar:
    for p in sorted(runs.glob("w[EFGH].log")) + sorted(runs.glob("w[EFGH]/*.json*")) + [runs / "nvidia-smi.txt"]:
        if p.exists():
            tar.add(p)
for name in ("wE", "wF", "wG", "wH"):
    d = runs / name
    keep = sorted(d.glob("ema_step*.safetensors"))[-8:] + [d / "best_ema.safetensors", d / "checkpoint.safetensors"]
    if any(p.exists() for p in keep):
        with tarfile.open(out / f"{name}.tar", "w") as tar:
            for p in keep:
                if p.exists():
                    tar.add(p)
for p in sorted(out.iterdir()):
    print(p.name, p.stat().st_size)
EOF
