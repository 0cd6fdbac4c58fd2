"""Training checkpoints: every tensor of a run (networks, optimiser moments, random-generator states) in one
safetensors file, its progress (counters, best score, config, optimiser settings) as JSON. No pickle anywhere.

    save(run / "checkpoint.safetensors", progress, modules={"G": G}, optimizers={"opt_g": opt_g}, rngs={"noise": gen})
    progress = load(run / "checkpoint.safetensors", modules=..., optimizers=..., rngs=...)

The progress JSON is written into the safetensors file's metadata, so tensors and counters are replaced together
(write to a temporary file, then rename: a run stopped mid-write keeps its previous checkpoint whole), and also beside
it as checkpoint.json for people and tools to read. Tensor names: "<module>.<state key>", "<optimizer>.<parameter
index>.<state key>" (Adam's exp_avg, exp_avg_sq, step), "rng.<name>". A resumed run restores the random generators
it was given, so it draws exactly what an uninterrupted run would have drawn.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

Fit = Callable[[torch.Tensor, torch.Size], torch.Tensor]  # a saved tensor -> one of the shape it must now have


def grow(value: torch.Tensor, shape) -> torch.Tensor:
    """value copied into zeros of a larger shape (a layer that gained output channels keeps what it learned)."""
    if tuple(value.shape) == tuple(shape):
        return value
    out = torch.zeros(shape, dtype=value.dtype)
    out[tuple(slice(0, n) for n in value.shape)] = value
    return out


def progress_path(path: Path) -> Path:
    return Path(path).with_suffix(".json")


def optimizer_tensors(opt: torch.optim.Optimizer, prefix: str) -> dict[str, torch.Tensor]:
    out = {}
    for pid, state in opt.state_dict()["state"].items():
        for key, value in state.items():
            out[f"{prefix}.{pid}.{key}"] = torch.as_tensor(value)
    return out


def optimizer_settings(opt: torch.optim.Optimizer) -> list[dict]:
    """Each parameter group's hyperparameters (lr, betas, ...; not its parameters), JSON-ready."""
    return [{k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items() if k != "params"}
            for group in opt.state_dict()["param_groups"]]


def save(path: Path, progress: dict, modules: dict[str, torch.nn.Module] | None = None,
         optimizers: dict[str, torch.optim.Optimizer] | None = None,
         rngs: dict[str, torch.Generator] | None = None) -> None:
    """Write the checkpoint atomically (see the module docstring); progress must be JSON-serialisable."""
    path = Path(path)
    tensors = {}
    for name, module in (modules or {}).items():
        tensors.update({f"{name}.{k}": v for k, v in module.state_dict().items()})
    for name, opt in (optimizers or {}).items():
        tensors.update(optimizer_tensors(opt, name))
    for name, gen in (rngs or {}).items():
        tensors[f"rng.{name}"] = gen.get_state()
    record = {**progress, "modules": sorted(modules or {}),
              "optimizers": {name: optimizer_settings(opt) for name, opt in (optimizers or {}).items()}}
    text = json.dumps(record, indent=2)
    tmp = path.with_name(path.name + ".tmp")
    save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(tmp), metadata={"progress": text})
    os.replace(tmp, path)
    json_tmp = progress_path(path).with_name(progress_path(path).name + ".tmp")
    json_tmp.write_text(text + "\n")
    os.replace(json_tmp, progress_path(path))


def read_progress(path: Path) -> dict:
    """The progress a checkpoint was saved with (from the safetensors file itself)."""
    with safe_open(str(path), framework="pt") as handle:
        return json.loads(handle.metadata()["progress"])


def module_state(tensors: dict[str, torch.Tensor], name: str) -> dict[str, torch.Tensor]:
    """The state dict saved for module `name` ({} if none was)."""
    prefix = name + "."
    return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}


def restore_optimizer(opt: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], name: str,
                      settings: list[dict] | None = None, fit: Fit | None = None) -> None:
    """Load the saved moments of optimizer `name` into opt (fit adapts a moment to a parameter that has grown);
    settings (the saved hyperparameters per group) replace opt's when given."""
    sd = opt.state_dict()
    params = [p for group in opt.param_groups for p in group["params"]]
    state: dict[int, dict] = {}
    for key, value in module_state(tensors, name).items():
        pid, what = key.split(".", 1)
        if value.dim() and fit is not None:
            value = fit(value, params[int(pid)].shape)
        state.setdefault(int(pid), {})[what] = value
    sd["state"] = state
    if settings is not None:
        sd["param_groups"] = [{**group, **{k: (tuple(v) if k == "betas" else v) for k, v in saved.items()}}
                              for group, saved in zip(sd["param_groups"], settings)]
    opt.load_state_dict(sd)


def load(path: Path, modules: dict[str, torch.nn.Module] | None = None,
         optimizers: dict[str, torch.optim.Optimizer] | None = None, rngs: dict[str, torch.Generator] | None = None,
         fit: Fit | None = None, optional: tuple[str, ...] = ()) -> dict:
    """Restore what save() wrote into the given modules, optimizers (state and hyperparameters) and generators, on
    the devices they are on; returns the progress. fit (optional) adapts saved tensors to modules whose tensors
    have grown. Modules named in `optional` that the checkpoint lacks are left as they are (progress["modules"]
    lists what it holds)."""
    tensors = load_file(str(path))
    progress = read_progress(path)
    for name, module in (modules or {}).items():
        saved = module_state(tensors, name)
        if not saved and name in optional:
            continue
        if fit is not None:
            own = module.state_dict()
            saved = {k: fit(v, own[k].shape) if k in own else v for k, v in saved.items()}
        module.load_state_dict(saved)
    for name, opt in (optimizers or {}).items():
        restore_optimizer(opt, tensors, name, progress.get("optimizers", {}).get(name), fit)
    for name, gen in (rngs or {}).items():
        gen.set_state(tensors[f"rng.{name}"].cpu())
    return progress
