#!/bin/sh
# One GPU lease (the device tool's machine: one GPU, 16 cores, ~10 minutes per command): train WaveNet, DCGAN and
# InfoGAN variants side by side for MINUTES, then pack what is worth keeping into $OUT (at most 8 files, 16 MiB each).
#
#   sh training/gpu_lease.sh [MINUTES]        # needs GAN_STUDIO_DATA holding mnist/ and audio/ (compact copies
#                                             # from `python -m training.lease_data`; README "Training on a lent
#                                             # GPU"); results come back as $OUT/*.tar
#
# Every run is an ordinary training command with --device cuda (DEVICE=cpu for a dry run); the same commands run on a CPU with --device cpu.
# Choosing among the results (held-out evaluation, pitch accuracy) happens afterwards, on the CPU, with the
# evaluate_* scripts.
set -u
MIN=${1:-7.3}
DEVICE=${DEVICE:-cuda}
HARD=$(python3 -c "print(int($MIN * 60 + 45))")
OUT=${OUT:-runs/lease-out}
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
mkdir -p runs "$OUT"
WN="--device $DEVICE --minutes $MIN --steps 1000000 --batch 32 --crop 2048 --eval-every 1000 --snapshot-every 2500
    --no-samples --no-publish --harmonics 3"
DC="--device $DEVICE --minutes $MIN --epochs 100000 --judge-every 5 --no-publish --diffaug"
IG="--device $DEVICE --minutes $MIN --epochs 200 --judge --snapshot-every 2 --checkpoint-every 10"

run() {  # run NAME COMMAND...: in the background, log to runs/NAME.log, killed after HARD seconds at the latest
    name=$1; shift
    timeout "$HARD" "$@" > "runs/$name.log" 2>&1 &
}
run wA python3 -m training.train_wavenet --run runs/wA $WN --lr 1e-3 \
    --init-from models/weights/wavenet-instruments.safetensors
run wB python3 -m training.train_wavenet --run runs/wB $WN --lr 1e-3 --input-noise 2 \
    --init-from models/weights/wavenet-instruments.safetensors
run wC python3 -m training.train_wavenet --run runs/wC $WN --lr 2e-3 --seed 1
run dA python3 -m training.train_dcgan mnist --name dA $DC --g-width 64 --d-width 64
run dB python3 -m training.train_dcgan mnist --name dB $DC --g-width 128 --d-width 64
run dC python3 -m training.train_dcgan mnist --name dC $DC --g-width 128 --d-width 128
for seed in 4 5 6 7 8; do
    run "i$seed" python3 -m training.train_infogan --seed "$seed" --out "runs/i$seed" $IG
done
(sleep 90; nvidia-smi > runs/nvidia-smi.txt 2>&1) &
wait

python3 - "$OUT" <<'EOF'
"""Pack: logs and scores; each WaveNet run (last 6 EMA snapshots); DCGAN best generators; the two best InfoGANs."""
import json, sys, tarfile
from pathlib import Path
from safetensors.torch import load_file, save_file
from safetensors import safe_open
out, runs = Path(sys.argv[1]), Path("runs")
with tarfile.open(out / "logs.tar.gz", "w:gz") as tar:
    for p in sorted(runs.glob("*.log")) + sorted(runs.glob("*/*.jsonl")) + sorted(runs.glob("*/config.json")) \
            + [runs / "nvidia-smi.txt"] + [sorted((d / "samples").glob("*.png"))[-1] for d in runs.glob("[di]*")
                                          if list((d / "samples").glob("*.png"))]:
        if p.exists():
            tar.add(p)
for w in ("wA", "wB", "wC"):
    d = runs / w
    if d.exists():
        snaps = sorted(d.glob("ema_step*.safetensors"))[-6:]
        keep = snaps + [p for p in (d / "best_ema.safetensors", d / "checkpoint.safetensors", d / "checkpoint.json")
                        if p.exists()]
        with tarfile.open(out / f"{w}.tar", "w") as tar:
            for p in keep:
                tar.add(p)
for name, members in (("dcgan-a", ["dA"]), ("dcgan-bc", ["dB", "dC"])):
    with tarfile.open(out / f"{name}.tar", "w") as tar:
        for m in members:
            if (runs / m / "best_G.safetensors").exists():
                tar.add(runs / m / "best_G.safetensors")
scored = []
for d in runs.glob("i[0-9]*"):
    p = d / "generator_best.safetensors"
    if p.exists():
        with safe_open(str(p), "pt") as f:
            meta = f.metadata()
        scored.append((json.loads(meta["config"])["judge_accuracy"], d.name, p, meta))
for rank, (acc, name, p, meta) in enumerate(sorted(scored, reverse=True)[:2]):
    half = {k: v.half() if v.is_floating_point() else v for k, v in load_file(str(p)).items()}
    save_file(half, str(out / f"infogan-{name}.safetensors"), metadata=meta)
    print(f"InfoGAN {name}: judge accuracy {acc}")
for p in sorted(out.iterdir()):
    print(p.name, p.stat().st_size)
EOF
