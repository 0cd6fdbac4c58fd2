"""Train the instrument-note WaveNet on the FluidSynth notes from training/wavenet/prepare.py (CPU, or --device cuda).

    python -m training.wavenet.prepare
    nohup python -m training.wavenet.train > runs/wavenet/log.txt 2>&1 &
    nohup python -m training.wavenet.train --resume > runs/wavenet/log.txt 2>&1 &     # continue after a stop
    python -m training.wavenet.train --device cuda --batch 32 --minutes 8 --snapshot-every 1000   # a GPU lease

Each step takes random crops of training notes (a quarter of them start at the onset), each with a receptive field of
left context (notes are preceded by silence), and minimises the 256-way cross-entropy of the next mu-law sample.
Every --eval-every steps: held-out bits per sample on a fixed set of held-out crops (EMA weights). Checkpoints
(safetensors + JSON, no pickle) go to runs/wavenet/ every --ckpt-minutes; the EMA weights are published as
`wavenet-instruments` every --publish-minutes when held-out NLL improved. Batches are drawn from a generator seeded
by (seed, step), so a resumed run sees exactly the batches an uninterrupted one would.
"""
from __future__ import annotations

import argparse
import json
import math
import time
from collections import deque
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from tqdm import tqdm

from models.wavenet import audio as audio_lib
from models.wavenet.model import SILENCE, build
from models.weights_io import save
from training.common import checkpoint as ckpt
from training.common.ema import update_ema, warmup_decay
from training.common.paths import RUNS
from training.wavenet.data import MODEL_NAME, load_notes, set_levels

CHECKPOINT = "checkpoint.safetensors"  # in the run folder; its progress also as checkpoint.json


def make_config(meta: dict, args) -> dict:
    return {
        "sample_rate": meta["sample_rate"], "mu": audio_lib.MU, "clip_s": meta["clip_s"],
        "instruments": meta["instruments"],
        "pitch_low": min(i["low"] for i in meta["instruments"]),
        "pitch_high": max(i["high"] for i in meta["instruments"]),
        "arch": {"layers_per_stack": args.layers, "stacks": args.stacks, "residual": args.residual, "skip": args.skip,
                 "cond": args.cond, "harmonics": args.harmonics},
        "train": {"seed": args.seed, "batch": args.batch, "crop": args.crop, "lr": args.lr, "steps": args.steps,
                  "ema": args.ema, "onset_share": args.onset_share, "input_noise": args.input_noise,
                  "warmup": args.warmup},
    }


def crops(data: dict, idx: np.ndarray, rf: int, crop: int, rng: np.random.Generator, onset_share: float,
          input_noise: float = 0.0):
    """Input/target class crops (B, rf + crop) with left silence padding; loss is taken on the last `crop` targets.
    Also returns each crop's first_index: the note position of the first target (for the pitch excitation).

    input_noise > 0 adds rounded Gaussian noise (std drawn per crop from U(0, input_noise), in mu-law classes) to the
    inputs only, as LPCNet does: the model learns to predict the clean next sample from a slightly wrong past, which
    is what it faces when it feeds its own samples back while generating."""
    clip_len = data["classes"].shape[1]
    seqs = np.full((len(idx), rf + crop + 1), SILENCE, dtype=np.int64)
    first_index = np.zeros(len(idx), dtype=np.int64)
    for row, i in enumerate(idx):
        padded_end = rf + clip_len  # position in the silence-padded clip
        if rng.random() < onset_share:
            start = int(rng.integers(0, rf))  # the crop's scored part covers the attack
        else:
            start = int(rng.integers(0, padded_end - (rf + crop + 1) + 1))
        lo = start - rf  # clip index of the crop's first sample (negative = silence)
        first_index[row] = lo + 1  # output 0 predicts the crop's second sample
        take_from = max(lo, 0)
        take_to = min(lo + rf + crop + 1, clip_len)
        if take_to > take_from:
            seqs[row, take_from - lo: take_to - lo] = data["classes"][i, take_from:take_to]
    x = torch.from_numpy(seqs)
    inputs = x[:, :-1]
    if input_noise > 0:
        sigma = rng.uniform(0, input_noise, size=(len(idx), 1))
        noise = np.rint(rng.standard_normal(inputs.shape) * sigma).astype(np.int64)
        inputs = (inputs + torch.from_numpy(noise)).clamp(0, 255)
    return (inputs, x[:, 1:], torch.from_numpy(data["instrument"][idx]), torch.from_numpy(data["pitch"][idx]),
            torch.from_numpy(first_index))


