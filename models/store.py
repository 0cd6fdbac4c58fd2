"""The weight store: finds a model's safetensors file, or downloads it (resumable, verified, atomic, locked).

Resolution order for a model's weight file:
  1. the directory named by GAN_STUDIO_WEIGHTS_DIR,
  2. the weights shipped in the repository (models/weights/),
  3. the user cache directory (GAN_STUDIO_CACHE, else the OS cache dir / gan-studio),
  4. a download from the manifest URL, or GAN_STUDIO_WEIGHTS_URL + file name, into the cache.
Every file is checked against the manifest's sha256 before use. Downloads go through pooch (hash check, temp file,
atomic move) with a downloader of ours that streams with a progress callback, resumes a partial file with an HTTP
Range request and retries transient failures. A file lock keeps two processes from fetching one file at once.
Hostile or broken servers are bounded (DownloadLimits): the body is never read past the manifest's byte size, the
whole download has a deadline, a trickling server fails a minimum-progress rule, redirect chains are short, the lock
wait is bounded, and on any failure the partial and temporary files are removed.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import filelock
import pooch
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

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


def why_invalid(path: Path, entry: ModelEntry) -> str | None:
    """Why the file at path cannot serve as entry's weights (None when it can, or when there is no file)."""
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        return "it is not a regular file"
    size = path.stat().st_size
    if size != entry.bytes:
        return f"it has {size:,} bytes where the manifest says {entry.bytes:,}"
    if sha256_of(path) != entry.sha256:
        return "its sha256 does not match the manifest's (corrupt or another version)"
    return None


def problems(entry: ModelEntry) -> list[str]:
    """Local copies that were passed over because they are unusable, each as a sentence saying what to do.

    A bad file in GAN_STUDIO_WEIGHTS_DIR matters most: whoever set the variable expects it to be used, so a
    fallback to the shipped copy must be said, never silent."""
    notes = []
    override = os.environ.get(ENV_DIR)
    if override and not Path(override).is_dir():
        notes.append(f"{ENV_DIR} is set to {override}, which is not a folder, so it is ignored. Fix or unset it.")
    for path, source in local_candidates(entry):
        why = why_invalid(path, entry) if path.parent.is_dir() else None
        if why:
            notes.append(f"The {source} copy {path} is ignored: {why}. Replace or delete it.")
    return notes


def locate(entry: ModelEntry) -> Located | None:
    """The first local copy whose hash matches the manifest, or None."""
    for path, source in local_candidates(entry):
        if is_valid(path, entry):
            return Located(path, source)
    return None


def status(entry: ModelEntry) -> dict:
    """What the home page and `python -m models list` show for one model."""
    found = locate(entry)
    notes = problems(entry)
    if found:
        return {"present": True, "verified": True, "source": found.source, "path": str(found.path),
                "problems": notes}
    corrupt = [str(p) for p, _ in local_candidates(entry) if p.exists()]
    url = download_url(entry)
    return {
        "present": False,
        "verified": False,
        "source": "will download" if url else "missing (no download URL)",
        "path": corrupt[0] if corrupt else None,
        "corrupt": corrupt,
        "problems": notes,
    }


@dataclass(frozen=True)
class DownloadLimits:
    """How long and how much one weight download may take; every failure past these is a WeightError.

    deadline_s: the whole download, every try and back-off included. stall_window_s / stall_min_bytes: the
    progress-aware timeout: at least stall_min_bytes must arrive in every stall_window_s, so a server that trickles
    a byte every few seconds fails (a plain read timeout restarts at each byte). lock_wait_s: how long to wait while
    another process downloads the same file. max_redirects: a redirect chain longer than this is refused.
    The body is never read past the manifest's byte size, whatever the server's Content-Length says."""
    deadline_s: float = 600.0
    stall_window_s: float = 30.0
    stall_min_bytes: int = 32 * 1024
    lock_wait_s: float = 120.0
    max_redirects: int = 5


DEFAULT_LIMITS = DownloadLimits()


