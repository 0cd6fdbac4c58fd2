"""The weight store: finds a model's safetensors file, or downloads it (resumable, verified, atomic, locked).

Resolution order for a model's weight file:
  1. the directory named by GAN_STUDIO_WEIGHTS_DIR,
  2. the weights shipped in the repository (models/weights/),
  3. the user cache directory (GAN_STUDIO_CACHE, else the OS cache dir / gan-studio),
  4. a download from the manifest URL, or GAN_STUDIO_WEIGHTS_URL + file name, into the cache.
Every file is checked against the manifest's sha256 before use. Downloads go through pooch (hash check, temp file,
atomic move) with a downloader of ours that streams with a progress callback, resumes a partial file with an HTTP
Range request and retries transient failures. A file lock keeps two processes from fetching one file at once.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import filelock
import pooch
import requests

from models import settings
from models.registry import SHIPPED_DIR, ModelEntry

ENV_DIR, ENV_CACHE, ENV_URL = settings.WEIGHTS_DIR, settings.CACHE, settings.WEIGHTS_URL

Progress = Callable[[int, "int | None"], None]  # (bytes done, bytes total or None)

CHUNK = 1 << 16
pooch.get_logger().setLevel("WARNING")  # progress is ours to show; pooch would log every download
_verified: dict[tuple[str, int, int], str] = {}
_verified_lock = threading.Lock()


class WeightError(RuntimeError):
    """A weight file could not be found, fetched or verified; the message says what to do."""


@dataclass(frozen=True)
class Located:
    path: Path
    source: str  # "env dir", "shipped", "cache" or "download"


def cache_dir() -> Path:
    return settings.path(ENV_CACHE) or Path(pooch.os_cache("gan-studio"))


def local_candidates(entry: ModelEntry) -> list[tuple[Path, str]]:
    """Where the file may already be, in resolution order."""
    places = []
    if settings.path(ENV_DIR):
        places.append((settings.path(ENV_DIR) / entry.file, "env dir"))
    places.append((SHIPPED_DIR / entry.file, "shipped"))
    places.append((cache_dir() / entry.file, "cache"))
    return places


def download_url(entry: ModelEntry) -> str | None:
    if entry.url:
        return entry.url
    base = settings.text(ENV_URL)
    return f"{base.rstrip('/')}/{entry.file}" if base else None


def sha256_of(path: Path) -> str:
    """The file's sha256, remembered per (path, size, mtime) so a process hashes each file once."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _verified_lock:
        if key in _verified:
            return _verified[key]
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    with _verified_lock:
        _verified[key] = digest.hexdigest()
    return _verified[key]


def is_valid(path: Path, entry: ModelEntry) -> bool:
    return path.is_file() and path.stat().st_size == entry.bytes and sha256_of(path) == entry.sha256


def locate(entry: ModelEntry) -> Located | None:
    """The first local copy whose hash matches the manifest, or None."""
    for path, source in local_candidates(entry):
        if is_valid(path, entry):
            return Located(path, source)
    return None


def status(entry: ModelEntry) -> dict:
    """What the home page and `python -m models list` show for one model."""
    found = locate(entry)
    if found:
        return {"present": True, "verified": True, "source": found.source, "path": str(found.path)}
    corrupt = [str(p) for p, _ in local_candidates(entry) if p.exists()]
    url = download_url(entry)
    return {
        "present": False,
        "verified": False,
        "source": "will download" if url else "missing (no download URL)",
        "path": corrupt[0] if corrupt else None,
        "corrupt": corrupt,
    }


def weight_path(entry: ModelEntry, progress: Progress | None = None, timeout: float = 30.0, retries: int = 3) -> Path:
    """The verified local path of a model's weights, downloading them first when no local copy is valid."""
    found = locate(entry)
    if found:
        return found.path
    url = download_url(entry)
    if not url:
        bad = [str(p) for p, _ in local_candidates(entry) if p.exists()]
        why = f"the file {bad[0]} does not match the manifest's sha256 (corrupt or outdated)" if bad else "no copy was found"
        raise WeightError(
            f"Weights for model '{entry.name}' ({entry.file}) are unavailable: {why}, and no download URL is set. "
            f"Restore the file (git checkout models/weights/{entry.file}), or set {ENV_URL} to a server that holds it, "
            f"or retrain the model (see README)."
        )
    return download(entry, url, progress=progress, timeout=timeout, retries=retries)


