"""What a person does on each page, in a real browser (Selenium): shared by the end-to-end tests and the load script.

Each action returns once the page shows its result; a Streamlit exception box on the page raises PageBroken.
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
PATIENCE = float(os.environ.get("E2E_PATIENCE", "1"))  # every wait's timeout is multiplied by this (busy hosts)


class PageBroken(AssertionError):
    """The page shows a Streamlit exception (a traceback) or never reached the expected state."""


def check_no_exception(driver: WebDriver) -> None:
    boxes = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    if boxes:
        raise PageBroken("the page shows an exception: " + boxes[0].text[:500])


def wait_until(driver: WebDriver, condition, timeout: float = 60.0, what: str = "condition"):
    """Poll condition(driver) until truthy; fail fast when the page shows an exception."""
    timeout *= PATIENCE
    deadline = time.time() + timeout
    while time.time() < deadline:
        check_no_exception(driver)
        try:
            value = condition(driver)
            if value:
                return value
        except (StaleElementReferenceException, WebDriverException):
            pass
        time.sleep(0.2)
    raise PageBroken(f"timed out after {timeout:.0f} s waiting for {what}")


def idle(driver: WebDriver) -> bool:
    """True when the script is not running (no 'Running...' status widget)."""
    return not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')


def body_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def image_sources(driver: WebDriver) -> list[str]:
    return [img.get_attribute("src") for img in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stImage"] img')]


def open_page(driver: WebDriver, base: str, path: str, expect_text: str, timeout: float = 90.0) -> None:
    driver.get(f"{base}/{path}")
    wait_until(driver, lambda d: expect_text in body_text(d), timeout, f"'{expect_text}' on /{path}")
    wait_until(driver, idle, timeout, "the script run to finish")
    if "Page not found" in body_text(driver):
        raise PageBroken(f"/{path} shows Streamlit's 'Page not found' dialog")


def upload_file(driver: WebDriver, path: Path, index: int = 0) -> None:
    inputs = wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, 'input[type="file"]'), 30, "a file input")
    inputs[index].send_keys(str(path))


def nudge_slider(driver: WebDriver, index: int = 0, presses: int = 5, key=Keys.ARROW_RIGHT) -> None:
    """Focus the index-th slider and move it with the keyboard's arrow keys, as a person can."""
    inputs = wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stSlider"] input[type="range"]'),
                        30, "a slider")
    slider = inputs[index]
    start = slider.get_attribute("value")
    for _ in range(3):  # a rerun can replace the element under our feet: focus again until the value moves
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", slider)
        ActionChains(driver).send_keys(key * presses).perform()
        try:
            wait_until(driver, lambda d: slider.get_attribute("value") != start, 10, "the slider to move")
            return
        except PageBroken:
            slider = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSlider"] input[type="range"]')[index]
    raise PageBroken("the slider did not move")


def click_button(driver: WebDriver, label: str) -> None:
    buttons = wait_until(driver, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "button")
                                            if b.text.strip() == label or b.text.split()[-1:] == [label]],
                         30, f"a button labelled '{label}'")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", buttons[0])
    buttons[0].click()


