"""Reading and writing safetensors weights (never pickle), with the model config kept in the file's metadata.
Big weight matrices can ship as int8 rows with one fp32 scale per row (quantize_state / dequantize_fill)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

import torch
from safetensors import SafetensorError
from safetensors import safe_open
from safetensors.torch import save_file

from models.registry import ModelEntry
from models.store import Progress, WeightError, weight_path


def save(tensors: dict[str, torch.Tensor], path: Path, config: Mapping, dtype: torch.dtype | None = None) -> None:
    """Write tensors (optionally cast, e.g. to fp16 for shipping) with the config (a dict, or a family's typed config
    in its stored form) as JSON metadata."""
    out = {}
    for key, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if dtype is not None and t.is_floating_point():
            t = t.to(dtype)
        out[key] = t
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(out, str(path), metadata={"config": json.dumps(dict(config), sort_keys=True)})


def stored_config(path: Path | str) -> dict:
    """The config saved in a weight file's metadata by save() ({} if it has none)."""
    with safe_open(str(path), framework="pt") as handle:
        return json.loads((handle.metadata() or {}).get("config", "{}"))


Fill = Callable[[dict[str, torch.Tensor], "_LazyTensors"], set[str]]


def fitting_target(target: dict[str, torch.Tensor], name: str, tensor: torch.Tensor) -> torch.Tensor:
    """The module tensor `name` that a stored tensor goes into; KeyError (-> WeightError) if there is none or its
    shape differs. Every fill function checks through this."""
    if name not in target:
        raise KeyError(f"unexpected tensor {name}")
    if target[name].shape != tensor.shape:
        raise KeyError(f"{name} has shape {tuple(tensor.shape)}, the network wants {tuple(target[name].shape)}")
    return target[name]


def copy_fill(target: dict[str, torch.Tensor], stored: "_LazyTensors") -> set[str]:
    """Copy each stored tensor into the module tensor of the same name (casting, e.g. fp16 -> fp32, on the way);
    returns the module names it filled."""
    for key, tensor in stored.items():
        fitting_target(target, key, tensor).copy_(tensor)
    return set(stored.keys())


QUANT_SUFFIX, SCALE_SUFFIX = ".int8", ".scale"


def quantize_state(state: dict[str, torch.Tensor], min_elements: int = 200_000) -> dict[str, torch.Tensor]:
    """Weight matrices of at least min_elements -> symmetric int8 per output row + fp32 scales (stored as
    NAME.int8 and NAME.scale); everything else unchanged. Keeps a 6 M-weight FC layer at 6 MB instead of 25."""
    out = {}
    for key, t in state.items():
        t = t.detach().float().cpu()
        if key.endswith("weight") and t.dim() >= 2 and t.numel() >= min_elements:
            rows = t.reshape(t.shape[0], -1)
            scale = rows.abs().amax(dim=1).clamp_min(1e-12) / 127.0
            out[key + QUANT_SUFFIX] = (rows / scale[:, None]).round().clamp(-127, 127).to(torch.int8).reshape(t.shape)
            out[key + SCALE_SUFFIX] = scale
        else:
            out[key] = t
    return out


def dequantize_fill(target: dict[str, torch.Tensor], stored) -> set[str]:
    """A fill for quantize_state's layout (load_into, or any mapping of stored tensors): int8 rows times their
    scale, written in place into the module's tensors (no second fp32 copy); plain tensors are copied."""
    filled = set()
    for key in stored.keys():
        if key.endswith(SCALE_SUFFIX):
            continue
        name = key[: -len(QUANT_SUFFIX)] if key.endswith(QUANT_SUFFIX) else key
        tensor = stored[key]
        dest = fitting_target(target, name, tensor).copy_(tensor)
        if key.endswith(QUANT_SUFFIX):
            scale = stored[name + SCALE_SUFFIX].float()
            dest.mul_(scale.view((-1,) + (1,) * (tensor.dim() - 1)))
        filled.add(name)
    return filled


class _LazyTensors:
    """A safetensors file seen as a read-only mapping that reads one tensor at a time (never the whole file)."""

    def __init__(self, handle):
        self._handle = handle

    def keys(self):
        return self._handle.keys()

    def __getitem__(self, key: str) -> torch.Tensor:
        return self._handle.get_tensor(key)

    def items(self):
        return ((key, self._handle.get_tensor(key)) for key in self._handle.keys())


def load_into(module: torch.nn.Module, entry: ModelEntry, progress: Progress | None = None,
              fill: Fill = copy_fill) -> torch.nn.Module:
    """Fill a freshly built module with the entry's verified weights, one tensor at a time (peak memory: the module
    plus one tensor, not a second copy of the model). A missing, extra or misshapen tensor is a clear WeightError."""
    path = weight_path(entry, progress=progress)
    target = module.state_dict()
    try:
        with torch.no_grad(), safe_open(str(path), framework="pt") as handle:
            filled = fill(target, _LazyTensors(handle))
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightError(f"Weights for model '{entry.name}' at {path} could not be read ({err}). "
                          "Delete the file so it is fetched again, or restore it from git.") from None
    except KeyError as err:
        raise WeightError(f"Weights for model '{entry.name}' do not fit its network ({str(err)[:300]}).") from None
    missing = sorted(k for k in set(target) - filled if not k.endswith("num_batches_tracked"))  # BN counter: unused
    if missing:
        raise WeightError(f"Weights for model '{entry.name}' do not fit its network (missing {', '.join(missing[:5])}).")
    return module.eval()