def download(entry: ModelEntry, url: str, progress: Progress | None = None, timeout: float = 30.0, retries: int = 3) -> Path:
    """Fetch url into the cache as entry.file, verified against entry.sha256; safe against concurrent callers."""
    target_dir = cache_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / entry.file
    lock = filelock.FileLock(str(target) + ".lock", timeout=15 * 60)
    try:
        with lock:
            if is_valid(target, entry):  # another process finished it while we waited
                return target
            part = target.with_name(entry.file + ".part")
            downloader = ResumingDownloader(part, progress=progress, timeout=timeout, retries=retries)
            pooch.retrieve(url, known_hash=f"sha256:{entry.sha256}", fname=entry.file, path=target_dir,
                           downloader=downloader)
    except filelock.Timeout:
        raise WeightError(f"Another process has been downloading '{entry.file}' for 15 minutes; try again later.") from None
    except ValueError as err:  # pooch: hash mismatch (the bad temp file is already deleted)
        raise WeightError(
            f"The file downloaded for model '{entry.name}' from {url} does not match the manifest's sha256, so it was "
            f"discarded. The server holds a different file: check {ENV_URL} or update the weights. ({err})"
        ) from None
    except requests.HTTPError as err:
        code = err.response.status_code if err.response is not None else "?"
        raise WeightError(
            f"Could not download weights for model '{entry.name}' from {url}: the server answered HTTP {code}. "
            f"Check that {ENV_URL} points at a folder holding {entry.file}."
        ) from None
    except requests.exceptions.ChunkedEncodingError:
        raise WeightError(f"The connection kept closing early while downloading weights for model '{entry.name}' "
                          f"from {url}. Try again: the partial file is kept and the download resumes.") from None
    except requests.Timeout:
        raise WeightError(f"Downloading weights for model '{entry.name}' from {url} timed out after {retries + 1} tries. "
                          "Check the network and try again; the partial file is kept and the download resumes.") from None
    except requests.RequestException as err:
        raise WeightError(
            f"Could not reach {url} to download weights for model '{entry.name}' (no network?): {type(err).__name__}. "
            "Check the connection and try again; a partial download resumes where it stopped."
        ) from None
    if not is_valid(target, entry):
        raise WeightError(f"Downloaded weights for '{entry.name}' failed verification; delete {target} and retry.")
    return target


class ResumingDownloader:
    """A pooch downloader: streams to '<final name>.part' with Range resume and retries, then hands the file over."""

    def __init__(self, part: Path, progress: Progress | None = None, timeout: float = 30.0, retries: int = 3):
        self.part = part
        self.progress = progress
        self.timeout = timeout
        self.retries = retries

    def __call__(self, url: str, output_file, pooch_obj=None, check_only: bool = False):
        if check_only:
            return requests.head(url, timeout=self.timeout, allow_redirects=True).ok
        output = Path(output_file if isinstance(output_file, (str, os.PathLike)) else output_file.name)
        part = self.part
        for attempt in range(self.retries + 1):
            try:
                self._fetch_into(url, part)
                break
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError, IncompleteBody):
                if attempt == self.retries:
                    raise
                time.sleep(min(0.5 * 2**attempt, 5.0))
        os.replace(part, output)

    def _fetch_into(self, url: str, part: Path) -> None:
        done = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={done}-"} if done else {}
        with requests.get(url, headers=headers, stream=True, timeout=self.timeout) as resp:
            if resp.status_code == 416:  # nothing left to send: the part file is already whole
                return
            resp.raise_for_status()
            if resp.status_code == 206:
                total = done + int(resp.headers.get("Content-Length", 0)) or None
                mode = "ab"
            else:  # the server ignored the Range header: start over
                done, mode = 0, "wb"
                total = int(resp.headers["Content-Length"]) if "Content-Length" in resp.headers else None
            with open(part, mode) as f:
                for chunk in resp.iter_content(CHUNK):
                    f.write(chunk)
                    done += len(chunk)
                    if self.progress:
                        self.progress(done, total)
        if total is not None and done < total:
            raise IncompleteBody(f"got {done} of {total} bytes")


class IncompleteBody(requests.exceptions.ChunkedEncodingError):
    """The connection closed before Content-Length bytes arrived."""