def download(driver: WebDriver, label: str, folder: Path, timeout: float = 90.0) -> Path:
    """Click the download button labelled label; the file the browser saves into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    click_button(driver, label)
    done = lambda d: [f for f in folder.iterdir() if not f.name.endswith(".crdownload")]  # noqa: E731
    return wait_until(driver, done, timeout, f"the file of '{label}'")[0]


def wait_new_image(driver: WebDriver, before: list[str], timeout: float = 60.0) -> list[str]:
    return wait_until(driver, lambda d: (s := image_sources(d)) and s != before and idle(d) and s, timeout,
                      "the image to change")


def click_sketch_image(driver: WebDriver, x: int, y: int) -> None:
    """A real pointer click at (x, y) CSS pixels from the top-left of the colorizer's clickable sketch."""
    img = wait_until(driver, lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, "img.click-image")
                                        if d.execute_script("return arguments[0].complete && "
                                                            "arguments[0].naturalWidth > 0;", i)],
                     30, "the clickable sketch")[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", img)
    size = img.size
    ActionChains(driver).move_to_element_with_offset(img, x - size["width"] // 2, y - size["height"] // 2) \
        .click().perform()


def click_label(driver: WebDriver, text: str) -> None:
    """Click the radio/checkbox option whose visible label is exactly text."""
    labels = wait_until(driver, lambda d: [el for el in d.find_elements(By.CSS_SELECTOR, "label")
                                           if el.text.strip() == text], 30, f"an option labelled '{text}'")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", labels[0])
    labels[0].click()


def settled_images(driver: WebDriver, timeout: float = 60.0, quiet: float = 1.5) -> list[str]:
    """The image sources once the page is idle and they have not changed for `quiet` seconds."""
    timeout *= PATIENCE
    deadline = time.time() + timeout
    last, since = None, time.time()
    while time.time() < deadline:
        check_no_exception(driver)
        current = image_sources(driver) if idle(driver) else None
        if current != last:
            last, since = current, time.time()
        elif current and time.time() - since >= quiet:
            return current
        time.sleep(0.2)
    raise PageBroken(f"images did not settle within {timeout:.0f} s")


SAMPLE_SKETCH = ROOT / "pages" / "samples" / "penguin.png"


def latent(driver, base, first: bool):
    if first:
        open_page(driver, base, "latent_explorer", "Latent Explorer")
        return
    before = image_sources(driver)
    nudge_slider(driver, index=0, presses=3)
    wait_new_image(driver, before, 120)


def infogan(driver, base, first: bool):
    if first:
        open_page(driver, base, "infogan_controls", "InfoGAN Controls")
        return
    before = image_sources(driver)
    click_button(driver, "Random")
    wait_new_image(driver, before, 120)


def colorizer(driver, base, first: bool):
    if first:
        open_page(driver, base, "sketch_colorizer", "Sketch Colorizer")
        upload_file(driver, SAMPLE_SKETCH)
        wait_until(driver, lambda d: idle(d) and image_sources(d), 120, "the colored image")
        return
    before = hint_count(driver)
    click_sketch_image(driver, 40 + int(time.time() * 7) % 150, 90)
    # a new hint in a region that already has one of the same colour gives the same picture, so "done" is the hint
    # list growing by one and the page finishing its run (which includes colorizing), not a changed image
    wait_until(driver, lambda d: hint_count(d) == before + 1 and idle(d), 120, "the hint and the new colors")


def hint_count(driver) -> int:
    found = re.search(r"(\d+) hints?:", body_text(driver))
    return int(found.group(1)) if found else 0


def wavenet(driver, base, first: bool):
    if first:
        open_page(driver, base, "wavenet_audio", "WaveNet Audio")
    n_before = len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stAudio"] audio'))
    src_before = [a.get_attribute("src") for a in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stAudio"] audio')]
    click_button(driver, "Generate")
    wait_until(driver, lambda d: idle(d) and (
        [a.get_attribute("src") for a in d.find_elements(By.CSS_SELECTOR, '[data-testid="stAudio"] audio')]
        not in ([], src_before) or n_before == 0 and d.find_elements(By.CSS_SELECTOR, '[data-testid="stAudio"]')),
        240, "new audio")


PHOTOS = sorted((ROOT / "pages" / "samples" / "photo").glob("*.jpg"))


def photo(driver, base, first: bool):
    """Upload one gallery photo after another (each a new picture for the session to colour)."""
    if first:
        open_page(driver, base, "photo_colorizer", "Photo Colorizer")
        wait_until(driver, lambda d: idle(d) and "Download PNG" in body_text(d), 240, "the gallery photo coloured")
        click_label(driver, "Upload")
    before = image_sources(driver)
    upload_file(driver, PHOTOS[int(time.time() * 1000) % len(PHOTOS)])
    wait_until(driver, lambda d: idle(d) and "Download PNG" in body_text(d) and image_sources(d) != before, 240,
               "the uploaded photo coloured")


USER_ACTIONS = {  # what one visitor repeats on each page: (driver, base, first visit?)
    "latent slider": latent, "infogan code": infogan, "colorize + hint": colorizer, "wavenet generate": wavenet,
    "photo upload": photo}
