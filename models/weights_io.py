"""Reading and writing safetensors weights (never pickle), with the model config kept in the file's metadata."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from models.registry import ModelEntry
from models.store import Progress, WeightError, weight_path


def save(tensors: dict[str, torch.Tensor], path: Path, config: dict, dtype: torch.dtype | None = None) -> None:
    """Write tensors (optionally cast, e.g. to fp16 for shipping) with the config as JSON metadata."""
    out = {}
    for key, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if dtype is not None and t.is_floating_point():
            t = t.to(dtype)
        out[key] = t
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(out, str(path), metadata={"config": json.dumps(config, sort_keys=True)})


def load_state(entry: ModelEntry, progress: Progress | None = None) -> dict[str, torch.Tensor]:
    """The model's tensors in fp32, from a verified weight file."""
    path = weight_path(entry, progress=progress)
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise WeightError(f"Weights for model '{entry.name}' at {path} could not be read ({err}). "
                          "Delete the file so it is fetched again, or restore it from git.") from None
    return {k: (v.float() if v.is_floating_point() else v) for k, v in tensors.items()}


def load_into(module: torch.nn.Module, entry: ModelEntry, progress: Progress | None = None) -> torch.nn.Module:
    """Fill a freshly built module with the entry's weights; a shape mismatch is a clear WeightError."""
    state = load_state(entry, progress)
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise WeightError(f"Weights for model '{entry.name}' do not fit its network ({str(err)[:300]}).") from None
    return module.eval()
