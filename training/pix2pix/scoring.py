"""What both colorizer evaluations share: the colour metrics of one prediction, their mean, the two baselines
(the sketch itself; its enclosed regions filled with one colour) and loading a colorizer from the manifest or a run."""
from __future__ import annotations

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from models.pix2pix.config import DEFAULT_CONFIG
from models.pix2pix.model import Colorizer
from models.pix2pix.network import build
from models.weights_io import stored_config
from training.pix2pix.runs import generator_state

PSNR_CAP = 50.0  # dB: a prediction equal to the truth (some emoji are black-only) would otherwise count as infinite


def interior(sketch: np.ndarray) -> np.ndarray:
    """Light pixels that are not connected to the picture's border (the regions the lines enclose)."""
    light = (sketch > 128).astype(np.uint8)
    _, labels = cv2.connectedComponents(light, connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return light.astype(bool) & ~np.isin(labels, border)


def sketch_baseline(sketch: np.ndarray) -> np.ndarray:
    return np.repeat(sketch[..., None], 3, axis=2)


def fill_baseline(sketch: np.ndarray, fill: np.ndarray) -> np.ndarray:
    out = sketch_baseline(sketch).copy()
    out[interior(sketch)] = fill
    return out


def scores(pred: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """PSNR, SSIM, L1 and CIEDE2000 of one uint8 RGB prediction against the truth."""
    with np.errstate(divide="ignore"):
        return {
            "psnr": min(PSNR_CAP, float(peak_signal_noise_ratio(truth, pred, data_range=255))),
            "ssim": float(structural_similarity(truth, pred, channel_axis=2, data_range=255)),
            "l1": float(np.abs(pred.astype(np.float32) - truth.astype(np.float32)).mean() / 255),
            "ciede2000": float(deltaE_ciede2000(rgb2lab(truth), rgb2lab(pred)).mean()),
        }


def mean_rows(rows: list[dict]) -> dict[str, float]:
    """The mean of each figure over rows of scores."""
    return {k: round(float(np.mean([r[k] for r in rows])), 4) for k in rows[0]}


def mean_scores(preds, truths) -> dict[str, float]:
    return mean_rows([scores(p, t) for p, t in zip(preds, truths)])


def load_colorizer(weights: str | None, name: str = "pix2pix-openmoji") -> Colorizer:
    """The shipped model `name`, or a Colorizer around a run's generator file (EMA snapshot or checkpoint), through
    the same inference path."""
    if not weights:
        from models.loading import load_model

        return load_model(name)
    tensors = generator_state(weights)
    cfg = {**DEFAULT_CONFIG, **stored_config(weights)}
    cfg["paint_mask"] = tensors["ups.6.1.weight"].shape[1] == cfg["out_channels"] + 1
    generator = build(cfg)
    generator.load_state_dict({k: v.float() for k, v in tensors.items()})
    return Colorizer(generator, cfg)
