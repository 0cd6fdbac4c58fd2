"""End-to-end: the app started as the Procfile does, driven in a real headless Chromium, one test per page action.

Screenshots of each page land in test-artifacts/screenshots/ (the README's come from here).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.browser import chromium

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with procfile_app(tmp_path_factory.mktemp("home")) as (base, proc):
        yield base


@pytest.fixture()
def driver():
    d = chromium()
    yield d
    d.quit()


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_home_lists_pages_and_models(app, driver):
    pa.open_page(driver, app, "", "Models")
    text = pa.body_text(driver)
    for title in ("Sketch Colorizer", "Latent Explorer", "InfoGAN Controls", "WaveNet Audio", "pix2pix-openmoji"):
        assert title in text
    shot(driver, "home")


def test_colorizer_upload_then_hint(app, driver):
    pa.open_page(driver, app, "colorizer", "Sketch Colorizer")
    pa.upload_file(driver, ROOT / "pages" / "samples" / "penguin.png")
    first = pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d) and pa.image_sources(d),
                          90, "the colored image")
    pa.click_component_image(driver, "image_coordinates", 60, 80)
    pa.wait_until(driver, lambda d: "1 hint" in pa.body_text(d), 60, "the hint to be listed")
    pa.wait_new_image(driver, first, 90)
    shot(driver, "colorizer")
