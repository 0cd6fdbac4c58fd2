"""Photo colorizer: the Qt resource reader, the hold-out by whole photo, inference that keeps the input's lightness
and size, the CLI's one-line errors and the page (AppTest)."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from models.photo.config import PhotoConfig
from models.photo.lab import grey_lightness, rgb_to_lab
from models.photo.model import PhotoColorizer
from models.photo.network import build
from training.photo.prepare import crops_of, held_out, photo_id
from training.photo.rcc import RccError, entries

ROOT = Path(__file__).resolve().parents[1]
torch.set_num_threads(1)


def tiny_rcc(files: dict[str, tuple[bytes, bool]], version: int = 2) -> bytes:
    """A Qt resource file with one directory 'pics' holding `files` (name -> (data, zlib-compress?))."""
    names, name_off = b"", {}
    for n in ["pics", *files]:
        name_off[n] = len(names)
        names += struct.pack(">HI", len(n), 0) + n.encode("utf-16-be")
    data, data_off = b"", {}
    for n, (blob, packed) in files.items():
        data_off[n] = len(data)
        payload = struct.pack(">I", len(blob)) + zlib.compress(blob) if packed else blob
        data += struct.pack(">I", len(payload)) + payload
    tail = b"\0" * 8 if version >= 2 else b""
    tree = struct.pack(">IHII", 0, 2, 1, 1) + tail  # root: one child, entry 1
    tree += struct.pack(">IHII", name_off["pics"], 2, len(files), 2) + tail
    for n, (_, packed) in files.items():
        tree += struct.pack(">IHHHI", name_off[n], 1 if packed else 0, 0, 0, data_off[n]) + tail
    header = 20
    return (b"qres" + struct.pack(">IIII", version, header, header + len(tree), header + len(tree) + len(data))
            + tree + data + names)


@pytest.mark.parametrize("version", [1, 2])
def test_rcc_reader_reads_plain_and_zlib_entries(version):
    blob = tiny_rcc({"a.webp": (b"hello photo", False), "b.jpg": (b"x" * 500, True)}, version)
    assert dict(entries(blob)) == {"pics/a.webp": b"hello photo", "pics/b.jpg": b"x" * 500}


def test_rcc_reader_refuses_other_files():
    with pytest.raises(RccError):
        list(entries(b"PK\3\4 not a resource file"))
    with pytest.raises(RccError):
        list(entries(tiny_rcc({"a": (b"abc", True)})[:40]))


def test_hold_out_is_by_whole_photo_and_reproducible():
    ids = [f"photo-{i}" for i in range(157)]
    test = held_out(ids, 0.1, 0)
    assert test == held_out(list(reversed(ids)), 0.1, 0) and len(test) == 16
    assert photo_id("gcompris-qt-data", "erase.rcc:gcompris/x/Spoon Bills.webp") == "gcompris-spoon-bills"


def test_prepared_crops_never_come_from_held_out_photos():
    import csv

    from training.common.paths import dataset_dir

    root = dataset_dir("photo")
    if not (root / "crops_144.npz").exists():
        pytest.skip("run python -m training.photo.prepare first")
    with open(root / "sources.csv") as f:
        rows = list(csv.DictReader(f))
    test = {r["id"] for r in rows if r["split"] == "test"}
    owners = set(np.load(root / "crops_144.npz")["photo"].tolist())
    assert test and owners and not owners & test
    assert not {"plasma", "opencv"} & {r["package"].split("-")[0] for r in rows}


def test_crops_cover_whole_photo_and_detail():
    import random

    photo = Image.fromarray(np.random.default_rng(0).integers(0, 256, (700, 1000, 3), dtype=np.uint8))
    crops = crops_of(photo, 144, random.Random(0))
    assert len(crops) == 14 and all(c.shape == (144, 144, 3) for c in crops)


def colorizer() -> PhotoColorizer:
    torch.manual_seed(0)
    return PhotoColorizer(build(PhotoConfig()), PhotoConfig())


@pytest.mark.parametrize("size", [(203, 131), (37, 300), (1000, 613)])
def test_inference_keeps_size_and_lightness(size):
    rng = np.random.default_rng(1)
    grey = Image.fromarray(rng.integers(0, 256, size[::-1], dtype=np.uint8)).convert("RGB")
    out = colorizer().colorize(grey)
    assert out.size == size and out.mode == "RGB"
    L_in = grey_lightness(np.asarray(grey.convert("L")))
    L_out = rgb_to_lab(np.asarray(out))[..., 0]
    assert np.abs(L_out - L_in).mean() < 2.0


def test_colour_upload_is_turned_grey_first():
    rgb = Image.fromarray(np.random.default_rng(2).integers(0, 256, (64, 96, 3), dtype=np.uint8))
    c = colorizer()
    assert np.array_equal(np.asarray(c.colorize(rgb)), np.asarray(c.colorize(rgb.convert("L"))))


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "models", "photo", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_cli_bad_input_one_line_exit_2(tmp_path):
    (tmp_path / "notes.jpg").write_text("not a photo")
    done = run_cli(str(tmp_path / "notes.jpg"), "--out", str(tmp_path / "o.png"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    done = run_cli(str(tmp_path / "notes.jpg"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def shipped() -> bool:
    from models import registry

    try:
        registry.get("photo-colorizer")
        return True
    except Exception:
        return False


@pytest.mark.skipif(not shipped(), reason="photo-colorizer not published")
def test_cli_colours_a_photo_at_its_size(tmp_path):
    Image.open(ROOT / "pages/samples/photo/nagasaki-boats.jpg").resize((161, 99)).save(tmp_path / "old.jpg")
    done = run_cli(str(tmp_path / "old.jpg"), "--out", str(tmp_path / "new.png"))
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "new.png").size == (161, 99)


@pytest.mark.skipif(not shipped(), reason="photo-colorizer not published")
def test_page_gallery_upload_and_bad_upload():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "photo_colorizer.py"), default_timeout=120).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state["photo_result"] and at.get("download_button")
    at.radio(key="photo_source").set_value("Upload").run()
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (90, 130, 3), dtype=np.uint8)).save(buf, format="PNG")
    at.file_uploader(key="photo_upload").upload("mine.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not at.error
    assert at.session_state["photo_size"] == (130, 90)  # the download is coloured at the upload's size
    work = Image.open(io.BytesIO(at.session_state["photo_work"]))
    assert work.mode == "L" and work.size == (130, 90)  # kept greyscale, as the model reads it (no larger: 90 < 256)
    at.file_uploader(key="photo_upload").upload("notes.png", b"hello", "image/png").run()
    assert not at.exception and "not a picture" in at.error[0].value


@pytest.mark.skipif(not shipped(), reason="photo-colorizer not published")
def test_page_gallery_pick_travels_in_the_link():
    from streamlit.testing.v1 import AppTest

    names = sorted(json.loads((ROOT / "pages" / "samples" / "photo" / "samples.json").read_text()))
    at = AppTest.from_file(str(ROOT / "pages" / "photo_colorizer.py"), default_timeout=120)
    at.query_params["photo"] = names[-1]
    at.run()
    assert not at.exception and not at.warning
    assert at.selectbox[0].value == names[-1] and at.session_state["photo_source_id"] == "gallery:" + names[-1]


@pytest.mark.skipif(not shipped(), reason="photo-colorizer not published")
def test_cli_takes_photos_larger_than_other_pictures_up_to_its_own_limit(tmp_path):
    """Photos may be 12.5 M pixels (a 12 MP phone photo), three times the other pictures' limit; beyond: one line."""
    from models.limits import MAX_PIXELS, PHOTO_MAX_PIXELS

    Image.new("L", (3000, 2000), 90).save(tmp_path / "six.jpg")  # 6 M pixels: refused by the sketch colorizer
    assert 3000 * 2000 > MAX_PIXELS
    done = run_cli(str(tmp_path / "six.jpg"), "--out", str(tmp_path / "six.png"))
    assert done.returncode == 0, done.stderr
    assert Image.open(tmp_path / "six.png").size == (3000, 2000)
    Image.new("L", (4100, 3100), 90).save(tmp_path / "huge.jpg")
    assert 4100 * 3100 > PHOTO_MAX_PIXELS
    done = run_cli(str(tmp_path / "huge.jpg"), "--out", str(tmp_path / "huge.png"))
    assert done.returncode == 2 and "too large" in done.stderr and "Traceback" not in done.stderr
