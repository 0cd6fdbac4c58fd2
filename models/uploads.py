"""Safe loading of user-uploaded pictures: PNG, JPEG, WebP, BMP -> an 8-bit RGB (or L) PIL image, or an UploadError.

Checks, in order: byte size; format (from the file's header, not its name); pixel count from the header before
decoding (decompression bombs); then a full decode (corrupt / truncated data). Animated files give their first
frame; EXIF orientation is honoured; transparency is flattened on white; palette, greyscale, CMYK and 16/32-bit
images are converted. Every failure is an UploadError whose message says what went wrong and what to do.
"""
from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG", "JPEG", "WEBP", "BMP"}
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 25_000_000  # e.g. 5000 x 5000
EXTENSIONS = ["png", "jpg", "jpeg", "webp", "bmp"]


class UploadError(ValueError):
    """A user-facing message about an unusable upload."""


def _data_of(source) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue())
    if hasattr(source, "read"):
        return source.read(MAX_BYTES + 1)
    with open(source, "rb") as f:  # a path
        return f.read(MAX_BYTES + 1)


def _flatten(image: Image.Image) -> Image.Image:
    """8-bit RGB or L; transparent pixels become white paper."""
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        image = Image.fromarray(np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    elif mode == "F":
        arr = np.asarray(image, dtype=np.float64)
        top = 1.0 if arr.max() <= 1.0 else 255.0
        image = Image.fromarray(np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    elif mode == "1":
        image = image.convert("L")
    elif mode in ("CMYK", "YCbCr", "LAB", "HSV", "RGBX"):
        image = image.convert("RGB")
    elif mode in ("PA", "La"):
        image = image.convert("RGBA")
    elif mode == "RGBa":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        paper.alpha_composite(image.convert("RGBA"))
        image = paper.convert("RGB" if image.mode == "RGBA" else "L")
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def _unreadable_message(data: bytes) -> str:
    """Why Pillow could not even identify the file: a damaged supported file, another format, or no picture."""
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"BM")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "The picture is damaged and cannot be decoded. Re-save it as PNG or JPEG and try again."
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF files are not supported. Save the drawing as PNG or JPEG and upload it again."
    return "This is not a picture we can read. Upload a PNG, JPEG, WebP or BMP file."


def load_upload(source, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES) -> Image.Image:
    """A decoded, upright, 8-bit RGB or L image from bytes / a file-like (e.g. st.file_uploader's) / a path."""
    try:
        data = _data_of(source)
    except OSError as err:
        raise UploadError(f"The file could not be read ({err.strerror or err}). Check the path and try again.") from None
    if not data:
        raise UploadError("The file is empty. Upload a PNG, JPEG, WebP or BMP picture.")
    if len(data) > max_bytes:
        raise UploadError(f"The file is larger than {max_bytes // (1024 * 1024)} MB. "
                          "Save it smaller (fewer pixels or as JPEG) and upload it again.")
    try:
        with warnings.catch_warnings():  # Pillow's own bomb check (89 M pixels) as an error; ours is stricter
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                image = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
            except UnidentifiedImageError:
                raise UploadError(_unreadable_message(data)) from None
            width, height = image.size
            if width * height > max_pixels:
                raise UploadError(f"The picture is too large ({width} x {height} pixels; at most {max_pixels:,} pixels). "
                                  "Scale it down and upload it again.")
            if width < 1 or height < 1:
                raise UploadError("The picture has no pixels. Upload a different file.")
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # animated: the first frame
            image.load()
            image = ImageOps.exif_transpose(image) or image
            return _flatten(image)
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(f"The picture is too large (more than {max_pixels:,} pixels once decoded). "
                          "Scale it down and upload it again.") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError) as err:
        text = str(err).lower()
        if "truncat" in text or "end of file" in text or isinstance(err, EOFError):
            raise UploadError("The picture is cut off (truncated): the file is incomplete. "
                              "Upload the whole file again or re-save it.") from None
        raise UploadError("The picture is damaged and cannot be decoded. Re-save it as PNG or JPEG and try again.") from None
