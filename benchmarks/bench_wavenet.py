"""WaveNet sampling speed, same weights, one run: naive recompute vs cached torch loop vs the shipped compiled path.

    python -m benchmarks.bench_wavenet [--threads 1] [--weights runs/wavenet/best_ema.safetensors]
    python -m benchmarks.bench_wavenet --cuda     # on a CUDA machine: the GPU paths only


(a) naive: every new sample reruns the full convolutional forward over the last receptive field of inputs;
(b) cached torch: Fast WaveNet ring buffers, one eager PyTorch step per sample
    (benchmarks/wavenet_reference.py, torch_cached_sample);
(c) the shipped path (models.wavenet.fast.sample), batch 1 and a batch of 8 notes, with the kernel the app
    picks (ahead-of-time build, or numba's JIT; GAN_STUDIO_KERNEL=compiled|jit to choose).
Prints samples/s by wall clock and by this process's CPU time (the machine is shared: CPU time is the fairer figure),
and the real-time factor for 16 kHz audio. The (c) figures exclude the JIT's one-off compile (cached on disk) and are
the median of --repeats runs (single runs vary by +-15 % on a shared machine).
--cuda: (b) on the GPU, and (d) the CUDA-graph step (models.wavenet.graph), batches of 1 and 64 notes of 1 s.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from benchmarks.wavenet_reference import load_synth, torch_cached_sample
from models.wavenet import kernel as wavenet_kernel
from models.wavenet.model import SILENCE

SHIPPED = Path(__file__).resolve().parents[1] / "models" / "weights" / "wavenet-instruments.safetensors"


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def report(label: str, samples: int, wall: float, cpu: float, rate: int) -> None:
    print(f"{label:44s} {samples / wall:10.0f} samples/s wall {samples / cpu:10.0f} samples/s CPU   "
          f"1 s of audio: {rate / (samples / wall):7.3f} s wall, {rate / (samples / cpu):7.3f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch threads for (a) and (b)")
    parser.add_argument("--weights", type=Path, default=None, help="default: the published wavenet-instruments")
    parser.add_argument("--naive-steps", type=int, default=200)
    parser.add_argument("--torch-steps", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=5, help="runs of (c) per batch size; the median is reported")
    parser.add_argument("--cuda", action="store_true", help="time the GPU paths (b) and (d) instead")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    synth = load_synth(SHIPPED if args.cuda and args.weights is None else args.weights)
    if args.cuda:
        return bench_cuda(synth, args.torch_steps)
    net, rate = synth.net, synth.sample_rate
    rf = net.receptive_field
    inst, pitch = synth.instrument_index("piano"), 60
    pitch_index = torch.tensor([pitch - synth.config["pitch_low"]])
    inst_t = torch.tensor([inst])
    print(f"WaveNet {sum(p.numel() for p in net.parameters()) / 1e3:.0f}k params, {len(net.dilations)} layers, "
          f"receptive field {rf}; torch threads {torch.get_num_threads()}")

    @torch.inference_mode()
    def naive():
        window = torch.full((1, rf), SILENCE, dtype=torch.long)
        for _ in range(args.naive_steps):
            logits = net(window, inst_t, pitch_index)[0, -1]
            nxt = torch.multinomial(torch.softmax(logits, 0), 1)
            window = torch.cat([window[:, 1:], nxt[None]], dim=1)

    wall, cpu = timed(naive)
    report(f"(a) naive recompute ({args.naive_steps} steps)", args.naive_steps, wall, cpu, rate)
    steps = args.torch_steps

    def cached():
        torch_cached_sample(net, inst_t, pitch_index, steps - (rf - 1))

    wall, cpu = timed(cached)  # includes the rf - 1 warm-up steps: count every step
    report(f"(b) cached torch loop ({steps} steps)", steps, wall, cpu, rate)

    synth.generate_notes("piano", [pitch], 100)  # compile / load numba's cache
    for batch in (1, 8):
        pitches = [pitch + k for k in range(batch)]
        n = rate
        runs = sorted((timed(lambda: synth.generate_notes("piano", pitches, n, seed=1)) for _ in range(args.repeats)),
                      key=lambda r: r[1])
        wall, cpu = runs[len(runs) // 2]
        report(f"(c) {wavenet_kernel.kernel_name()}, batch {batch} x 1 s (incl. warm-up)", batch * n, wall, cpu, rate)
        print(f"    median of {len(runs)} runs by CPU time; 1 s of audio took {runs[0][1] / batch:.3f}-"
              f"{runs[-1][1] / batch:.3f} s CPU")


def bench_cuda(synth, torch_steps: int) -> None:
    """GPU figures: the eager cached loop (b) and the CUDA-graph step (d), wall clock after a synchronise."""
    from models.wavenet.graph import GraphSampler

    net, rate = synth.net.cuda(), synth.sample_rate
    print(f"GPU: {torch.cuda.get_device_name()}, torch {torch.__version__}")
    low, inst = synth.config["pitch_low"], synth.instrument_index("piano")

    def on_gpu(fn):
        torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        return time.perf_counter() - start

    one = (torch.tensor([inst]), torch.tensor([60 - low]))
    wall = on_gpu(lambda: torch_cached_sample(net, *one, torch_steps - (net.receptive_field - 1)))
    report(f"(b) cached torch loop on the GPU ({torch_steps} steps)", torch_steps, wall, wall, rate)
    for batch in (1, 64):
        pitches = torch.tensor([60 - low + k % 24 for k in range(batch)])
        sampler = GraphSampler(net, torch.full((batch,), inst), pitches, rate, steps_per_graph=64,
                               excitation_gain=synth.excitation_gain("piano"), ceiling=synth.ceiling("piano"))
        first = on_gpu(lambda: sampler.run(seed=1))  # includes the capture
        again = on_gpu(lambda: sampler.run(seed=2))
        steps = sampler.total  # every step, the warm-up's too, as in (b)
        report(f"(d) CUDA graph of 64 steps, batch {batch} x 1 s", batch * steps, again, again, rate)
        print(f"    {steps} steps of the batch in {again:.3f} s ({1e6 * again / steps:.0f} us per step); "
              f"the first run, with the capture: {first:.3f} s")


if __name__ == "__main__":
    main()
