"""End-to-end: the app started as the Procfile does, driven in a real headless Chromium, one test per page action.

Screenshots of each page land in test-artifacts/screenshots/ (the README's come from here).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By

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
    pa.open_page(driver, app, "", "Start with any card")
    from models.families import FAMILIES

    cards = sum(1 for f in FAMILIES.values() if f.page)
    pa.wait_until(driver, lambda d: len(pa.image_sources(d)) == cards, 120, f"the {cards} cards' thumbnails")
    shot(driver, "home")
    driver.find_element(By.XPATH, "//summary[contains(., 'Models and weights')]").click()
    wanted = ("Sketch Colorizer", "Photo Colorizer", "Latent Explorer", "InfoGAN Controls", "WaveNet Audio",
              "pix2pix-openmoji", "photo-colorizer", "present")
    pa.wait_until(driver, lambda d: all(w in pa.body_text(d) for w in wanted), 60, "the model table, every page's row")


def test_a_deep_link_as_the_first_visit_gets_the_apps_navigation(tmp_path):
    """Right after a server start (a Heroku dyno wakes up) the first visitor often comes through a shared link: the
    page must come up inside app.py's navigation (page titles), not Streamlit's old pages/ folder listing, which
    would list helper modules such as common.py and skip app.py's layout."""
    with procfile_app(tmp_path) as (base, _proc):
        d = chromium()
        try:
            pa.open_page(d, base, "wavenet_audio", "WaveNet Audio")
            nav = pa.wait_until(d, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"]'), 60,
                                "the sidebar navigation")[0]
            pa.wait_until(d, lambda d: "Sketch Colorizer" in nav.text, 60, "app.py's page titles in the sidebar")
            assert "common" not in nav.text.lower() and "click" not in nav.text.lower()
            assert "WaveNet Audio" in pa.body_text(d) and d.current_url.endswith("/wavenet_audio")
        finally:
            d.quit()


def test_colorizer_upload_then_hint(app, driver, tmp_path):
    pa.open_page(driver, app, "sketch_colorizer", "Sketch Colorizer")
    pa.upload_file(driver, ROOT / "pages" / "samples" / "penguin.png")
    first = pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d) and pa.image_sources(d),
                          90, "the colored image")
    pa.click_sketch_image(driver, 128, 165)  # inside the body
    pa.wait_until(driver, lambda d: "1 hint" in pa.body_text(d), 60, "the hint to be listed")
    pa.wait_new_image(driver, first, 90)
    shot(driver, "colorizer")
    saved = pa.download(driver, "Download PNG", tmp_path / "downloads")  # made when clicked, at the sketch's size
    assert Image.open(saved).size == Image.open(ROOT / "pages" / "samples" / "penguin.png").size


def test_photo_gallery_then_a_hint_then_the_full_size_download(app, driver, tmp_path):
    pa.open_page(driver, app, "photo_colorizer", "Photo Colorizer")
    first = pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d) and pa.image_sources(d),
                          120, "the gallery photo coloured")
    pa.click_sketch_image(driver, 150, 120)  # the grey photo is the clickable picture here
    pa.wait_until(driver, lambda d: "1 hint" in pa.body_text(d), 60, "the hint to be listed")
    pa.wait_new_image(driver, first, 120)
    shot(driver, "photo")
    saved = pa.download(driver, "Download PNG", tmp_path / "downloads")
    name = driver.current_url.split("photo=")[-1].split("&")[0]
    assert Image.open(saved).size == Image.open(ROOT / "pages" / "samples" / "photo" / name).size


RECT = "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];"


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_colorizer_picker_leaves_the_sketch_free_and_a_sample_result_is_in_view(app):
    """On a 1280 x 720 laptop screen: after "Use" on a sample the colored result is on screen without scrolling
    (the gallery moves below it), and the open colour picker does not cover the sketch (it sits below it)."""
    driver = chromium(1280, 720)
    try:
        check_picker_and_sample(app, driver)
    finally:
        driver.quit()


def check_picker_and_sample(app, driver):
    pa.open_page(driver, app, "sketch_colorizer", "Sketch Colorizer")
    pa.click_label(driver, "Samples")
    use = pa.wait_until(driver, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "button") if b.text.strip() == "Use"],
                        30, "the samples' Use buttons")[-1]  # the last sample: the gallery's bottom row
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", use)
    use.click()
    pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d) and pa.image_sources(d), 90,
                  "the colored sample")
    result = pa.wait_until(driver, lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, '[data-testid="stImage"] img')
                                             if i.size["width"] > 200], 30, "the result image")[0]

    def in_view(d) -> bool:  # polled: the page scrolls once its layout has settled, later on a busy machine
        top, bottom = d.execute_script(RECT, result)[1::2]
        return 0 <= top and bottom <= d.execute_script("return window.innerHeight;")

    pa.wait_until(driver, in_view, 15, "the colored result all in view")
    sketch = driver.find_element(By.CSS_SELECTOR, "img.click-image")
    swatch = driver.find_element(By.CSS_SELECTOR, '[data-testid="stColorPicker"] [data-testid="stColorPickerBlock"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", swatch)
    swatch.click()
    popover = pa.wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[role="dialog"]'), 30,
                            "the colour picker's popover")[0]
    shot(driver, "colorizer-picker")
    assert not overlap(driver.execute_script(RECT, popover), driver.execute_script(RECT, sketch))


def test_latent_slider_moves_image_and_link_reproduces_it(app, driver):
    pa.open_page(driver, app, "latent_explorer", "Latent Explorer")
    before = pa.wait_until(driver, lambda d: pa.image_sources(d), 60, "the first image")
    pa.nudge_slider(driver, index=0, presses=8)
    pa.wait_new_image(driver, before, 60)
    try:
        pa.wait_until(driver, lambda d: "sefa=" in d.current_url, 30, "the slider state to reach the URL")
    except pa.PageBroken:  # seen once in ~15 full runs, cause unknown: move the slider once more
        pa.nudge_slider(driver, index=0, presses=2)
        pa.wait_until(driver, lambda d: "sefa=" in d.current_url, 60, "the slider state to reach the URL")
    after = pa.settled_images(driver)  # every key press reruns the page: compare with the final state
    shared_url = driver.current_url
    shot(driver, "latent")
    other = chromium()
    try:
        other.get(shared_url)
        assert pa.settled_images(other, 90)[0] == after[0]
    finally:
        other.quit()


def test_infogan_digit_changes_image(app, driver):
    pa.open_page(driver, app, "infogan_controls", "InfoGAN Controls")
    before = pa.wait_until(driver, lambda d: pa.image_sources(d), 60, "the first image")
    radio = driver.find_element(By.CSS_SELECTOR, '[data-testid="stRadio"]')
    digits = [label for label in radio.find_elements(By.CSS_SELECTOR, "label") if label.text.strip().isdigit()]
    rows = {round(label.location["y"]) for label in digits}
    assert len(digits) == 10 and len(rows) == 1, f"the ten digits sit on {len(rows)} lines"
    pa.click_label(driver, "7")
    pa.wait_new_image(driver, before, 60)
    shot(driver, "infogan")


def test_wavenet_generates_playable_audio(app, driver):
    pa.open_page(driver, app, "wavenet_audio", "WaveNet Audio")
    pa.click_button(driver, "Generate")
    pa.wait_until(driver, lambda d: pa.idle(d) and d.find_elements(By.CSS_SELECTOR, '[data-testid="stAudio"]'),
                  180, "the audio player")
    shot(driver, "wavenet")