def weight_path(entry: ModelEntry, progress: Progress | None = None, timeout: float = 30.0, retries: int = 3,
                limits: DownloadLimits | None = None) -> Path:
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
    return download(entry, url, progress=progress, timeout=timeout, retries=retries, limits=limits)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def download(entry: ModelEntry, url: str, progress: Progress | None = None, timeout: float = 30.0, retries: int = 3,
             limits: DownloadLimits | None = None) -> Path:
    """Fetch url into the cache as entry.file, verified against entry.sha256; safe against concurrent callers.

    On every failure the '.part' file and pooch's temporary file are removed: nothing but a verified file stays."""
    limits = limits or DEFAULT_LIMITS
    target_dir = cache_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / entry.file
    part = target.with_name(entry.file + ".part")
    lock = filelock.FileLock(str(target) + ".lock", timeout=limits.lock_wait_s)
    name = entry.name
    try:
        with lock:
            if is_valid(target, entry):  # another process finished it while we waited
                return target
            downloader = ResumingDownloader(part, progress=progress, timeout=timeout, retries=retries,
                                            max_bytes=entry.bytes, limits=limits)
            try:
                pooch.retrieve(url, known_hash=f"sha256:{entry.sha256}", fname=entry.file, path=target_dir,
                               downloader=downloader)
            except BaseException:
                _remove(part)
                raise
    except filelock.Timeout:
        raise WeightError(f"Another session or process is downloading the weights for model '{name}' "
                          f"({entry.file}) and has not finished in {limits.lock_wait_s:.0f} s. Try again in a few "
                          "minutes; when it is done the file is used at once.") from None
    except TooLarge as err:
        raise WeightError(f"The server at {url} sent more than the manifest's {entry.bytes:,} bytes for model "
                          f"'{name}' ({err}), so the download was stopped and discarded. The server holds a different "
                          f"file: check {ENV_URL} or update the weights.") from None
    except DeadlineExceeded:
        raise WeightError(f"Downloading weights for model '{name}' from {url} took longer than "
                          f"{limits.deadline_s:.0f} s in all, so it was stopped and discarded. Check the network or "
                          "the server and try again.") from None
    except Stalled as err:
        raise WeightError(f"The server at {url} sent the weights for model '{name}' too slowly ({err}), so the "
                          f"download was stopped after {retries + 1} tries and discarded. Check the network or "
                          "the server and try again.") from None
    except ValueError as err:  # pooch: hash mismatch (the bad temp file is already deleted)
        raise WeightError(
            f"The file downloaded for model '{name}' from {url} does not match the manifest's sha256, so it was "
            f"discarded. The server holds a different file: check {ENV_URL} or update the weights. ({err})"
        ) from None
    except requests.HTTPError as err:
        code = err.response.status_code if err.response is not None else "?"
        raise WeightError(
            f"Could not download weights for model '{name}' from {url}: the server answered HTTP {code}. "
            f"Check that {ENV_URL} points at a folder holding {entry.file}."
        ) from None
    except requests.TooManyRedirects:
        raise WeightError(f"Could not download weights for model '{name}' from {url}: the server redirected more "
                          f"than {limits.max_redirects} times (a redirect loop?). Check {ENV_URL}.") from None
    except requests.exceptions.ChunkedEncodingError:
        raise WeightError(f"The connection kept closing early while downloading weights for model '{name}' "
                          f"from {url}. Try again later.") from None
    except requests.Timeout:
        raise WeightError(f"Downloading weights for model '{name}' from {url} timed out after {retries + 1} tries. "
                          "Check the network and try again.") from None
    except requests.RequestException as err:
        raise WeightError(
            f"Could not reach {url} to download weights for model '{name}' (no network?): {type(err).__name__}. "
            "Check the connection and try again."
        ) from None
    except OSError as err:
        raise WeightError(f"Could not write the weights for model '{name}' into {target_dir}: "
                          f"{err.strerror or err}. Check that the cache folder ({ENV_CACHE}) is writable and has "
                          "free space.") from None
    if not is_valid(target, entry):
        raise WeightError(f"Downloaded weights for '{name}' failed verification; delete {target} and retry.")
    return target


