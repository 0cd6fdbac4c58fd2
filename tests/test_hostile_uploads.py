"""Uploads at and past the limits a visitor meets: the worst allowed picture of every costly kind decodes within
DECODE_BYTES_PER_PIXEL per pixel (measured as peak RSS in a fresh process), a tiny file declaring a huge size is
refused from its header like any other, absurd strips are refused with a message, and display sizes follow the
picture's aspect without ever enlarging a strip into a huge image."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models import uploads
from models.imaging import display_size
from models.uploads import MAX_ASPECT, MAX_PIXELS, UploadError, load_upload
from tests.support.hostile_files import WORST_KINDS, strip_png, tiny_jpeg_declaring, worst_allowed

ROOT = Path(__file__).resolve().parents[1]

PEAK = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from PIL import Image
    from models.uploads import load_upload
    from tests.support.hostile_files import encode
    data = Path(sys.argv[1]).read_bytes()  # made by the parent, so making it does not count here
    load_upload(encode(Image.new("RGBA", (64, 64)), "PNG"))  # warm up every code path's imports
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    image = load_upload(data)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak": after - before, "size": image.size, "mode": image.mode, "bytes": len(data)}))
""")


@pytest.mark.parametrize("kind", WORST_KINDS)
def test_worst_allowed_upload_decodes_within_its_budget(kind, tmp_path):
    (tmp_path / "upload").write_bytes(worst_allowed(kind))
    out = subprocess.run([sys.executable, "-c", PEAK, str(tmp_path / "upload")], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    budget = uploads.DECODE_BYTES_PER_PIXEL * MAX_PIXELS
    assert got["peak"] <= budget, f"{kind}: decoding took {got['peak'] / 2**20:.0f} MB (budget {budget / 2**20:.0f} MB)"
    assert got["mode"] in ("L", "RGB") and got["size"][0] * got["size"][1] <= MAX_PIXELS


def test_sixteen_bit_conversion_keeps_levels():
    import io
    import numpy as np
    from PIL import Image
    arr = np.tile(np.array([[0, 257, 65535, 32896]], np.uint16), (600, 10))  # taller than one row band
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG")
    out = np.asarray(load_upload(buf.getvalue()))
    assert out.shape == arr.shape and (out == np.tile(np.array([0, 1, 255, 128], np.uint8), 10)).all()


@pytest.mark.parametrize("width, height", [(5000, 5000), (2001, 2000), (65535, 65535)])
def test_tiny_jpeg_declaring_a_huge_size_is_refused_from_its_header(width, height):
    data = tiny_jpeg_declaring(width, height)
    assert len(data) < 1000
    with pytest.raises(UploadError, match="too large"):
        load_upload(data)


def test_the_pixel_limit_is_tight():
    side = int(MAX_PIXELS ** 0.5)
    assert load_upload(tiny_jpeg_declaring(side, side)).size == (side, side)  # at the limit: decoded (and bounded)


@pytest.mark.parametrize("width, height", [(20, 50_000), (1, 200_000), (1, 25_000_000), (20_000, 10), (17, 1)])
def test_absurd_strips_are_refused_with_a_message(width, height):
    with pytest.raises(UploadError, match=f"strip of {width} x {height} pixels.*{MAX_ASPECT} times") as err:
        load_upload(strip_png(width, height), max_pixels=10**9)
    assert "Crop it" in str(err.value)


@pytest.mark.parametrize("width, height", [(1, 1), (20, 320), (28, 28), (2000, 2000), (2000, 125), (125, 2000),
                                           (384, 384), (10**6, 10**6 // MAX_ASPECT)])
def test_display_size_follows_the_aspect_within_the_box(width, height):
    w, h = display_size(width, height, box_width=384, box_height=512)
    assert 1 <= w <= 384 and 1 <= h <= 512
    assert abs(w / h - width / height) <= max(width / height, 1) * 0.1 + 1 / min(w, h)
