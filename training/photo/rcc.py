"""A reader for Qt binary resource files (.rcc), enough to pull the photos out of Debian gcompris-qt-data.

Layout (big-endian): magic b"qres", u32 version, u32 tree offset, u32 data offset, u32 names offset (version 3 adds
u32 flags). The tree is an array of entries; entry 0 is the root directory. Each entry starts with u32 name offset and
u16 flags; a directory (flag 2) continues with u32 child count and u32 index of its first child, a file with u16
country, u16 language and u32 data offset. From version 2 on every entry ends with a u64 modification time, so an
entry is 22 bytes (14 in version 1). A name is u16 length, u32 hash, then that many UTF-16BE code units. A file's data
is u32 size, then the bytes: zlib-compressed (flag 1) after a further u32 uncompressed size, zstd-compressed
(flag 4), or stored as is.
"""
from __future__ import annotations

import struct
import subprocess
import zlib
from collections.abc import Iterator

COMPRESSED_ZLIB = 1
DIRECTORY = 2
COMPRESSED_ZSTD = 4


class RccError(ValueError):
    """Not a readable Qt resource file."""


def _zstd(payload: bytes) -> bytes:
    """zstd frame -> bytes, with the `zstd` command-line tool (Debian zstd) when no Python binding is installed."""
    try:
        import zstandard
        return zstandard.ZstdDecompressor().decompress(payload, max_output_size=1 << 30)
    except ImportError:
        return subprocess.run(["zstd", "-d", "-c", "-q"], input=payload, capture_output=True, check=True).stdout


def entries(blob: bytes) -> Iterator[tuple[str, bytes]]:
    """(path, contents) of every file in an .rcc file's bytes, paths like "gcompris/src/activities/x/y.webp"."""
    if blob[:4] != b"qres" or len(blob) < 20:
        raise RccError("not a Qt resource file (no 'qres' magic)")
    version, tree, data, names = struct.unpack_from(">IIII", blob, 4)
    size = 14 if version == 1 else 22

    def name_at(offset: int) -> str:
        (length,) = struct.unpack_from(">H", blob, names + offset)
        start = names + offset + 6
        return blob[start:start + 2 * length].decode("utf-16-be")

    def walk(index: int, prefix: str, depth: int) -> Iterator[tuple[str, bytes]]:
        if depth > 64:
            raise RccError("resource tree too deep")
        base = tree + index * size
        name_offset, flags = struct.unpack_from(">IH", blob, base)
        name = "" if index == 0 else name_at(name_offset)
        path = f"{prefix}/{name}" if prefix else name
        if flags & DIRECTORY:
            count, first = struct.unpack_from(">II", blob, base + 6)
            for child in range(first, first + count):
                yield from walk(child, path, depth + 1)
            return
        (offset,) = struct.unpack_from(">I", blob, base + 10)
        (length,) = struct.unpack_from(">I", blob, data + offset)
        payload = blob[data + offset + 4:data + offset + 4 + length]
        if flags & COMPRESSED_ZLIB:
            payload = zlib.decompress(payload[4:])
        elif flags & COMPRESSED_ZSTD:
            payload = _zstd(payload)
        yield path, payload

    try:
        yield from walk(0, "", 0)
    except (struct.error, zlib.error, UnicodeDecodeError, subprocess.CalledProcessError) as err:
        raise RccError(f"corrupt Qt resource file: {err}") from None