class ResumingDownloader:
    """A pooch downloader: streams to '<final name>.part' with Range resume and retries, then hands the file over.

    It never writes more than max_bytes (the manifest's size) into the part file, refuses a larger Content-Length
    before reading, and enforces limits (an overall deadline and a minimum progress rate)."""

    def __init__(self, part: Path, progress: Progress | None = None, timeout: float = 30.0, retries: int = 3,
                 max_bytes: int | None = None, limits: DownloadLimits | None = None):
        self.part = part
        self.progress = progress
        self.timeout = timeout
        self.retries = retries
        self.max_bytes = max_bytes
        self.limits = limits or DEFAULT_LIMITS
        self.deadline = time.monotonic() + self.limits.deadline_s
        self._sockets: list[socket.socket] = []

    def _session(self) -> requests.Session:
        session = requests.Session()
        session.max_redirects = self.limits.max_redirects
        adapter = _WatchedAdapter(self._sockets)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    @contextlib.contextmanager
    def _watchdog(self):
        """Cut every socket of this download when the deadline passes: a read timeout restarts at each byte, so a
        server trickling its headers or body would otherwise hold the download far past any deadline."""
        def cut():
            for sock in list(self._sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), cut)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            self._sockets.clear()

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"more than {self.limits.deadline_s:.0f} s")
        return left

    def __call__(self, url: str, output_file, pooch_obj=None, check_only: bool = False):
        if check_only:
            with self._session() as session:
                return session.head(url, timeout=min(self.timeout, self._remaining()), allow_redirects=True).ok
        self.deadline = time.monotonic() + self.limits.deadline_s
        output = Path(output_file if isinstance(output_file, (str, os.PathLike)) else output_file.name)
        part = self.part
        if self.max_bytes is not None and part.exists() and part.stat().st_size > self.max_bytes:
            _remove(part)  # an earlier run's leftover longer than the file can be: start over
        for attempt in range(self.retries + 1):
            try:
                with self._watchdog():
                    self._fetch_into(url, part)
                break
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError, IncompleteBody):
                if time.monotonic() >= self.deadline:  # the watchdog cut it (or it failed just then)
                    raise DeadlineExceeded(f"more than {self.limits.deadline_s:.0f} s") from None
                if attempt == self.retries:
                    raise
                pause = min(0.5 * 2**attempt, 5.0)
                if pause >= self._remaining():
                    raise DeadlineExceeded(f"more than {self.limits.deadline_s:.0f} s") from None
                time.sleep(pause)
        os.replace(part, output)

    def _fetch_into(self, url: str, part: Path) -> None:
        done = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={done}-"} if done else {}
        read_timeout = min(self.timeout, self.limits.stall_window_s, self._remaining())
        with self._session() as session, session.get(url, headers=headers, stream=True,
                                                     timeout=(min(self.timeout, self._remaining()), read_timeout)) as resp:
            if resp.status_code == 416:  # nothing left to send: the part file is already whole
                return
            resp.raise_for_status()
            length = _header_int(resp.headers.get("Content-Length"))
            if resp.status_code == 206 and _range_start(resp.headers.get("Content-Range")) == done:
                total = done + length if length is not None else None
                mode = "ab"
            else:  # the server ignored the Range header (or answered another range): start over
                done, mode = 0, "wb"
                total = length
            if self.max_bytes is not None and total is not None and total > self.max_bytes:
                raise TooLarge(f"it announced {total:,} bytes")
            with open(part, mode) as f:
                self._copy_body(resp, f, done, total)

    def _copy_body(self, resp, f, done: int, total: int | None) -> None:
        window_start, window_bytes = time.monotonic(), 0
        while True:
            try:
                chunk = resp.raw.read1(CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError as err:
                raise requests.Timeout(str(err)) from None
            except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as err:
                raise requests.exceptions.ChunkedEncodingError(str(err)) from None
            if not chunk:
                break
            if self.max_bytes is not None and done + len(chunk) > self.max_bytes:
                raise TooLarge(f"more than {done + len(chunk):,} bytes arrived")
            f.write(chunk)
            done += len(chunk)
            window_bytes += len(chunk)
            if self.progress:
                self.progress(done, total)
            now = time.monotonic()
            self._remaining()
            if now - window_start >= self.limits.stall_window_s:
                if window_bytes < self.limits.stall_min_bytes:
                    raise Stalled(f"{window_bytes:,} bytes in {now - window_start:.0f} s; at least "
                                  f"{self.limits.stall_min_bytes:,} bytes every {self.limits.stall_window_s:.0f} s "
                                  "are needed")
                window_start, window_bytes = now, 0
        if total is not None and done < total:
            raise IncompleteBody(f"got {done} of {total} bytes")


def _header_int(value: str | None) -> int | None:
    """A non-negative integer header value, or None when absent or malformed."""
    if value is None or not value.strip().isdigit() or len(value.strip()) > 18:
        return None
    return int(value.strip())


def _range_start(content_range: str | None) -> int | None:
    """The first byte of 'bytes START-END/TOTAL', or None."""
    if not content_range or not content_range.startswith("bytes "):
        return None
    return _header_int(content_range[len("bytes "):].split("-", 1)[0])


class _WatchedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections record their sockets in `sockets`, for ResumingDownloader's watchdog."""

    def __init__(self, sockets: list, **kwargs):
        self._sockets = sockets
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _watched_pool(HTTPConnectionPool, self._sockets),
                                                   "https": _watched_pool(HTTPSConnectionPool, self._sockets)}


def _watched_pool(base, sockets: list):
    class Connection(base.ConnectionCls):
        def connect(self):
            super().connect()
            sockets.append(self.sock)

    class Pool(base):
        ConnectionCls = Connection

    return Pool


class IncompleteBody(requests.exceptions.ChunkedEncodingError):
    """The connection closed before Content-Length bytes arrived."""


class TooLarge(requests.RequestException):
    """The server sent (or announced) more bytes than the manifest's size: not retried."""


class DeadlineExceeded(requests.RequestException):
    """The download's overall deadline passed: not retried."""


class Stalled(requests.Timeout):
    """Fewer than the minimum bytes arrived in one progress window (a trickling server)."""
