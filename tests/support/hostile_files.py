"""A corpus of awkward and malformed uploads, made in memory: (file name, bytes, mime, expected message or None)."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height pixels (the data is tiny and never decoded): a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))


def line_art(size=(96, 64), mode="RGB") -> Image.Image:
    img = Image.new("RGB", size, "white")
    arr = np.asarray(img).copy()
    arr[size[1] // 4: size[1] // 4 + 3, :] = 0
    arr[:, size[0] // 3: size[0] // 3 + 3] = 0
    return Image.fromarray(arr).convert(mode)


def exif_rotated_jpeg() -> bytes:
    img = line_art((80, 40))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees on display
    return encode(img, "JPEG", exif=exif.tobytes())


def noisy_png() -> bytes:
    return encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)), "PNG")


def corpus() -> list[tuple[str, bytes, str, str | None]]:
    gif_frames = [line_art((32, 32)).convert("P"), line_art((32, 32)).convert("P").rotate(90)]
    gif = io.BytesIO()
    gif_frames[0].save(gif, format="GIF", save_all=True, append_images=gif_frames[1:], loop=0)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>'
    sixteen = Image.fromarray((np.asarray(line_art().convert("L"), np.uint16) * 257).astype(np.uint16))
    jpeg = encode(line_art((200, 200)), "JPEG")
    return [
        ("notes.png", b"this is a text file, not a picture", "image/png", "not a picture"),
        ("truncated.png", noisy_png()[:600], "image/png", "truncated|damaged"),
        ("truncated.jpg", jpeg[: len(jpeg) // 2], "image/jpeg", "truncated|damaged"),
        ("bomb.png", huge_png(30000, 30000), "image/png", "too large"),
        ("animated.gif", gif.getvalue(), "image/gif", "GIF"),
        ("drawing.svg", svg, "image/svg+xml", "not a picture"),
        ("empty.png", b"", "image/png", "empty"),
        ("one-pixel.png", encode(Image.new("L", (1, 1), 0), "PNG"), "image/png", None),
        ("strip.png", encode(line_art((20000, 10)), "PNG"), "image/png", None),
        ("cmyk.jpg", encode(line_art(mode="CMYK"), "JPEG"), "image/jpeg", None),
        ("sixteen-bit.png", encode(sixteen, "PNG"), "image/png", None),
        ("exif-rotated.jpg", exif_rotated_jpeg(), "image/jpeg", None),
        ("palette.png", encode(line_art(mode="P"), "PNG"), "image/png", None),
        ("transparent.png", encode(line_art(mode="RGBA"), "PNG"), "image/png", None),
    ]