def to_device(tensors, device):
    return tuple(None if t is None else t.to(device, non_blocking=True) for t in tensors)


def steps_for_budget(step: int, done_steps: int, seconds: float, remaining_s: float) -> int:
    """--minutes: the total step count that ends the run on time, from the rate measured so far (the cosine decay
    is computed against this total, so the learning rate still anneals to its floor)."""
    rate = done_steps / max(seconds, 1e-6)
    return step + max(1, int(rate * remaining_s * 0.97))


def bits_per_sample(net, x, y, inst, pitch_index, first_index, rf: int) -> float:
    """Mean cross-entropy in bits of the targets after the first rf positions."""
    logits = net(x, inst, pitch_index, skip_first=rf, first_index=first_index)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[:, rf:].reshape(-1)).item() / math.log(2)


def mean_bits(losses: deque, last: int) -> float:
    """Mean of the last `last` losses (nats, device tensors), in bits (one device sync)."""
    return torch.stack(list(losses)[-last:]).mean().item() / math.log(2)


def save_sample(folder: Path, ema, config: dict, step: int) -> None:
    """A few generated notes as a WAV per evaluation (needs models/wavenet/fast.py; skipped if it fails)."""
    try:
        from models.wavenet.model import WaveNetSynth

        cpu_copy = build(config)
        cpu_copy.load_state_dict({k: v.cpu() for k, v in ema.state_dict().items()})
        synth = WaveNetSynth(cpu_copy, config)
        notes = []
        for info in config["instruments"]:
            mid = (info["low"] + info["high"]) // 2
            row = synth.generate_notes(info["name"], [mid], int(0.5 * config["sample_rate"]), seed=step)[0]
            notes.append(row * audio_lib.note_envelope(len(row), config["sample_rate"]))
        (folder / "samples").mkdir(exist_ok=True)
        (folder / "samples" / f"step{step:06d}.wav").write_bytes(
            audio_lib.wav_bytes(np.concatenate(notes), config["sample_rate"]))
    except Exception as err:  # noqa: BLE001 - samples are a convenience, never a reason to stop training
        tqdm.write(f"sample generation skipped: {type(err).__name__}: {err}")


