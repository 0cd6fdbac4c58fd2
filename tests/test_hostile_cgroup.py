"""The real server inside a real 512 MB memory cgroup (a Heroku basic dyno), CPU-only torch, driven by a real
browser: the worst allowed upload is colored without an OOM kill, a refused bomb gets its message, and the server
still answers. Skips where cgroups v1 or a CPU-only torch are not available.

The server needs a Python whose torch is CPU-only (the default Linux wheels map ~500 MB of CUDA libraries at import,
which alone would not fit): tests.support.hosted.cpu_python finds one (CPU_TORCH_PYTHON, .venv-cpu, this one); its
bin/ is put first on PATH so `streamlit` is its own.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests

from tests.support import cgroup
from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.browser import chromium
from tests.support.hosted import cpu_python
from tests.support.hostile_files import encode, huge_png, line_art, tiny_jpeg_declaring, worst_allowed

LIMIT = 512 * 2**20
SESSION_TTL_S = 30  # server.disconnectedSessionTTL in .streamlit/config.toml and setup.sh


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    why = cgroup.unavailable()
    if why:
        pytest.skip(why)
    python = cpu_python()
    if python is None:
        pytest.skip("no CPU-only torch (tests/install.sh makes .venv-cpu; or set CPU_TORCH_PYTHON)")
    home = tmp_path_factory.mktemp("dyno")
    env = {"PATH": f"{Path(python).parent}{os.pathsep}{os.environ['PATH']}", "GAN_STUDIO_CACHE": str(home / "cache")}
    with cgroup.MemoryCgroup("gan-studio-dyno", LIMIT) as group:
        with procfile_app(home, extra_env=env, boot_limit=120, cgroup_procs=group.procs_file) as (base, proc):
            assert group.pids(), "the server is not inside the cgroup"
            yield base, proc, group, home


def test_worst_allowed_upload_fits_512_mb(server, tmp_path):
    base, proc, group, home = server
    upload = tmp_path / "worst.png"
    upload.write_bytes(worst_allowed("rgba"))  # 2000 x 2000 RGBA noise, 16 MB: the costliest allowed picture
    driver = chromium()
    try:
        pa.open_page(driver, base, "sketch_colorizer", "Sketch Colorizer", timeout=180)
        pa.upload_file(driver, upload)
        pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d), 240, "the colored image")
        text = pa.body_text(driver)
        assert "2000 x 2000 px" in text
    finally:
        driver.quit()
    print(f"\ncgroup peak: {group.max_usage() / 2**20:.0f} MB of {LIMIT / 2**20:.0f} MB")
    assert group.oom_kills() == 0, f"OOM kills inside the 512 MB cgroup (peak {group.max_usage() / 2**20:.0f} MB)"
    assert proc.poll() is None
    assert requests.get(f"{base}/_stcore/health", timeout=10).text == "ok"
    assert "Traceback" not in (home / "server.log").read_text(errors="replace")


def phone_photo(path: Path) -> None:
    """A 12 MP phone-sized JPEG (4032 x 3024): a gallery photo enlarged, with sensor-like noise, ~5 MB."""
    import numpy as np
    from PIL import Image

    sample = sorted((Path(__file__).parents[1] / "pages" / "samples" / "photo").glob("*.jpg"))[0]
    big = np.asarray(Image.open(sample).convert("RGB").resize((4032, 3024), Image.Resampling.BICUBIC), np.int16)
    big = big + np.random.default_rng(0).integers(-6, 7, big.shape[:2], dtype=np.int16)[..., None]
    Image.fromarray(big.clip(0, 255).astype(np.uint8)).save(path, format="JPEG", quality=90)


def test_a_12_mp_phone_photo_is_coloured_and_downloaded_at_full_size(server, tmp_path):
    """Issue #19: a 4000 x 3000 photo within the 512 MB budget: decoded straight to grey, only a working-size copy
    kept, the preview composed at display size and the full size made in bands when the download is asked for."""
    from PIL import Image

    base, proc, group, home = server
    upload = tmp_path / "phone.jpg"
    phone_photo(upload)
    group.reset_max_usage()
    driver = chromium()
    try:
        pa.open_page(driver, base, "photo_colorizer", "Photo Colorizer", timeout=180)
        pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d), 240, "the gallery photo")
        pa.click_label(driver, "Upload")
        alone = lambda d: pa.idle(d) and "Upload a photo" in (t := pa.body_text(d)) and "Load hints" not in t  # noqa: E731
        pa.wait_until(driver, alone, 60, "the upload box alone")
        pa.upload_file(driver, upload)
        try:
            pa.wait_until(driver, lambda d: pa.idle(d) and "4032 x 3024 px" in pa.body_text(d), 240,
                          "the photo coloured")
        except pa.PageBroken as err:
            page = pa.body_text(driver)[-800:]
            raise AssertionError(f"{err}; OOM kills {group.oom_kills()}; page: {page!r}") from None
        saved = pa.download(driver, "Download PNG", tmp_path / "downloads", timeout=240)
        with Image.open(saved) as result:
            assert result.size == (4032, 3024) and result.mode == "RGB"
    finally:
        driver.quit()
    print(f"\n12 MP photo: cgroup peak {group.max_usage() / 2**20:.0f} MB (page cache included) of {LIMIT / 2**20:.0f} MB, server RSS "
          f"{server_rss_mb(group):.0f} MB after")
    assert group.oom_kills() == 0 and proc.poll() is None
    assert requests.get(f"{base}/_stcore/health", timeout=10).text == "ok"


@pytest.mark.parametrize("name, make, expect", [
    ("grey-5000.png", lambda: encode(line_art((5000, 5000), mode="L"), "PNG"), "too large"),  # 35 KB, 25 M pixels
    ("tiny-5000.jpg", lambda: tiny_jpeg_declaring(5000, 5000), "too large"),
    ("header-bomb.png", lambda: huge_png(30000, 30000), "too large"),
    ("strip.png", lambda: encode(line_art((20, 5000), mode="L"), "PNG"), "strip"),
])
def test_hostile_upload_is_refused_and_the_server_still_answers(server, tmp_path, name, make, expect):
    """The issue's corpus: each once took the server past 512 MB or to a traceback; now a message, no OOM kill."""
    base, proc, group, home = server
    path = tmp_path / name
    path.write_bytes(make())
    driver = chromium()
    try:
        pa.open_page(driver, base, "sketch_colorizer", "Sketch Colorizer", timeout=180)
        pa.upload_file(driver, path)
        pa.wait_until(driver, lambda d: expect in pa.body_text(d), 180, f"the refusal of {name}")
    finally:
        driver.quit()
    assert group.oom_kills() == 0 and proc.poll() is None
    assert requests.get(f"{base}/_stcore/health", timeout=10).text == "ok"


