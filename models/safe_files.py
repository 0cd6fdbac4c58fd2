"""Opening files a user names (CLI inputs, --hints, --out) without hanging or reading without bound.

A FIFO, a character device (/dev/zero, /dev/stdin) or a socket given as an input blocks forever or never ends; given
as an output it blocks or swallows the data. Inputs are opened with O_NONBLOCK (so opening a FIFO does not wait for
a writer) and must turn out to be regular files, read up to a byte limit; an output path must be absent or a
regular file. Every refusal is a NotRegularFile (an OSError) whose message says what to pass instead.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


class NotRegularFile(OSError):
    """The path names a FIFO, device, socket or folder where a regular file is needed."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """Up to limit + 1 bytes of the regular file at path (one more than limit tells the caller it is too long)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"{path} is {_kind(mode)}, not a regular file; pass a file saved on disk")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_output(path: str | os.PathLike) -> Path:
    """path, when it can be written as a regular file: absent (its folder exists) or already a regular file."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if not path.parent.is_dir() and str(path.parent) not in ("", "."):
            raise NotRegularFile(f"the folder {path.parent} does not exist; create it or choose another --out") from None
        return path
    if not stat.S_ISREG(mode):
        raise NotRegularFile(f"{path} is {_kind(mode)}, not a regular file; choose a file name for the output")
    return path


def read_source(source, limit: int) -> bytes:
    """Up to limit + 1 bytes of an upload or a named file: bytes as they are, a Streamlit upload (getvalue), a file
    object (read), or a path (read_regular: a FIFO or device is refused, never waited on)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue())
    if hasattr(source, "read"):
        return source.read(limit + 1)
    return read_regular(source, limit)
