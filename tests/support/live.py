"""The live sliders in a real browser (pages/live_generator.py): wait for the preview, drag a slider as a mouse does,
read what the page's script recorded, and the pixels of the live canvas and of the server's picture. Shared by
tests/test_e2e_live.py and benchmarks/bench_live_sliders.py."""
from __future__ import annotations

import base64
import io
import json
import time

import numpy as np
import requests
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from tests.support import page_actions as pa

# A Chromium without WebAssembly: V8 without its JIT has none (typeof WebAssembly === "undefined"). The older
# --js-flags=--noexpose_wasm no longer hides it in Debian's Chromium 156 (typeof WebAssembly stays "object").
NO_WASM = ("--js-flags=--jitless",)


def status(driver) -> str | None:
    return driver.execute_script("const r = document.querySelector('.live-generator'); return r && r.dataset.status")


def wait_status(driver, timeout: float = 60.0) -> str:
    """'ready' or 'failed', once the preview has finished loading."""
    return pa.wait_until(driver, lambda d: status(d) not in (None, "loading") and status(d), timeout,
                         "the live preview to load or fail")


def stats(driver) -> list[dict]:
    return driver.execute_script("return window.__ganStudioLive ? window.__ganStudioLive.stats.slice() : []") or []


def watch_pictures(driver) -> None:
    """From now on, record when a server picture (st.image) changes: window.__pictureChanges (performance.now())."""
    driver.execute_script("""
        window.__pictureChanges = [];
        new MutationObserver((ms) => { for (const m of ms) if (m.target.tagName === 'IMG') window.__pictureChanges.push(performance.now()); })
            .observe(document.body, {subtree: true, attributes: true, attributeFilter: ['src']});""")


def picture_changes(driver) -> list[float]:
    return driver.execute_script("return window.__pictureChanges || []")


def drag(driver, key: str, moves: int, dx: int, ms_per_move: int = 16) -> None:
    """Press on slider `key`'s thumb, move it `moves` times by dx px (ms_per_move apart), release."""
    box = driver.find_element(By.CSS_SELECTOR, f".st-key-{key}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    thumb = box.find_element(By.CSS_SELECTOR, '[data-testid="stSliderThumbValue"]')
    chain = ActionChains(driver, duration=ms_per_move)
    chain.click_and_hold(thumb)
    for _ in range(moves):
        chain.move_by_offset(dx, 0)
    chain.release()
    chain.perform()


def canvas_pixels(driver) -> np.ndarray:
    """The live canvas at its own size (H, W, 3) uint8."""
    url = driver.execute_script("return document.querySelector('.live-canvas').toDataURL('image/png')")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))


def canvas_state(driver) -> dict:
    """The inputs of the canvas's last frame ({input name: values})."""
    return json.loads(driver.execute_script("return document.querySelector('.live-generator').dataset.state"))


def server_pixels(driver, base: str, picture_key: str, size: tuple[int, int]) -> np.ndarray:
    """The server's picture inside st.container(key=picture_key), brought down to size (W, H) (it is a nearest-
    neighbour enlargement) as (H, W, 3) uint8."""
    src = driver.find_element(By.CSS_SELECTOR, f'.st-key-{picture_key} [data-testid="stImage"] img').get_attribute("src")
    if src.startswith("data:"):
        blob = base64.b64decode(src.split(",", 1)[1])
    else:
        blob = requests.get(src if src.startswith("http") else base + src, timeout=30).content
    picture = Image.open(io.BytesIO(blob)).convert("RGB")
    return np.asarray(picture.resize(size, Image.NEAREST))


def settle(driver, timeout: float = 60.0) -> None:
    """Wait until the server has answered the release: page idle, pictures unchanged for a second."""
    pa.settled_images(driver, timeout, quiet=1.0)
    time.sleep(0.3)