def publish_weights(ema, config: dict, step: int, bits: float) -> None:
    from training.common.publish import publish

    names = ", ".join(i["name"] for i in config["instruments"])
    publish(MODEL_NAME, "wavenet", ema.state_dict(), title="WaveNet instrument notes",
            description=f"A small WaveNet that plays single notes of {names}, conditioned on instrument and pitch.",
            config=config, licence="MIT (FluidR3_GM SoundFont notes rendered with FluidSynth; weights trained here)",
            data="fluid-soundfont-gm (FluidR3_GM.sf2) single notes rendered by FluidSynth, 16 kHz",
            metrics={"training_steps": step, "heldout_bits_per_sample_quick": round(bits, 4)}, dtype=None)
    tqdm.write(f"published {MODEL_NAME} at step {step} (held-out {bits:.3f} bits/sample)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", type=Path, default=RUNS / "wavenet")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--steps", type=int, default=30000)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--crop", type=int, default=1536)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--ema", type=float, default=0.998)
    parser.add_argument("--onset-share", type=float, default=0.25)
    parser.add_argument("--input-noise", type=float, default=0.0, help="max std of input noise in mu-law classes")
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--stacks", type=int, default=2)
    parser.add_argument("--residual", type=int, default=32)
    parser.add_argument("--skip", type=int, default=64)
    parser.add_argument("--cond", type=int, default=32)
    parser.add_argument("--harmonics", type=int, default=0,
                        help="sinusoidal pitch excitation with this many harmonics (0: global conditioning only)")
    parser.add_argument("--init-from", type=Path,
                        help="start from these weights (safetensors): every tensor of the same name and shape; the "
                             "rest (e.g. new excitation weights, zero-initialised) is new")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-every", type=int, default=500)
    parser.add_argument("--ckpt-minutes", type=float, default=4.0)
    parser.add_argument("--publish-minutes", type=float, default=15.0)
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--minutes", type=float, default=0.0,
                        help="wall-clock budget: after 300 steps, --steps is reset so the run ends in time")
    parser.add_argument("--snapshot-every", type=int, default=0,
                        help="also keep the EMA weights as ema_stepNNNNNN.safetensors every N steps")
    parser.add_argument("--no-samples", action="store_true", help="skip the WAV samples written at each evaluation")
    parser.add_argument("--warmup", type=int, default=0,
                        help="linear learning-rate warm-up steps (fresh Adam moments on trained weights take "
                             "lr-sized steps at first: 20 steps at lr 2e-3 raise a trained model from 3.5 to 5.2 bits)")
    parser.add_argument("--new-lr", type=float, default=0.0,
                        help="learning rate of the parameters --init-from does not have (default: --lr)")
    parser.add_argument("--compile", action="store_true",
                        help="torch.compile the training forward (fewer kernel launches: faster on a GPU)")
    args = parser.parse_args()
    started = time.time()
    torch.set_num_threads(args.threads)
    args.run.mkdir(parents=True, exist_ok=True)

    data = load_notes()
    if args.resume:  # the run's own config wins over command-line architecture flags
        config = ckpt.read_progress(args.run / CHECKPOINT)["config"]
        config["train"]["steps"] = args.steps
        if args.input_noise:  # e.g. fine-tune a clean-input run with noisy inputs
            config["train"]["input_noise"] = args.input_noise
    else:
        config = make_config(data["meta"], args)
    set_levels(config, data)
    (args.run / "config.json").write_text(json.dumps(config, indent=2))
    tr = config["train"]
    torch.manual_seed(tr["seed"])
    net = build(config).to(args.device)
    ema = build(config).to(args.device)
    ema.load_state_dict(net.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    rf = net.receptive_field
    forward = torch.compile(net) if args.compile else net  # shares net's parameters
    step, best = 0, float("inf")
    if args.init_from and not args.resume:
        old = load_file(str(args.init_from))
        own = net.state_dict()
        taken = {k: v.float() for k, v in old.items() if k in own and own[k].shape == v.shape}
        net.load_state_dict(taken, strict=False)
        if net.excite is not None and not any(k.startswith("excite.") for k in taken):
            for m in net.excite:  # new excitation weights: start exactly as the old model, then learn them
                torch.nn.init.zeros_(m.weight)
        ema.load_state_dict(net.state_dict())
        print(f"initialised {len(taken)} of {len(own)} tensors from {args.init_from}")
        tr["init_from"] = str(args.init_from)
        tr["new_params"] = [k for k, _ in net.named_parameters() if k not in taken]
        tr["new_lr"] = args.new_lr or tr["lr"]
        (args.run / "config.json").write_text(json.dumps(config, indent=2))
    new = set(tr.get("new_params", []))  # parameters the --init-from file did not have: their own learning rate
    groups = [{"params": [p for k, p in net.named_parameters() if k not in new], "base_lr": tr["lr"]},
              {"params": [p for k, p in net.named_parameters() if k in new], "base_lr": tr.get("new_lr", tr["lr"])}]
    opt = torch.optim.Adam([g for g in groups if g["params"]], lr=tr["lr"])
    if args.resume:
        state = ckpt.load(args.run / CHECKPOINT, modules={"net": net, "ema": ema}, optimizers={"opt": opt})
        step, best = state["step"], state["best_bits"]
        print(f"resumed at step {step} (best held-out {best:.3f} bits)")
    n_params = sum(p.numel() for p in net.parameters())
    print(f"WaveNet: {n_params / 1e3:.0f}k parameters, receptive field {rf} samples, {len(net.dilations)} layers")

    train_idx = np.flatnonzero(~data["held_out"])
    held_idx = np.flatnonzero(data["held_out"])
    val_rng = np.random.default_rng(12345)
    val_idx = val_rng.choice(held_idx, size=min(48, len(held_idx)), replace=False)
    val = crops(data, val_idx, rf, 2048, val_rng, onset_share=0.25)
    val = to_device((val[0], val[1], val[2], val[3] - config["pitch_low"], val[4]), args.device)

    last_ckpt = last_pub = time.time()
    bar = tqdm(total=tr["steps"], initial=step, desc="wavenet", mininterval=10, smoothing=0.05)
    losses = deque(maxlen=max(args.eval_every, 50))  # in nats, kept on the device: no sync per step
    first_step, calibrated = step, not args.minutes
    while step < tr["steps"]:
        if step - first_step == 50:  # time the rate after the first steps (allocations, a compile)
            rate_from = time.time()
        if not calibrated and step - first_step == 300:
            tr["steps"] = steps_for_budget(step, 250, time.time() - rate_from,
                                           args.minutes * 60 - (time.time() - started))
            bar.total = tr["steps"]
            calibrated = True
            (args.run / "config.json").write_text(json.dumps(config, indent=2))
            tqdm.write(f"--minutes {args.minutes}: training to step {tr['steps']}")
        rng = np.random.default_rng([tr["seed"], step])
        idx = rng.choice(train_idx, size=tr["batch"])
        x, y, inst, pitch, first = to_device(
            crops(data, idx, rf, tr["crop"], rng, tr["onset_share"], tr.get("input_noise", 0.0)), args.device)
        scale = 0.5 * (1 + math.cos(math.pi * min(step / tr["steps"], 1.0)))  # cosine decay to 2 %
        scale = (step + 1) / tr["warmup"] if step < tr.get("warmup", 0) else max(scale, 0.02)
        lr = tr["lr"] * scale
        for g in opt.param_groups:
            g["lr"] = g["base_lr"] * scale
        logits = forward(x, inst, pitch - config["pitch_low"], skip_first=rf, first_index=first)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y[:, rf:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        update_ema(ema, net, warmup_decay(tr["ema"], step))
        step += 1
        losses.append(loss.detach())
        if args.snapshot_every and step % args.snapshot_every == 0:
            save(ema.state_dict(), args.run / f"ema_step{step:06d}.safetensors", config)
        bar.update(1)
        if step % 50 == 0:
            bar.set_postfix(bits=f"{mean_bits(losses, 50):.3f}", lr=f"{lr:.1e}")
        if step % args.eval_every == 0 or step == tr["steps"]:
            with torch.inference_mode():
                bits = bits_per_sample(ema, *val, rf=rf)
            train_bits = mean_bits(losses, args.eval_every)
            tqdm.write(f"step {step}: train {train_bits:.3f} bits, held-out {bits:.3f} bits "
                       f"(EMA, {len(val_idx)} crops)")
            with open(args.run / "metrics.jsonl", "a") as f:
                f.write(json.dumps({"step": step, "train_bits": train_bits,
                                    "heldout_bits": bits, "time": time.time()}) + "\n")
            if not args.no_samples:
                save_sample(args.run, ema, config, step)
            if bits < best:
                best = bits
                save(ema.state_dict(), args.run / "best_ema.safetensors", config)
                first = step == args.eval_every
                if not args.no_publish and (first or time.time() - last_pub > args.publish_minutes * 60
                                            or step == tr["steps"]):
                    publish_weights(ema, config, step, bits)
                    last_pub = time.time()
        if time.time() - last_ckpt > args.ckpt_minutes * 60 or step == tr["steps"]:
            ckpt.save(args.run / CHECKPOINT, {"step": step, "best_bits": best, "config": config},
                      modules={"net": net, "ema": ema}, optimizers={"opt": opt})
            last_ckpt = time.time()
    bar.close()
    print(f"done: {step} steps, best held-out {best:.3f} bits/sample")


if __name__ == "__main__":
    main()
