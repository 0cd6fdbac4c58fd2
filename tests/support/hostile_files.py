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
        ("strip.png", encode(line_art((20000, 10)), "PNG"), "image/png", "strip of 20000 x 10"),
        ("narrow.png", encode(line_art((20, 320)), "PNG"), "image/png", None),
        ("tall-strip.png", huge_png(20, 50000), "image/png", "strip of 20 x 50000"),
        ("one-column.png", huge_png(1, 25_000_000), "image/png", "too large|strip"),
        ("tiny-huge.jpg", tiny_jpeg_declaring(5000, 5000), "image/jpeg", "too large"),
        ("cmyk.jpg", encode(line_art(mode="CMYK"), "JPEG"), "image/jpeg", None),
        ("sixteen-bit.png", encode(sixteen, "PNG"), "image/png", None),
        ("exif-rotated.jpg", exif_rotated_jpeg(), "image/jpeg", None),
        ("palette.png", encode(line_art(mode="P"), "PNG"), "image/png", None),
        ("transparent.png", encode(line_art(mode="RGBA"), "PNG"), "image/png", None),
    ]


# --- uploads at the limits (made here, never committed): the worst a visitor may send, and just past it ---

def worst_allowed(kind: str, pixels: int | None = None, seed: int = 1) -> bytes:
    """A picture of (at most) MAX_PIXELS in the format/mode that costs most to decode: 16-bit grey, RGBA, LA,
    palette with transparency, noise JPEG (largest coefficients), RGBA WebP."""
    from models.uploads import MAX_PIXELS
    side = int((pixels or MAX_PIXELS) ** 0.5)
    rng = np.random.default_rng(seed)
    if kind == "grey16":
        return encode(Image.fromarray(rng.integers(0, 65535, (side, side), dtype=np.uint16)), "PNG", compress_level=1)
    if kind == "rgba":
        return encode(Image.fromarray(rng.integers(0, 255, (side, side, 4), dtype=np.uint8), "RGBA"), "PNG",
                      compress_level=1)
    if kind == "la":
        return encode(Image.fromarray(rng.integers(0, 255, (side, side, 2), dtype=np.uint8), "LA"), "PNG",
                      compress_level=1)
    if kind == "palette":
        return encode(line_art((side, side), mode="P"), "PNG", transparency=0)
    if kind == "noise-jpeg":
        return encode(Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8)), "JPEG", quality=95)
    if kind == "webp-rgba":
        return encode(line_art((side, side), mode="RGBA"), "WEBP", lossless=True)
    raise ValueError(kind)


WORST_KINDS = ["grey16", "rgba", "la", "palette", "noise-jpeg", "webp-rgba"]


def tiny_jpeg_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of JPEG whose frame header (SOF0) claims width x height: the data is an 8 x 8 picture."""
    data = bytearray(encode(Image.new("L", (8, 8), 255), "JPEG", quality=10))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def strip_png(width: int, height: int) -> bytes:
    """A tiny PNG header claiming a width x height strip (never decoded when refused)."""
    return huge_png(width, height)