def server_rss_mb(group) -> float:
    """The largest resident set among the cgroup's processes (the Streamlit server), in MB."""
    best = 0
    for pid in group.pids():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best / 1024


def test_memory_does_not_pile_up_over_sessions(server, tmp_path):
    """The issue: six 2.7 MB noise JPEGs, one session each, took RSS from 753 to 1,839 MB for good. Now a session
    keeps one greyscale sketch and one result (no cache shared by all sessions, a deferred download), Streamlit drops
    a closed session after server.disconnectedSessionTTL (30 s), and large buffers are mmapped (the Procfile's
    MALLOC_MMAP_THRESHOLD_), so what a session held goes back to the system: RSS returns near its baseline."""
    base, proc, group, home = server
    baseline = server_rss_mb(group)
    rss = []
    for i in range(6):
        path = tmp_path / f"noise{i}.jpg"
        path.write_bytes(worst_allowed("noise-jpeg", seed=i))
        driver = chromium()
        try:
            pa.open_page(driver, base, "sketch_colorizer", "Sketch Colorizer", timeout=180)
            pa.upload_file(driver, path)
            try:
                pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d), 240,
                              f"upload {i + 1} colored")
            except pa.PageBroken as err:
                log = (home / "server.log").read_text(errors="replace")[-1500:]
                raise AssertionError(f"{err}; OOM kills {group.oom_kills()}; page: {pa.body_text(driver)[-600:]!r}; "
                                     f"log: {log}") from None
        finally:
            driver.quit()
        rss.append(server_rss_mb(group))
    time.sleep(SESSION_TTL_S + 15)  # every tab is closed: Streamlit forgets the sessions after the TTL
    after = server_rss_mb(group)
    print(f"\nserver RSS: {baseline:.0f} MB before, {', '.join(f'{r:.0f}' for r in rss)} MB after each session, "
          f"{after:.0f} MB {SESSION_TTL_S + 15} s after the last; cgroup peak {group.max_usage() / 2**20:.0f} MB")
    assert group.oom_kills() == 0 and proc.poll() is None
    assert after - rss[0] < 40, (baseline, rss, after)  # back to one warm server, whatever the sessions did
