"""The real server as the Procfile starts it (serve.py): visitors cannot read /_stcore/metrics nor clear the global
caches, the app still works in a real browser (including the Draw tab's canvas), and the middleware's filtering is
checked on its own with a fake ASGI app."""
from __future__ import annotations

import asyncio

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from streamlit.proto.BackMsg_pb2 import BackMsg

import serve
from tests.support import page_actions as pa
from tests.support.app_server import procfile_app
from tests.support.browser import chromium


def back_msg(**fields) -> bytes:
    msg = BackMsg()
    for name, value in fields.items():
        if name == "rerun_script":
            msg.rerun_script.query_string = value
        else:
            setattr(msg, name, value)
    return msg.SerializeToString()


def test_middleware_drops_clear_cache_and_blocks_metrics():
    seen, sent = [], []

    async def inner(scope, receive, send):
        if scope["type"] == "websocket":
            while (m := await receive())["type"] != "websocket.disconnect":
                seen.append(BackMsg.FromString(m["bytes"]).WhichOneof("type"))
        else:
            seen.append(scope["path"])

    incoming = [{"type": "websocket.receive", "bytes": back_msg(clear_cache=True)},
                {"type": "websocket.receive", "bytes": back_msg(rerun_script="a=1")},
                {"type": "websocket.receive", "bytes": back_msg(clear_cache=True)},
                {"type": "websocket.disconnect"}]

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    guard = serve.PrivateEndpoints(inner)
    asyncio.run(guard({"type": "websocket", "path": "/_stcore/stream"}, receive, send))
    assert seen == ["rerun_script"]
    for path in ("/_stcore/metrics", "/_stcore/metrics/", "/base/_stcore/metrics"):
        asyncio.run(guard({"type": "http", "path": path}, receive, send))
        assert sent[-2]["status"] == 404
    asyncio.run(guard({"type": "http", "path": "/_stcore/health"}, receive, send))
    assert seen[-1] == "/_stcore/health"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with procfile_app(tmp_path_factory.mktemp("home")) as (base, proc):
        yield base, proc


def test_metrics_are_not_served(app):
    base, _ = app
    assert requests.get(f"{base}/_stcore/metrics", timeout=10).status_code == 404
    assert requests.options(f"{base}/_stcore/metrics", timeout=10).status_code == 404
    assert requests.get(f"{base}/_stcore/health", timeout=10).text == "ok"


def test_draw_tab_in_a_real_browser(app):
    base, proc = app
    driver = chromium()
    try:
        pa.open_page(driver, base, "sketch_colorizer", "Sketch Colorizer")
        pa.click_label(driver, "Draw")
        canvas = pa.wait_until(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "canvas.draw-canvas"), 60,
                               "the drawing canvas")[0]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", canvas)
        chain = ActionChains(driver).move_to_element_with_offset(canvas, -100, -100).click_and_hold()
        for dx, dy in ((60, 0), (60, 60), (0, 60), (-60, 0), (-60, -60)):
            chain = chain.move_by_offset(dx, dy)
        chain.release().perform()
        pa.wait_until(driver, lambda d: pa.idle(d) and "Download PNG" in pa.body_text(d), 90,
                      "the drawing colored")
        assert proc.poll() is None
    finally:
        driver.quit()
