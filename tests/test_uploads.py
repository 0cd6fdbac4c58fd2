"""models.uploads: good pictures of every supported kind load as upright 8-bit RGB/L; each bad kind gets its message."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from models.uploads import UploadError, load_upload
from tests.support.hostile_files import huge_png


def encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def sketch(mode: str = "RGB", size=(40, 30)) -> Image.Image:
    img = Image.new("RGB", size, "white")
    img.paste((0, 0, 0), (5, 5, 20, 10))
    return img.convert(mode)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "BMP"])
def test_supported_formats_load(fmt):
    img = load_upload(encode(sketch(), fmt))
    assert img.size == (40, 30) and img.mode in ("RGB", "L")


def test_exif_orientation_is_honoured():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img = load_upload(encode(sketch(size=(40, 30)), "JPEG", exif=exif.tobytes()))
    assert img.size == (30, 40)


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_transparency_is_flattened_on_white(mode):
    clear = Image.new(mode, (8, 8), (0, 0, 0, 0) if mode == "RGBA" else (0, 0))
    img = load_upload(encode(clear, "PNG"))
    assert img.mode in ("RGB", "L") and np.asarray(img).min() == 255


def test_palette_with_transparency_is_flattened_on_white():
    pal = Image.new("P", (8, 8), 0)
    pal.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    img = load_upload(encode(pal, "PNG", transparency=0))
    assert img.mode == "RGB" and np.asarray(img).min() == 255


@pytest.mark.parametrize("mode", ["L", "P", "1"])
def test_greyscale_palette_and_bilevel_convert(mode):
    img = load_upload(encode(sketch(mode), "PNG"))
    assert img.mode in ("RGB", "L") and np.asarray(img.convert("L")).min() < 50


def test_cmyk_jpeg_converts_to_rgb():
    img = load_upload(encode(sketch("CMYK"), "JPEG"))
    assert img.mode == "RGB" and img.getpixel((0, 0))[0] > 200


def test_16_bit_png_converts_to_8_bit():
    arr = np.full((10, 12), 65535, np.uint16)
    arr[2:4, 2:4] = 0
    img = load_upload(encode(Image.fromarray(arr), "PNG"))
    out = np.asarray(img)
    assert img.mode == "L" and out.max() == 255 and out.min() == 0


def test_32_bit_integer_image_converts():
    from models.uploads import _flatten

    img = _flatten(Image.fromarray(np.array([[0, 255], [128, 255]], np.int32), "I"))
    assert img.mode == "L" and np.asarray(img).tolist() == [[0, 255], [128, 255]]


def test_animated_takes_first_frame():
    frames = [Image.new("RGB", (10, 10), c) for c in ("white", "black")]
    buf = io.BytesIO()
    frames[0].save(buf, format="PNG", save_all=True, append_images=frames[1:])
    img = load_upload(buf.getvalue())
    assert np.asarray(img).min() == 255


def test_file_like_and_path_sources(tmp_path):
    data = encode(sketch(), "PNG")
    (tmp_path / "s.png").write_bytes(data)
    assert load_upload(io.BytesIO(data)).size == (40, 30)
    assert load_upload(str(tmp_path / "s.png")).size == (40, 30)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"just some text, not a picture", "not a picture"),
    (b"GIF89a" + b"\x00" * 40, "GIF files are not supported"),
    (b"\x89PNG\r\n\x1a\n" + b"\x13" * 200, "damaged"),
    (huge_png(30000, 30000), "too large"),
    (huge_png(6000, 5000), "too large"),
])
def test_bad_inputs_give_clear_messages(data, words):
    with pytest.raises(UploadError, match=words):
        load_upload(data)


def test_truncated_file():
    data = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)), "PNG")
    with pytest.raises(UploadError, match="truncated"):
        load_upload(data[: len(data) // 2])


def test_truncated_jpeg():
    data = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)), "JPEG")
    with pytest.raises(UploadError, match="truncated|damaged"):
        load_upload(data[: len(data) // 2])


def test_too_many_bytes():
    with pytest.raises(UploadError, match="larger than"):
        load_upload(encode(sketch(), "BMP"), max_bytes=1000)


def test_pixel_limit_is_checked_before_decoding():
    with pytest.raises(UploadError, match="too large"):
        load_upload(encode(sketch(), "PNG"), max_pixels=100)


def test_missing_path():
    with pytest.raises(UploadError, match="could not be read"):
        load_upload("/nonexistent/sketch.png")
