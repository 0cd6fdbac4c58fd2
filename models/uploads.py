"""Safe loading of user-uploaded pictures: PNG, JPEG, WebP, BMP -> an 8-bit RGB (or L) PIL image, or an UploadError.

Checks, in order: byte size; format (from the file's header, not its name); pixel count and aspect from the header
before decoding (decompression bombs, tiny files declaring huge sizes, absurd strips); then a full decode (corrupt /
truncated data). The limits (MAX_BYTES, MAX_PIXELS, MAX_ASPECT) are chosen for a 512 MB server, see below; decoding
works in uint8 (or float32 row bands) so its peak stays under DECODE_BYTES_PER_PIXEL per pixel. Animated files give their first
frame; EXIF orientation is honoured; transparency is flattened on white; palette, greyscale, CMYK and 16/32-bit
images are converted. Every failure is an UploadError whose message says what went wrong and what to do.
"""
from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from models import limits
from models.safe_files import NotRegularFile, read_source

FORMATS = {"PNG", "JPEG", "WEBP", "BMP"}
EXTENSIONS = ["png", "jpg", "jpeg", "webp", "bmp"]

# The limits a visitor meets, with the 512 MB budget they come from: models/limits.py.
MAX_BYTES = limits.MAX_UPLOAD_BYTES
MAX_PIXELS = limits.MAX_PIXELS
MAX_ASPECT = limits.MAX_ASPECT
DECODE_BYTES_PER_PIXEL = limits.DECODE_BYTES_PER_PIXEL
TILE_ROWS = 256


class UploadError(ValueError):
    """A user-facing message about an unusable upload."""


def _to_l8(image: Image.Image) -> Image.Image:
    """A 16-bit, 32-bit integer or float greyscale image as 8-bit L, converted in bands of TILE_ROWS rows in float32
    so that no full-size float copy exists (a full float64 copy of 25 M pixels alone took 200 MB per array)."""
    arr = np.asarray(image)
    if image.mode.startswith("I;16"):
        top = 65535.0
    elif image.mode == "I":
        top = 65535.0 if arr.max() > 255 else 255.0
    else:  # "F"
        top = 1.0 if np.nanmax(arr, initial=0.0) <= 1.0 else 255.0
    out = np.empty(arr.shape, np.uint8)
    for row in range(0, arr.shape[0], TILE_ROWS):
        band = arr[row:row + TILE_ROWS].astype(np.float32)
        np.nan_to_num(band, copy=False, nan=0.0, posinf=top, neginf=0.0)
        band *= np.float32(255.0 / top)
        band += np.float32(0.5)
        np.clip(band, 0, 255, out=band)
        out[row:row + TILE_ROWS] = band
    return Image.fromarray(out, "L")


def _flatten(image: Image.Image) -> Image.Image:
    """8-bit RGB or L; transparent pixels become white paper. Works in uint8 (or row bands) at the image's size."""
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        image = _to_l8(image)
    elif mode == "1":
        image = image.convert("L")
    elif mode in ("CMYK", "YCbCr", "LAB", "HSV", "RGBX"):
        image = image.convert("RGB")
    elif mode in ("PA", "La"):
        image = image.convert("RGBA")
    elif mode == "RGBa":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        grey = image.mode == "LA"
        paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
        paper.alpha_composite(image if image.mode == "RGBA" else image.convert("RGBA"))
        del image
        image = paper.convert("L" if grey else "RGB")
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


def load_upload(source, max_pixels: int = MAX_PIXELS, max_bytes: int = MAX_BYTES, grey: bool = False) -> Image.Image:
    """A decoded, upright, 8-bit RGB or L image from bytes / a file-like (e.g. st.file_uploader's) / a path; with
    grey, always L, and a JPEG is decoded straight to grey (a third of the memory of its RGB decode)."""
    try:
        data = read_source(source, max_bytes)
    except NotRegularFile as err:
        raise UploadError(f"The file could not be read: {err}.") from None
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
            if max(width, height) > MAX_ASPECT * min(width, height):
                raise UploadError(f"The picture is a strip of {width} x {height} pixels: one side is more than "
                                  f"{MAX_ASPECT} times the other. Crop it closer to the drawing and upload it again.")
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)  # animated: the first frame
            if grey and image.format == "JPEG":
                image.draft("L", image.size)  # the decoder's own colour conversion, at full size
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # no full-size copy when there is nothing to turn
            flat = _flatten(image)
            return flat.convert("L") if grey and flat.mode != "L" else flat
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
