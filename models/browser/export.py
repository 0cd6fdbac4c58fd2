"""`python -m models export-onnx [NAMES]`: export the slider pages' generators from their shipped safetensors to ONNX
for the browser (static/live/NAME.onnx), check each against the PyTorch forward, and record file, size, sha256, the
weights' sha256 and the check's figures in models/manifest.json's "browser" section.

    python -m models export-onnx                 # every model in LIVE_MODELS
    python -m models export-onnx dcgan-mnist     # one
    python -m models export-onnx --check         # re-check the shipped files, write nothing

A new generator of a family below is one more line in LIVE_MODELS. Needs the dev packages onnx, onnxscript and
onnxruntime (requirements-dev.txt); the app itself never imports this module.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open

from models import families, registry
from models.browser.files import LIVE_DIR, SECTION, records, sha256
from models.browser.graphs import LiveDCGAN, LiveInfoGAN, keep_int8
from models.browser.state import dcgan_base, infogan_base
from models.imaging import to_uint8
from models.registry import MANIFEST_PATH
from models.store import weight_path

# the Latent Explorer's sliders: 8 SeFa directions and 16 raw latent dimensions (pages/latent_explorer.py N_SEFA,
# N_RAW); the InfoGAN page's rotation and width
DCGAN_SLIDERS = {"sefa": 8, "raw": 16}
LIVE_MODELS = ["dcgan-mnist", "dcgan-fashion", "infogan-mnist", "dcgan-emoji"]
OPSET = 18
CHECK_STATES = 64  # random slider states each export is compared on


def _stored(path: Path) -> dict[str, torch.Tensor]:
    with safe_open(str(path), framework="pt") as handle:
        return {k: handle.get_tensor(k) for k in handle.keys()}


def live_graph(entry: registry.ModelEntry):
    """(the loaded server-side model, the graph module, its example inputs, input names, inputs record)."""
    model = families.package(entry.family).from_entry(entry, torch.device("cpu"))
    stored = _stored(weight_path(entry))
    generator = keep_int8(model.generator, stored).eval()
    if entry.family == "dcgan":
        k, r = DCGAN_SLIDERS["sefa"], DCGAN_SLIDERS["raw"]
        graph = LiveDCGAN(generator, model.sefa_directions(k)[0], r)
        dim = model.latent_dim
        example = (torch.zeros(1, dim), torch.zeros(1, k), torch.zeros(1, r))
        inputs = {"base": [1, dim], "sefa": [1, k], "raw": [1, r]}
    elif entry.family == "infogan":
        graph = LiveInfoGAN(generator, model.code_matrix)
        dim = model.generator.fc[0].in_features - model.n_continuous
        example = (torch.zeros(1, dim), torch.zeros(1, 2))
        inputs = {"base": [1, dim], "controls": [1, 2]}
    else:
        raise ValueError(f"{entry.name}: no browser export for the {entry.family} family")
    return model, graph.eval(), example, list(inputs), inputs


def random_state(entry, model, rng: random.Random) -> tuple[dict[str, np.ndarray], torch.Tensor]:
    """A slider state as the pages make them (a seed, slider values on their 0.1 grid): the graph's inputs and the
    image the server path draws for it with the pages' own calls, (1, C, H, W) in [-1, 1]."""
    seed = rng.randint(0, 99_999)
    if entry.family == "dcgan":
        k, r = DCGAN_SLIDERS["sefa"], DCGAN_SLIDERS["raw"]
        sefa = [round(rng.uniform(-5, 5), 1) for _ in range(k)]
        raw = [round(rng.uniform(-3, 3), 1) for _ in range(r)]
        feeds = {"base": dcgan_base(model.latent(seed))[None], "sefa": np.array([sefa], dtype=np.float32),
                 "raw": np.array([raw], dtype=np.float32)}
        return feeds, model.generate(model.edit(model.latent(seed), sefa, raw))
    digit, rotation, width = rng.randrange(10), round(rng.uniform(-1, 1), 1), round(rng.uniform(-1, 1), 1)
    feeds = {"base": infogan_base(model, digit, seed)[None],
             "controls": np.array([[rotation, width]], dtype=np.float32)}
    return feeds, model.generate(digit, rotation, width, seed)[None]


def check(entry, model, path: Path, states: int = CHECK_STATES, seed: int = 0) -> dict:
    """Run the ONNX file in onnxruntime (CPU, one thread) on random slider states and compare with the server path:
    the largest |difference| of G's output in [-1, 1] and of the 0-255 pixels, and how many pixels differ."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    rng = random.Random(seed)
    worst, worst_pixel, differing, total = 0.0, 0, 0, 0
    for _ in range(states):
        feeds, ref = random_state(entry, model, rng)
        pixels, images = session.run(["image", "tanh"], feeds)
        worst = max(worst, float(np.abs(images - ref.numpy()).max()))
        ref8 = to_uint8(ref).transpose(0, 3, 1, 2).astype(int)
        gap = np.abs(pixels.astype(int) - ref8)
        worst_pixel = max(worst_pixel, int(gap.max()))
        differing += int((gap > 0).sum())
        total += gap.size
    return {"states": states, "max_abs_diff": float(f"{worst:.3g}"), "max_pixel_diff": worst_pixel,
            "pixels_differing": differing, "pixels_compared": total}


def export(name: str) -> dict:
    """Export one model to static/live/NAME.onnx, check it, and return its manifest record."""
    entry = registry.get(name)
    model, graph, example, names, inputs = live_graph(entry)
    LIVE_DIR.mkdir(parents=True, exist_ok=True)
    path = LIVE_DIR / f"{name}.onnx"
    with torch.no_grad():
        torch.onnx.export(graph, example, str(path), input_names=names, output_names=["image", "tanh"],
                          dynamo=True, opset_version=OPSET, external_data=False, verbose=False)
    with torch.no_grad():
        out = graph(*example)[0]
    return {"family": entry.family, "file": path.name, "bytes": path.stat().st_size, "sha256": sha256(path),
            "weights_sha256": entry.sha256, "opset": OPSET, "inputs": inputs, "output": list(out.shape[1:]),
            "check": check(entry, model, path), "command": f"python -m models export-onnx {name}"}


def write_records(new: dict[str, dict], path: Path = MANIFEST_PATH) -> None:
    manifest = json.loads(path.read_text())
    section = dict(manifest.get(SECTION, {}))
    section.update(new)
    manifest[SECTION] = section
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def cmd_export_onnx(args) -> int:
    names = args.names or LIVE_MODELS
    unknown = [n for n in names if n not in LIVE_MODELS]
    if unknown:
        print(f"error: no browser export for {', '.join(unknown)} (known: {', '.join(LIVE_MODELS)})", file=sys.stderr)
        return 2
    torch.set_num_threads(max(1, args.threads))
    if args.check:
        failed = 0
        for name in names:
            record = records().get(name)
            path = LIVE_DIR / record["file"] if record else None
            if path is None or not path.is_file() or sha256(path) != record["sha256"]:
                print(f"{name}: missing or not the recorded file", file=sys.stderr)
                failed += 1
                continue
            entry = registry.get(name)
            model = families.package(entry.family).from_entry(entry, torch.device("cpu"))
            print(f"{name}: {json.dumps(check(entry, model, path))}")
        return 1 if failed else 0
    done = {}
    for name in names:
        done[name] = export(name)
        print(f"{name}: {done[name]['bytes'] / 1e6:.1f} MB, check {json.dumps(done[name]['check'])}")
    write_records(done)
    return 0
