"""Shared evaluation math: Frechet distance between feature sets (FID in a small classifier's feature space),
recognizability and class-balance figures from a classifier's predictions."""
from __future__ import annotations

import numpy as np
import torch


def feature_stats(features: torch.Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and covariance (D, D) of features (N, D), in float64."""
    f = np.asarray(features, dtype=np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False)


def _sqrtm_psd(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues clipped to 0)."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2)) (Heusel et al. 2017).

    Tr((S1 S2)^(1/2)) is computed as the sum of square roots of the eigenvalues of the symmetric PSD matrix
    S1^(1/2) S2 S1^(1/2), which has the same spectrum as S1 S2: stable, and real by construction."""
    diff = mu1 - mu2
    root1 = _sqrtm_psd(sigma1)
    middle = root1 @ sigma2 @ root1
    trace_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((middle + middle.T) / 2), 0, None)).sum()
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * trace_covmean)


def fid(features_a, features_b) -> float:
    """FID between two feature sets (N, D) / (M, D)."""
    return frechet_distance(*feature_stats(features_a), *feature_stats(features_b))


def recognizability(confidence: torch.Tensor, threshold: float = 0.9) -> float:
    """Share of samples whose top predicted class has probability >= threshold."""
    return float((confidence >= threshold).float().mean())


def class_balance(predicted: torch.Tensor, n_classes: int = 10) -> tuple[float, list[int]]:
    """(max / min predicted-class frequency, per-class counts); inf when a class never appears."""
    counts = torch.bincount(predicted, minlength=n_classes)
    ratio = float(counts.max()) / float(counts.min()) if counts.min() > 0 else float("inf")
    return ratio, counts.tolist()
